/**
 * The inputs every command takes (sign-in, the API, the time bound, the run record) and the product
 * inputs (`app-id`, `flight-id`, `add-on-id`), parsed once. Each command parses the rest itself.
 */
import { InputError } from '../errors.js';
import type { Target, TargetKind } from '../store/kinds.js';
import { GUID, STORE_ID, type InputReader } from './reader.js';
import type { InputName } from './names.js';

/**
 * Inputs that apply to every command. `wait-for` and `poll-interval-seconds` are run settings a
 * workflow may set for every step; commands that do not wait have nothing to apply them to.
 */
export const COMMON_INPUTS: readonly InputName[] = [
  'tenant-id',
  'client-id',
  'client-secret',
  'authority-url',
  'api-url',
  'command',
  'timeout-minutes',
  'artifact-name',
  'wait-for',
  'poll-interval-seconds',
];

export interface CommonInputs {
  /** Entra tenant (GUID or verified domain). */
  tenantId: string;
  /** Entra application (client) ID. */
  clientId: string;
  /** Empty string: sign in with GitHub OIDC. */
  clientSecret: string;
  authorityUrl: string;
  apiUrl: string;
  /** Bound of the whole run, in minutes. */
  timeoutMinutes: number;
  /** Name of the run record artifact; empty: no artifact. */
  artifactName: string;
}

/**
 * Why an empty `client-secret` fails when GitHub offers no OIDC token either: the likely causes of
 * the empty value first, then the secretless alternative.
 */
const EMPTY_CLIENT_SECRET =
  'is empty, and this job has no GitHub OIDC token to sign in with instead. ' +
  'An empty value usually means the secret is missing or misspelled: check the name in ${{ secrets.NAME }} against the repository secrets ' +
  "(and the environment's, for a job with 'environment:'); pull requests from forks get no secrets at all. " +
  "To sign in without a secret, give the job 'permissions: id-token: write' and add a federated credential to the Entra app (see the README, 'Secretless sign-in'); " +
  'fork pull requests get no OIDC token either.';

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](-*[a-z0-9])*)(\.[a-z0-9](-*[a-z0-9])*)+$/i;

export function readCommonInputs(read: InputReader): CommonInputs {
  const tenantId = read.text('tenant-id');
  if (!tenantId)
    throw new InputError('tenant-id', 'is required: the Entra ID tenant of your Partner Center account (a GUID).');
  if (!GUID.test(tenantId) && !DOMAIN.test(tenantId)) {
    throw new InputError(
      'tenant-id',
      'is neither a GUID nor a domain name; copy the Directory (tenant) ID from Entra ID > Overview.',
    );
  }
  const clientId = read.text('client-id');
  if (!clientId)
    throw new InputError(
      'client-id',
      'is required: the Application (client) ID of the Entra app added to Partner Center.',
    );
  if (!GUID.test(clientId))
    throw new InputError(
      'client-id',
      `'${clientId}' is not a GUID; copy the Application (client) ID from Entra ID > App registrations.`,
    );
  const artifactName = read.text('artifact-name');
  if (/[":<>|*?\\/\r\n]/.test(artifactName)) {
    throw new InputError(
      'artifact-name',
      `'${artifactName}' contains a character artifact names cannot have (" : < > | * ? \\ /).`,
    );
  }
  const clientSecret = read.raw('client-secret');
  if (clientSecret.trim() === '' && !read.env.ACTIONS_ID_TOKEN_REQUEST_URL)
    throw new InputError('client-secret', EMPTY_CLIENT_SECRET);
  return {
    tenantId,
    clientId,
    clientSecret,
    authorityUrl: read.url('authority-url'),
    apiUrl: read.url('api-url'),
    timeoutMinutes: read.number('timeout-minutes', 0.05, 7 * 24 * 60, 'a number of minutes') ?? 60,
    artifactName,
  };
}

/** What input applicability is judged by: an MSIX product kind, or an MSI/EXE product (`installer`). */
export type ProductKind = TargetKind | 'installer';

/**
 * `app-id`: the Store ID of an MSIX app (12 letters and digits, upper-cased), or the product ID GUID
 * of an MSI/EXE product (lower-cased); undefined when not given. Throws InputError for anything else.
 */
export function readAppId(read: InputReader): { storeId: string } | { productId: string } | undefined {
  const value = read.text('app-id');
  if (value === '') return undefined;
  if (GUID.test(value)) return { productId: value.toLowerCase() };
  if (!STORE_ID.test(value.toUpperCase())) {
    throw new InputError(
      'app-id',
      `'${value}' is not a Store ID (12 letters and digits, like 9NBLGGH4R315: Partner Center > Product identity), and not the product ID GUID of an MSI/EXE product either (like 0c6a4d3e-7f21-4b8e-9d55-2f0e6c1b9a7d).`,
    );
  }
  return { storeId: value.toUpperCase() };
}

/** `app-id` as an MSIX app's Store ID, for the MSIX commands; `command` names the command in the error for a GUID. */
export function readStoreAppId(read: InputReader, command: string): string | undefined {
  const app = readAppId(read);
  if (app && 'productId' in app) {
    throw new InputError(
      'app-id',
      `'${app.productId}' is the product ID of an MSI/EXE product; '${command}' of an MSIX app, flight or add-on needs its Store ID (12 letters and digits).`,
    );
  }
  return app?.storeId;
}

/** The product kind the product inputs name (before they are checked): what input applicability is judged by. */
export function productKindOf(read: InputReader): ProductKind {
  if (GUID.test(read.text('app-id'))) return 'installer';
  if (read.isSet('add-on-id')) return 'add-on';
  if (read.isSet('flight-id')) return 'flight';
  return 'app';
}

/**
 * The product a command works on, from `app-id`, `flight-id` and `add-on-id`; `command` names the
 * command in the error when no product is given.
 */
export function readTarget(read: InputReader, command: string): Target {
  const appId = readStoreAppId(read, command);
  const flightId = read.guid('flight-id', 'a flight ID (a GUID, as create-flight outputs)');
  const addOnId = read.storeId('add-on-id');
  if (flightId && addOnId) throw new InputError('flight-id', "give either 'flight-id' or 'add-on-id', not both.");
  if (flightId) {
    if (!appId) throw new InputError('app-id', "is required with 'flight-id' (the app the flight belongs to).");
    return { kind: 'flight', appId, flightId };
  }
  if (addOnId) return { kind: 'add-on', addOnId };
  if (appId) return { kind: 'app', appId };
  throw new InputError(
    'app-id',
    `'${command}' needs a product: set 'app-id' (with 'flight-id' for a package flight) or 'add-on-id'.`,
  );
}

/** `submission-id`: digits, as the Store assigns them. */
export function readSubmissionId(read: InputReader): string | undefined {
  const id = read.text('submission-id');
  if (id && !/^\d{1,25}$/.test(id))
    throw new InputError('submission-id', `'${id}' is not a submission ID (digits only).`);
  return id || undefined;
}

/** `rollout-percentage`: 0-100, decimals allowed. */
export function readRolloutPercentage(read: InputReader): number | undefined {
  return read.number('rollout-percentage', 0, 100, 'a percentage');
}
