/**
 * Every action input, parsed and validated in one place before any request is sent. A bad value
 * throws InputError naming the input and saying how to fix it. Everything else receives `Inputs`
 * and never reads an input itself. Checks that need the file system (globs, files the JSON names)
 * happen in `prepare.ts`, still before anything changes in the Store.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from './errors.js';
import { isJsonObject, type JsonObject } from './json.js';
import { invalidJsonOffset } from './json-position.js';
import type { Target } from './store/kinds.js';

export const COMMANDS = ['submit', 'create-flight', 'create-add-on', 'rollout', 'status'] as const;
export type Command = (typeof COMMANDS)[number];
export const PUBLISH_MODES = ['Immediate', 'Manual', 'SpecificDate'] as const;
export type PublishMode = (typeof PUBLISH_MODES)[number];
export type OnPending = 'fail' | 'delete';
export type WaitFor = 'none' | 'commit' | 'publish';
export type RolloutAction = 'update' | 'halt' | 'finalize';
export type ExistingRollout = 'fail' | 'finalize' | 'halt';

export const PACKAGE_EXTENSIONS = ['.msixupload', '.appxupload', '.msix', '.msixbundle', '.appx', '.appxbundle', '.xap'];

/** JSON given inline or as a path, with where it came from (for annotations and content-root). */
export interface JsonInput {
  value: JsonObject;
  /** Absolute path of the file, when the input named one. */
  file?: string;
}

export interface Inputs {
  /** Entra tenant (GUID or verified domain). */
  tenantId: string;
  /** Entra application (client) ID. */
  clientId: string;
  /** Empty string: sign in with GitHub OIDC. */
  clientSecret: string;
  authorityUrl: string;
  apiUrl: string;
  command: Command;
  /** The product worked on; undefined only for `create-add-on` and `create-flight`. */
  target?: Target;
  appId?: string;
  submissionId?: string;
  submissionJson?: JsonInput;
  /** Absolute folder where file names of the submission are looked up. */
  contentRoot: string;
  /** Glob patterns, one per line. */
  packages: string[];
  replacePackages: boolean;
  zipPath?: string;
  releaseNotes?: string;
  notesForCertification?: string;
  targetPublishMode?: PublishMode;
  targetPublishDate?: string;
  rolloutPercentage?: number;
  mandatoryUpdate?: boolean;
  mandatoryUpdateDate?: string;
  onPending: OnPending;
  waitFor: WaitFor;
  timeoutMinutes: number;
  pollIntervalSeconds: number;
  dryRun: boolean;
  flightName?: string;
  flightGroups: string[];
  rankHigherThan?: string;
  flightJson?: JsonInput;
  addOnJson?: JsonInput;
  rolloutAction?: RolloutAction;
  existingRollout: ExistingRollout;
  /** Empty: no artifact. */
  artifactName: string;
  /** The workspace, for resolving relative paths. */
  workspace: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STORE_ID = /^[0-9A-Z]{12}$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](-*[a-z0-9])*)(\.[a-z0-9](-*[a-z0-9])*)+$/i;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Reads one raw input; `core.getInput` in the action, a map in tests. */
export type InputSource = (name: string) => string;

function choice<T extends string>(name: string, raw: string, allowed: readonly T[], fallback: T): T {
  if (raw === '') return fallback;
  const found = allowed.find((a) => a.toLowerCase() === raw.toLowerCase());
  if (!found) throw new InputError(name, `'${raw}' is not one of ${allowed.map((a) => `'${a}'`).join(', ')}.`);
  return found;
}

function optionalChoice<T extends string>(name: string, raw: string, allowed: readonly T[]): T | undefined {
  return raw === '' ? undefined : choice(name, raw, allowed, allowed[0] as T);
}

function bool(name: string, raw: string): boolean | undefined {
  if (raw === '') return undefined;
  if (/^(true|yes|1)$/i.test(raw)) return true;
  if (/^(false|no|0)$/i.test(raw)) return false;
  throw new InputError(name, `'${raw}' is not a boolean; use 'true' or 'false'.`);
}

