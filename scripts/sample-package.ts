/**
 * Writes a sample package for local runs (`npm run local-action`, see the README's Development
 * section): `npx tsx scripts/sample-package.ts [FILE]`, default
 * `.tmp/sample/ContosoNotes_1.2.0.0_x64.msixupload`. A real upload file of the emulator app's
 * identity, with the version and architecture its name announces (the action reads its manifest
 * before anything is created), and about 3 MB of payload.
 */
import { stat } from 'node:fs/promises';
import { writeNamedPackage } from '../test/support/packages.js';

const file = process.argv[2] ?? '.tmp/sample/ContosoNotes_1.2.0.0_x64.msixupload';
await writeNamedPackage(file, 3 * 1024 * 1024);
process.stdout.write(`${file} (${((await stat(file)).size / 1048576).toFixed(1)} MB)\n`);
