/**
 * `command: create-flight` and `command: create-add-on`: create the product unless one with the
 * same friendly name (flights) or product ID (add-ons) exists, which is reused, so a re-run never
 * makes a duplicate.
 */
import type { JsonObject } from '../json.js';
import type { RunContext } from './context.js';

export async function createFlight(ctx: RunContext): Promise<void> {
  const { inputs, store, logger, record } = ctx;
  const appId = inputs.appId as string;
  const body: JsonObject = inputs.flightJson?.value ?? {
    friendlyName: inputs.flightName ?? '',
    groupIds: inputs.flightGroups,
    ...(inputs.rankHigherThan ? { rankHigherThan: inputs.rankHigherThan } : {}),
  };
  record.target = `package flight '${String(body.friendlyName)}' of app ${appId}`;
  const flight = await ctx.phase(`Create package flight '${String(body.friendlyName)}'`, async () => {
    const existing = await store.findFlight(appId, String(body.friendlyName));
    if (existing) {
      logger.info(`Package flight '${String(body.friendlyName)}' exists (${String(existing.flightId)}); reusing it`);
      return existing;
    }
    const created = await store.createFlight(appId, body);
    logger.info(`Created package flight '${String(body.friendlyName)}' (${String(created.flightId)})`);
    return created;
  });
  if (typeof flight.flightId !== 'string') throw new Error('The Store did not return the flight ID');
  record.flightId = flight.flightId;
  const pending = flight.pendingFlightSubmission;
  if (pending && typeof pending === 'object' && !Array.isArray(pending) && typeof pending.id === 'string') {
    // Some API versions create the flight's first submission along with it.
    record.submissionId = pending.id;
    logger.info(`The Store created pending flight submission ${pending.id} with the flight`);
  }
  record.succeeded = true;
}

export async function createAddOn(ctx: RunContext): Promise<void> {
  const { inputs, store, logger, record } = ctx;
  const json = inputs.addOnJson?.value ?? {};
  const body: JsonObject = { ...json, applicationIds: json.applicationIds ?? [inputs.appId as string] };
  const productId = String(body.productId);
  record.target = `add-on '${productId}'`;
  const addOn = await ctx.phase(`Create add-on '${productId}'`, async () => {
    const appIds = Array.isArray(body.applicationIds) ? body.applicationIds : [];
    const existing = await store.findAddOn(productId, appIds);
    if (existing) {
      logger.info(`Add-on '${productId}' exists (${String(existing.id)}); reusing it`);
      return existing;
    }
    const created = await store.createAddOn(body);
    logger.info(`Created add-on '${productId}' (${String(created.id)})`);
    return created;
  });
  if (typeof addOn.id !== 'string') throw new Error('The Store did not return the add-on ID');
  record.addOnId = addOn.id;
  record.succeeded = true;
}

