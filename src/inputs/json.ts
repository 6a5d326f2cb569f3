/**
 * JSON given to an input, inline or as a file: parsed by `JSON.parse`, with the line and column of
 * a syntax error found by `jsonc-parser` (Node's messages often name no position).
 */
import { parse as parseLenient, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { InputError } from '../errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../json.js';
import type { InputName } from './names.js';

/**
 * Deepest nesting accepted. Store resources are a few levels deep; a document nested thousands of
 * levels would overflow the stack of every recursive walk after parsing.
 */
export const MAX_JSON_DEPTH = 64;

/** A JSON syntax error, with the place it points at so the log can annotate the file. */
export class JsonSyntaxError extends InputError {
  constructor(
    input: InputName,
    problem: string,
    readonly file: string | undefined,
    readonly position: { line: number; column: number } | undefined,
  ) {
    super(input, problem);
  }
}

/** The 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Where strict JSON first goes wrong, and why, as `jsonc-parser` reports it with comments and trailing commas refused. */
function firstSyntaxError(text: string): { offset: number; reason: string } | undefined {
  const errors: ParseError[] = [];
  try {
    parseLenient(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch {
    return undefined;
  }
  const first = errors[0];
  return first && { offset: first.offset, reason: printParseErrorCode(first.error) };
}

/** How deep objects and arrays nest, walked without recursion; stops counting past `limit`. */
function nestingDepth(value: JsonValue, limit: number): number {
  let deepest = 0;
  const stack: [JsonValue, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [JsonValue, number];
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * Parses a JSON object. Throws JsonSyntaxError with the line and column of a syntax error, and
 * InputError when the value is not an object or nests deeper than MAX_JSON_DEPTH.
 */
export function parseJsonText(input: InputName, text: string, file?: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const found = firstSyntaxError(text);
    const where = found && lineAndColumn(text, found.offset);
    const location = [file, where && `line ${where.line}, column ${where.column}`].filter(Boolean).join(': ');
    // Node quotes a snippet of the text after its reason; the position says more.
    const nodeReason = (error as Error).message
      .split('\n')[0]
      ?.replace(/, (\.\.\.)?"[\s\S]*$/, '')
      .replace(/ in JSON at position.*$/, '');
    throw new JsonSyntaxError(
      input,
      `is not valid JSON${location ? ` (${location})` : ''}: ${nodeReason ?? found?.reason}.`,
      file,
      where,
    );
  }
  if (!isJsonObject(parsed)) throw new InputError(input, 'must be a JSON object ({ ... }).');
  if (nestingDepth(parsed, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new InputError(
      input,
      `nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep; a Store resource is a few levels deep, so this is not one.`,
    );
  }
  return parsed;
}
