/** Jest in ESM mode: ts-jest transpiles, `tsc --noEmit` (npm run typecheck) checks types. */
const base = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }],
  },
};

/**
 * The end-to-end suites run twice: against the emulator's documented shapes and against the shapes
 * the live services were recorded sending (`globals.emulatorShapes`, read by test/support/stack.ts).
 */
const e2e = (shapes) => ({
  ...base,
  displayName: `e2e ${shapes}`,
  testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'],
  globals: { emulatorShapes: shapes },
});

export default {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'] },
    { ...base, displayName: 'emulator', testMatch: ['<rootDir>/__tests__/emulator/**/*.test.ts'] },
    e2e('documented'),
    e2e('recorded'),
  ],
  // The end-to-end suites run a bundle built from the current sources, not the committed dist/.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  // End-to-end suites each start Azurite and the emulator; two workers match the two cores.
  maxWorkers: 2,
  testTimeout: 120000,
};