function number(name: string, raw: string, min: number, max: number, what: string): number | undefined {
  if (raw === '') return undefined;
  const value = Number(raw);
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(raw) || !Number.isFinite(value) || value < min || value > max) {
    throw new InputError(name, `'${raw}' is not ${what} from ${min} to ${max}.`);
  }
  return value;
}

function dateTime(name: string, raw: string): string | undefined {
  if (raw === '') return undefined;
  if (!ISO_DATE_TIME.test(raw) || Number.isNaN(Date.parse(raw))) {
    throw new InputError(name, `'${raw}' is not an ISO 8601 date-time; write it like 2026-12-01T09:00:00Z.`);
  }
  return new Date(raw).toISOString();
}

function url(name: string, raw: string): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new InputError(name, `'${raw}' is not a URL; give an absolute http(s) URL.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new InputError(name, `'${raw}' must be an http(s) URL.`);
  }
  if (parsed.search || parsed.hash) throw new InputError(name, 'must not have a query or fragment.');
  return raw.replace(/\/+$/, '');
}

function storeId(name: string, raw: string): string | undefined {
  if (raw === '') return undefined;
  const upper = raw.toUpperCase();
  if (!STORE_ID.test(upper)) {
    throw new InputError(name, `'${raw}' is not a Store ID; it has 12 letters and digits, like 9NBLGGH4R315 (Partner Center > Product identity).`);
  }
  return upper;
}

/** The 1-based line and column of a character offset, for JSON parse errors and annotations. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Parses JSON and reports a syntax error with its line and column. */
export function parseJsonText(name: string, text: string, file?: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const offset = invalidJsonOffset(text);
    const where = offset === undefined ? undefined : lineAndColumn(text, offset);
    const location = [file, where && `line ${where.line}, column ${where.column}`].filter(Boolean).join(': ');
    // Node quotes a snippet of the text after the reason (", ...\"abc\" is not valid JSON"): the position says more.
    const reason = (error as Error).message.split('\n')[0]?.replace(/, (\.\.\.)?"[\s\S]*$/, '').replace(/ in JSON at position.*$/, '');
    throw new JsonSyntaxError(name, `is not valid JSON${location ? ` (${location})` : ''}: ${reason}.`, file, where);
  }
  if (!isJsonObject(parsed)) throw new InputError(name, 'must be a JSON object ({ ... }).');
  return parsed;
}

/** A JSON syntax error, with the place it points at so the log can annotate the file. */
export class JsonSyntaxError extends InputError {
  constructor(
    input: string,
    problem: string,
    readonly file: string | undefined,
    readonly position: { line: number; column: number } | undefined,
  ) {
    super(input, problem);
  }
}

function jsonInput(name: string, raw: string, workspace: string): JsonInput | undefined {
  if (raw === '') return undefined;
  if (raw.trimStart().startsWith('{') || raw.trimStart().startsWith('[')) return { value: parseJsonText(name, raw) };
  const file = path.resolve(workspace, raw.trim());
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new InputError(name, `'${raw}' is neither inline JSON nor an existing file (looked for ${file}).`);
  }
  return { value: parseJsonText(name, readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), file), file };
}

function lines(raw: string, separators: RegExp): string[] {
  return raw
    .split(separators)
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('#'));
}

function target(command: Command, appId?: string, flightId?: string, addOnId?: string): Target | undefined {
  if (flightId && addOnId) throw new InputError('flight-id', "give either 'flight-id' or 'add-on-id', not both.");
  if (flightId) {
    if (!appId) throw new InputError('app-id', "is required with 'flight-id' (the app the flight belongs to).");
    return { kind: 'flight', appId, flightId };
  }
  if (addOnId) return { kind: 'add-on', addOnId };
  if (appId) return { kind: 'app', appId };
  if (command === 'create-add-on' || command === 'create-flight') return undefined;
  throw new InputError('app-id', `'${command}' needs a product: set 'app-id' (with 'flight-id' for a package flight) or 'add-on-id'.`);
}

/** action.yml defaults that are not empty, for the inputs whose applicability is checked. */
const NON_EMPTY_DEFAULTS: Record<string, string> = { 'replace-packages': 'false', 'existing-rollout': 'fail' };

/** Inputs that only mean something for some commands or kinds; setting them elsewhere is an error, not ignored. */
function rejectInapplicable(inputs: Inputs, raw: InputSource): void {
  // The runner passes action.yml defaults as if given: only a value other than the default counts as set.
  const set = (name: string) => raw(name) !== '' && raw(name) !== (NON_EMPTY_DEFAULTS[name] ?? '');
  const only = (names: string[], allowed: boolean, why: string) => {
    for (const name of names) if (set(name) && !allowed) throw new InputError(name, why);
  };
  const submit = inputs.command === 'submit';
  only(
    ['submission-json', 'packages', 'zip-path', 'release-notes', 'notes-for-certification', 'target-publish-mode', 'target-publish-date', 'mandatory-update', 'mandatory-update-date'],
    submit,
    `applies to 'command: submit' only, not '${inputs.command}'.`,
  );
  only(['rollout-percentage'], submit || inputs.command === 'rollout', `applies to 'submit' and 'rollout' only, not '${inputs.command}'.`);
  only(['flight-name', 'flight-groups', 'rank-higher-than', 'flight-json'], inputs.command === 'create-flight', "applies to 'command: create-flight' only.");
  only(['add-on-json'], inputs.command === 'create-add-on', "applies to 'command: create-add-on' only.");
  only(['rollout-action'], inputs.command === 'rollout', "applies to 'command: rollout' only.");
  only(['submission-id'], inputs.command === 'rollout' || inputs.command === 'status', "applies to 'rollout' and 'status' only.");
  const kind = inputs.target?.kind;
  if (kind === 'add-on') {
    only(['packages', 'replace-packages', 'rollout-percentage', 'mandatory-update', 'mandatory-update-date', 'existing-rollout'], false, 'does not apply to add-ons (they have no packages and no package rollout).');
    if (inputs.command === 'rollout') throw new InputError('add-on-id', 'gradual rollout applies to app and package flight submissions, not add-ons.');
  }
  if (kind === 'flight') only(['release-notes'], false, 'does not apply to package flights (flight submissions have no listings).');
}

export function readInputs(raw: InputSource, env: NodeJS.ProcessEnv = process.env): Inputs {
  const get = (name: string) => raw(name).trim();
  const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd());

  const tenantId = get('tenant-id');
  if (!tenantId) throw new InputError('tenant-id', 'is required: the Entra ID tenant of your Partner Center account (a GUID).');
  if (!GUID.test(tenantId) && !DOMAIN.test(tenantId)) {
    throw new InputError('tenant-id', 'is neither a GUID nor a domain name; copy the Directory (tenant) ID from Entra ID > Overview.');
  }
  const clientId = get('client-id');
  if (!clientId) throw new InputError('client-id', 'is required: the Application (client) ID of the Entra app added to Partner Center.');
  if (!GUID.test(clientId)) throw new InputError('client-id', `'${clientId}' is not a GUID; copy the Application (client) ID from Entra ID > App registrations.`);

  const command = choice('command', get('command'), COMMANDS, 'submit');
  const appId = storeId('app-id', get('app-id'));
  const flightId = get('flight-id') || undefined;
  if (flightId && !GUID.test(flightId)) throw new InputError('flight-id', `'${flightId}' is not a flight ID (a GUID, as create-flight outputs).`);
  const addOnId = storeId('add-on-id', get('add-on-id'));
  const submissionId = get('submission-id') || undefined;
  if (submissionId && !/^\d{1,25}$/.test(submissionId)) throw new InputError('submission-id', `'${submissionId}' is not a submission ID (digits only).`);

  const submissionJson = jsonInput('submission-json', raw('submission-json'), workspace);
  const contentRootRaw = get('content-root');
  const contentRoot = contentRootRaw
    ? path.resolve(workspace, contentRootRaw)
    : submissionJson?.file
      ? path.dirname(submissionJson.file)
      : workspace;
  if (contentRootRaw && (!existsSync(contentRoot) || !statSync(contentRoot).isDirectory())) {
    throw new InputError('content-root', `'${contentRootRaw}' is not an existing folder (looked for ${contentRoot}).`);
  }

  const zipPathRaw = get('zip-path');
  const zipPath = zipPathRaw ? path.resolve(workspace, zipPathRaw) : undefined;
  if (zipPath && (!existsSync(zipPath) || !statSync(zipPath).isFile())) {
    throw new InputError('zip-path', `'${zipPathRaw}' is not an existing file (looked for ${zipPath}).`);
  }
  const packages = lines(raw('packages'), /\r?\n/);
  if (zipPath && packages.length > 0) {
    throw new InputError('packages', "cannot be combined with 'zip-path': a ready-made zip is uploaded as it is; name its packages in 'submission-json' instead.");
  }

  const targetPublishMode = optionalChoice('target-publish-mode', get('target-publish-mode'), PUBLISH_MODES);
  const targetPublishDate = dateTime('target-publish-date', get('target-publish-date'));
  if (targetPublishMode === 'SpecificDate' && !targetPublishDate) {
    throw new InputError('target-publish-date', "is required with 'target-publish-mode: SpecificDate'.");
  }
  if (targetPublishDate && targetPublishMode !== 'SpecificDate') {
    throw new InputError('target-publish-date', "only applies with 'target-publish-mode: SpecificDate'.");
  }
  const mandatoryUpdate = bool('mandatory-update', get('mandatory-update'));
  const mandatoryUpdateDate = dateTime('mandatory-update-date', get('mandatory-update-date'));
  if (mandatoryUpdateDate && mandatoryUpdate === false) {
    throw new InputError('mandatory-update-date', "makes no sense with 'mandatory-update: false'.");
  }

  const rolloutAction = optionalChoice('rollout-action', get('rollout-action'), ['update', 'halt', 'finalize'] as const);
  const rolloutPercentage = number('rollout-percentage', get('rollout-percentage'), 0, 100, 'a percentage');
  if (command === 'rollout') {
    if (!rolloutAction) throw new InputError('rollout-action', "is required with 'command: rollout': 'update', 'halt' or 'finalize'.");
    if (rolloutAction === 'update' && rolloutPercentage === undefined) {
      throw new InputError('rollout-percentage', "is required with 'rollout-action: update'.");
    }
    if (rolloutAction !== 'update' && rolloutPercentage !== undefined) {
      throw new InputError('rollout-percentage', `does not apply to 'rollout-action: ${rolloutAction}'.`);
    }
  }

  const artifactName = get('artifact-name');
  if (/[":<>|*?\\/\r\n]/.test(artifactName)) {
    throw new InputError('artifact-name', `'${artifactName}' contains a character artifact names cannot have (" : < > | * ? \\ /).`);
  }

  const inputs: Inputs = {
    tenantId,
    clientId,
    clientSecret: raw('client-secret'),
    authorityUrl: url('authority-url', get('authority-url') || 'https://login.microsoftonline.com'),
    apiUrl: url('api-url', get('api-url') || 'https://manage.devcenter.microsoft.com'),
    command,
    target: target(command, appId, flightId, addOnId),
    appId,
    submissionId,
    submissionJson,
    contentRoot,
    packages,
    replacePackages: bool('replace-packages', get('replace-packages')) ?? false,
    zipPath,
    releaseNotes: raw('release-notes').trim() ? raw('release-notes').replace(/\s+$/, '') : undefined,
    notesForCertification: raw('notes-for-certification').trim() ? raw('notes-for-certification').replace(/\s+$/, '') : undefined,
    targetPublishMode,
    targetPublishDate,
    rolloutPercentage,
    mandatoryUpdate,
    mandatoryUpdateDate,
    onPending: choice('on-pending', get('on-pending'), ['fail', 'delete'] as const, 'fail'),
    waitFor: choice('wait-for', get('wait-for'), ['none', 'commit', 'publish'] as const, 'commit'),
    timeoutMinutes: number('timeout-minutes', get('timeout-minutes'), 0.05, 7 * 24 * 60, 'a number of minutes') ?? 60,
    pollIntervalSeconds: number('poll-interval-seconds', get('poll-interval-seconds'), 0.1, 3600, 'a number of seconds') ?? 30,
    dryRun: bool('dry-run', get('dry-run')) ?? false,
    flightName: get('flight-name') || undefined,
    flightGroups: lines(raw('flight-groups'), /[\r\n,]+/),
    rankHigherThan: get('rank-higher-than') || undefined,
    flightJson: jsonInput('flight-json', raw('flight-json'), workspace),
    addOnJson: jsonInput('add-on-json', raw('add-on-json'), workspace),
    rolloutAction,
    existingRollout: choice('existing-rollout', get('existing-rollout'), ['fail', 'finalize', 'halt'] as const, 'fail'),
    artifactName,
    workspace,
  };
  rejectInapplicable(inputs, get);
  validateCommandInputs(inputs);
  return inputs;
}

