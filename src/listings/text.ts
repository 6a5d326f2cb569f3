/** The text files of a listings folder: UTF-8 (a BOM dropped), CRLF or LF, trimmed; list files one item per line. */
import { readFile } from 'node:fs/promises';
import { errorMessage } from '../errors.js';

/** Text files larger than this are refused unread: no Store field holds that much. */
export const MAX_TEXT_FILE_BYTES = 256 * 1024;

/**
 * The content of the text file at `file`, `size` bytes long, decoded by decodeText. Returns
 * `{ problem }` instead, a sentence for the user, when it is too large, cannot be read or is not UTF-8.
 */
export async function readText(file: string, size: number): Promise<{ text: string } | { problem: string }> {
  if (size > MAX_TEXT_FILE_BYTES) {
    return { problem: `is ${size} bytes; no Store field holds more than ${MAX_TEXT_FILE_BYTES} bytes` };
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    return { problem: `cannot be read (${errorMessage(error)})` };
  }
  try {
    return { text: decodeText(bytes) };
  } catch {
    return { problem: 'is not UTF-8 text; save it as UTF-8' };
  }
}

/** UTF-8 (strict) without BOM, CRLF and CR turned into LF, surrounding white space trimmed. Throws TypeError on invalid UTF-8. */
export function decodeText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/\r\n?/g, '\n').trim();
}

/** Items of a list file: each non-blank line, trimmed. */
export function listItems(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
