/** Jest in ESM mode: ts-jest transpiles, `tsc --noEmit` (npm run typecheck) checks types. */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  // The end-to-end suites run a bundle built from the current sources, not the committed dist/.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  // End-to-end suites each start Azurite and the emulator; two workers match the two cores.
  maxWorkers: 2,
  testTimeout: 120000,
};