function validateCommandInputs(inputs: Inputs): void {
  for (const group of inputs.flightGroups) {
    if (!/^\d+$/.test(group)) throw new InputError('flight-groups', `'${group}' is not a flight group ID (digits, from Partner Center > Flight groups).`);
  }
  if (inputs.rankHigherThan && !GUID.test(inputs.rankHigherThan)) {
    throw new InputError('rank-higher-than', `'${inputs.rankHigherThan}' is not a flight ID (a GUID).`);
  }
  switch (inputs.command) {
    case 'create-flight':
      if (!inputs.appId) throw new InputError('app-id', "is required with 'command: create-flight'.");
      if (inputs.target?.kind !== 'app') throw new InputError('flight-id', "does not apply to 'command: create-flight'; it outputs the flight ID.");
      if (inputs.flightJson && (inputs.flightName || inputs.flightGroups.length || inputs.rankHigherThan)) {
        throw new InputError('flight-json', "give either 'flight-json' or 'flight-name'/'flight-groups'/'rank-higher-than', not both.");
      }
      if (!inputs.flightJson && !inputs.flightName) throw new InputError('flight-name', "is required with 'command: create-flight' (or give 'flight-json').");
      if (!inputs.flightJson && inputs.flightGroups.length === 0) throw new InputError('flight-groups', 'is required: a flight needs at least one flight group ID.');
      if (inputs.flightJson && typeof inputs.flightJson.value.friendlyName !== 'string') {
        throw new InputError('flight-json', "must have a 'friendlyName' (it is how an existing flight is found and reused).");
      }
      break;
    case 'create-add-on': {
      if (!inputs.addOnJson) throw new InputError('add-on-json', "is required with 'command: create-add-on'.");
      const addOn = inputs.addOnJson.value;
      if (typeof addOn.productId !== 'string' || !addOn.productId) throw new InputError('add-on-json', "must have a 'productId' string.");
      if (addOn.productType !== 'Durable' && addOn.productType !== 'Consumable') {
        throw new InputError('add-on-json', "must have 'productType' 'Durable' or 'Consumable'.");
      }
      const ids = addOn.applicationIds;
      if (ids !== undefined && (!Array.isArray(ids) || ids.length !== 1 || typeof ids[0] !== 'string')) {
        throw new InputError('add-on-json', "'applicationIds' must list exactly one app's Store ID.");
      }
      if (ids === undefined && !inputs.appId) throw new InputError('app-id', "is required with 'create-add-on' unless add-on-json has 'applicationIds'.");
      if (inputs.target?.kind === 'add-on') throw new InputError('add-on-id', "does not apply to 'command: create-add-on'; it outputs the add-on ID.");
      break;
    }
    case 'submit':
      if (inputs.replacePackages && inputs.packages.length === 0 && !inputs.submissionJson) {
        throw new InputError('replace-packages', "needs new packages: set 'packages' too.");
      }
      break;
    default:
      break;
  }
}
