/**
 * Reads raw action inputs and turns each into a typed value, or throws InputError naming the input
 * and saying how to fix it. Commands declare which inputs they take and parse them with these
 * readers; nothing else reads an input.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { realPlace } from '../paths.js';
import { parseJsonText } from './json.js';
import { INPUT_DEFAULTS, type InputName } from './names.js';

/** Reads one raw input; `core.getInput` in the action, a map in tests. */
export type InputSource = (name: string) => string;

/** JSON given inline or as a path, with where it came from (for annotations and content-root). */
export interface JsonInput {
  value: JsonObject;
  /** Absolute path of the file, when the input named one. */
  file?: string | undefined;
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const STORE_ID = /^[0-9A-Z]{12}$/;
/** An ISO 8601 date-time: date, time to the minute or finer, and the zone (group 8) if any. */
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?)?$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

export class InputReader {
  /** Absolute workspace folder; relative paths in inputs are resolved against it. */
  readonly workspace: string;

  constructor(
    private readonly source: InputSource,
    /** The run's environment: GITHUB_WORKSPACE, and whether GitHub offers an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL). */
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd());
  }

  /** The value as given, untrimmed. */
  raw(name: InputName): string {
    return this.source(name);
  }

  /** Trimmed value; '' when not given. */
  text(name: InputName): string {
    return this.source(name).trim();
  }

  /**
   * Whether the workflow gave a value. The runner passes `action.yml` defaults as if given, so only
   * a value other than the default counts.
   */
  isSet(name: InputName): boolean {
    const value = this.text(name);
    return value !== '' && value !== INPUT_DEFAULTS[name];
  }

  /** Free text kept as written but for trailing white space; undefined when blank. */
  prose(name: InputName): string | undefined {
    const value = this.source(name);
    return value.trim() ? value.replace(/\s+$/, '') : undefined;
  }

  /** One of `allowed`, matched without regard to case; `fallback` when not given. */
  choice<T extends string>(name: InputName, allowed: readonly T[], fallback: T): T {
    return this.optionalChoice(name, allowed) ?? fallback;
  }

  optionalChoice<T extends string>(name: InputName, allowed: readonly T[]): T | undefined {
    const value = this.text(name);
    if (value === '') return undefined;
    const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
    if (!found) throw new InputError(name, `'${value}' is not one of ${allowed.map((a) => `'${a}'`).join(', ')}.`);
    return found;
  }

  bool(name: InputName): boolean | undefined {
    const value = this.text(name);
    if (value === '') return undefined;
    if (/^(true|yes|1)$/i.test(value)) return true;
    if (/^(false|no|0)$/i.test(value)) return false;
    throw new InputError(name, `'${value}' is not a boolean; use 'true' or 'false'.`);
  }

  /** A decimal number from `min` to `max`; `what` names the unit in the error, e.g. "a number of minutes". */
  number(name: InputName, min: number, max: number, what: string): number | undefined {
    const value = this.text(name);
    if (value === '') return undefined;
    const parsed = Number(value);
    if (!DECIMAL.test(value) || !Number.isFinite(parsed) || parsed < min || parsed > max) {
      throw new InputError(name, `'${value}' is not ${what} from ${min} to ${max}.`);
    }
    return parsed;
  }

  /** A future ISO 8601 date-time with its zone (see futureDateTime), returned in UTC (`2027-12-01T08:00:00.000Z`). */
  dateTime(name: InputName): string | undefined {
    const value = this.text(name);
    if (value === '') return undefined;
    const parsed = futureDateTime(value, new Date());
    if ('problem' in parsed) throw new InputError(name, parsed.problem);
    return parsed.iso;
  }

  /** An absolute http(s) URL without query or fragment, trailing slashes dropped. */
  url(name: InputName): string {
    const value = this.text(name) || INPUT_DEFAULTS[name];
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new InputError(name, `'${value}' is not a URL; give an absolute http(s) URL.`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      throw new InputError(name, `'${value}' must be an http(s) URL.`);
    if (parsed.search || parsed.hash) throw new InputError(name, 'must not have a query or fragment.');
    return value.replace(/\/+$/, '');
  }

  /** A 12-character Store ID, upper-cased. */
  storeId(name: InputName): string | undefined {
    const value = this.text(name);
    if (value === '') return undefined;
    const upper = value.toUpperCase();
    if (!STORE_ID.test(upper)) {
      throw new InputError(
        name,
        `'${value}' is not a Store ID; it has 12 letters and digits, like 9NBLGGH4R315 (Partner Center > Product identity).`,
      );
    }
    return upper;
  }

  /** A GUID; `what` says which ID it is, e.g. "a flight ID (a GUID, as create-flight outputs)". */
  guid(name: InputName, what: string): string | undefined {
    const value = this.text(name);
    if (value === '') return undefined;
    if (!GUID.test(value)) throw new InputError(name, `'${value}' is not ${what}.`);
    return value;
  }

  /** Items separated by `separators`, trimmed, blank and `#` comment items dropped. */
  list(name: InputName, separators: RegExp): string[] {
    return this.source(name)
      .split(separators)
      .map((s) => s.trim())
      .filter((s) => s !== '' && !s.startsWith('#'));
  }

  /** Inline JSON (starting with `{` or `[`) or the path of a JSON file, relative to the workspace. */
  json(name: InputName): JsonInput | undefined {
    const value = this.source(name);
    if (value.trim() === '') return undefined;
    if (/^\s*[[{]/.test(value)) return { value: parseJsonText(name, value) };
    const file = path.resolve(this.workspace, value.trim());
    if (!existsSync(file) || !statSync(file).isFile()) {
      throw new InputError(name, `'${value}' is neither inline JSON nor an existing file (looked for ${file}).`);
    }
    this.insideWorkspace(name, value.trim(), file);
    return { value: parseJsonText(name, readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), file), file };
  }

  /** An existing file or folder, relative to the workspace; absolute path. */
  existing(name: InputName, kind: 'file' | 'folder'): string | undefined {
    const value = this.text(name);
    if (value === '') return undefined;
    const resolved = path.resolve(this.workspace, value);
    const ok =
      existsSync(resolved) && (kind === 'file' ? statSync(resolved).isFile() : statSync(resolved).isDirectory());
    if (!ok) throw new InputError(name, `'${value}' is not an existing ${kind} (looked for ${resolved}).`);
    this.insideWorkspace(name, value, resolved);
    return resolved;
  }

  /**
   * Throws InputError when the real path of `resolved` (what the input `value` names, every
   * symbolic link followed) lies outside the workspace: inputs name files of the workspace only,
   * so a link or a `..` in a pull request cannot send the runner's other files to the Store.
   */
  private insideWorkspace(name: InputName, value: string, resolved: string): void {
    const { real, inside } = realPlace(resolved, this.workspace);
    if (inside) return;
    throw new InputError(
      name,
      `'${value}' resolves to ${real}, outside the workspace (${this.workspace}). Files are read only from the workspace: copy the file or folder into it instead of linking to it or naming a path outside.`,
    );
  }
}

/** The days of `month` (1-12) in `year`. */
function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** What does not exist in a date-time ISO_DATE_TIME matched (year 0000, month 13, 2027-02-30, hour 24), or undefined. */
function impossiblePart(match: RegExpExecArray): string | undefined {
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((group) => Number(match[group] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year === 0) return 'there is no year 0000';
  if (month < 1 || month > 12) return `there is no month ${match[2]}`;
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) return `${match[1]}-${match[2]} has ${days} days`;
  if (hour > 23 || minute > 59 || second > 59)
    return `${match[4]}:${match[5]}:${match[6] ?? '00'} (hour ${match[4]}) is not a time of day`;
  return undefined;
}

/**
 * Parses an ISO 8601 date-time the Store will read as given: `YYYY-MM-DDThh:mm[:ss[.f]]` with a
 * zone, `Z` or `±hh:mm`. Refused, with a problem text that quotes `value`: any other shape; a date
 * or time that does not exist (`2027-02-30`, hour 24, year 0000; JavaScript would shift them to
 * another day); no zone (it would be read in the runner's zone, not the author's); an offset
 * beyond ±14:00; a moment not after `now`. Returns the moment in UTC (`toISOString`).
 */
export function futureDateTime(value: string, now: Date): { iso: string } | { problem: string } {
  const example = 'write it in ISO 8601 like 2027-12-01T09:00:00Z (UTC) or 2027-12-01T10:00:00+01:00';
  const match = ISO_DATE_TIME.exec(value);
  if (!match) return { problem: `'${value}' is not an ISO 8601 date-time; ${example}.` };
  const impossible = impossiblePart(match);
  if (impossible) return { problem: `'${value}' is not a date that exists: ${impossible}; ${example}.` };
  const zone = match[8];
  if (!zone) {
    return {
      problem: `'${value}' has no time zone, so it would be read in the runner's zone rather than yours; end it with Z (UTC) or an offset such as +01:00.`,
    };
  }
  if (zone !== 'Z' && zone !== 'z' && (Number(zone.slice(1, 3)) > 14 || Number(zone.slice(4)) > 59)) {
    return { problem: `'${value}' has the offset ${zone}, which no time zone has (offsets go from -12:00 to +14:00).` };
  }
  const moment = new Date(value);
  if (moment.getTime() <= now.getTime()) {
    return {
      problem: `'${value}' is in the past (it is now ${now.toISOString()}); give a date-time still to come.`,
    };
  }
  return { iso: moment.toISOString() };
}
