/**
 * `command: create-flight`: create a package flight unless the app has one of the same friendly
 * name, which is reused, so a re-run never makes a duplicate.
 */
import { InputError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { readStoreAppId } from '../inputs/common.js';
import type { InputReader } from '../inputs/reader.js';
import { isJsonObject } from '../json.js';
import { ANY_PRODUCT, type Command } from './command.js';
import type { RunContext } from './context.js';

export interface CreateFlightInputs {
  appId: string;
  /** The flight resource to create: `flight-json`, or built from `flight-name`, `flight-groups`, `rank-higher-than`. */
  flight: JsonObject & { friendlyName: string };
}

function readFlight(read: InputReader): CreateFlightInputs['flight'] {
  const json = read.json('flight-json');
  const name = read.text('flight-name');
  const groups = read.list('flight-groups', /[\r\n,]+/);
  const rankHigherThan = read.guid('rank-higher-than', 'a flight ID (a GUID)');
  if (json) {
    if (name || groups.length || rankHigherThan) {
      throw new InputError(
        'flight-json',
        "give either 'flight-json' or 'flight-name'/'flight-groups'/'rank-higher-than', not both.",
      );
    }
    const friendlyName = json.value.friendlyName;
    if (typeof friendlyName !== 'string')
      throw new InputError(
        'flight-json',
        "must have a 'friendlyName' (it is how an existing flight is found and reused).",
      );
    return { ...json.value, friendlyName };
  }
  if (!name) throw new InputError('flight-name', "is required with 'command: create-flight' (or give 'flight-json').");
  if (groups.length === 0)
    throw new InputError('flight-groups', 'is required: a flight needs at least one flight group ID.');
  for (const group of groups) {
    if (!/^\d+$/.test(group))
      throw new InputError(
        'flight-groups',
        `'${group}' is not a flight group ID (digits, from Partner Center > Flight groups).`,
      );
  }
  return { friendlyName: name, groupIds: groups, ...(rankHigherThan ? { rankHigherThan } : {}) };
}

export const createFlight: Command<CreateFlightInputs> = {
  name: 'create-flight',
  inputs: {
    'app-id': ANY_PRODUCT,
    'flight-name': ANY_PRODUCT,
    'flight-groups': ANY_PRODUCT,
    'rank-higher-than': ANY_PRODUCT,
    'flight-json': ANY_PRODUCT,
  },
  parse(read: InputReader): CreateFlightInputs {
    const appId = readStoreAppId(read, 'create-flight');
    if (!appId) throw new InputError('app-id', "is required with 'command: create-flight'.");
    return { appId, flight: readFlight(read) };
  },
  async run(ctx: RunContext, { appId, flight: body }: CreateFlightInputs): Promise<void> {
    const { store, logger, record } = ctx;
    const name = body.friendlyName;
    record.target = `package flight '${name}' of app ${appId}`;
    record.appId = appId;
    const flight = await ctx.phase(`Create package flight '${name}'`, async () => {
      const existing = await store.findFlight(appId, name);
      if (existing) {
        logger.info(`Package flight '${name}' exists (${String(existing.flightId)}); reusing it`);
        return existing;
      }
      const created = await store.createFlight(appId, body);
      logger.info(`Created package flight '${name}' (${String(created.flightId)})`);
      return created;
    });
    if (typeof flight.flightId !== 'string') throw new Error('The Store did not return the flight ID');
    record.flightId = flight.flightId;
    const pending = flight.pendingFlightSubmission;
    if (isJsonObject(pending) && typeof pending.id === 'string') {
      // Some API versions create the flight's first submission along with it.
      record.submissionId = pending.id;
      logger.info(`The Store created pending flight submission ${pending.id} with the flight`);
    }
  },
};
