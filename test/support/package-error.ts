/** The refusal of a package file, for tests of files the reader must refuse. */
import { readPackage } from '../../src/packages/index.js';
import { PackageReadError } from '../../src/packages/read.js';

/** Resolves with the message readPackage refuses `file` with; rejects when it reads the file or fails otherwise. */
export async function refusalOf(file: string): Promise<string> {
  try {
    await readPackage(file);
  } catch (error) {
    if (error instanceof PackageReadError) return error.message;
    throw error;
  }
  throw new Error(`expected ${file} to be refused, but it was read`);
}
