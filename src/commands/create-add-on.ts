/**
 * `command: create-add-on`: create an add-on unless one with the same product ID belongs to the
 * app, which is reused, so a re-run never makes a duplicate.
 */
import { InputError } from '../errors.js';
import { readStoreAppId } from '../inputs/common.js';
import type { InputReader } from '../inputs/reader.js';
import type { JsonObject } from '../json.js';
import { ANY_PRODUCT, type Command } from './command.js';
import type { RunContext } from './context.js';

export interface CreateAddOnInputs {
  /** The add-on resource to create, with `applicationIds` filled in from `app-id` when absent. */
  addOn: JsonObject & { productId: string; applicationIds: string[] };
}

export const createAddOn: Command<CreateAddOnInputs> = {
  name: 'create-add-on',
  inputs: { 'app-id': ANY_PRODUCT, 'add-on-json': ANY_PRODUCT },
  parse(read: InputReader): CreateAddOnInputs {
    const json = read.json('add-on-json');
    if (!json) throw new InputError('add-on-json', "is required with 'command: create-add-on'.");
    const { productId, productType, applicationIds } = json.value;
    if (typeof productId !== 'string' || !productId)
      throw new InputError('add-on-json', "must have a 'productId' string.");
    if (productType !== 'Durable' && productType !== 'Consumable')
      throw new InputError('add-on-json', "must have 'productType' 'Durable' or 'Consumable'.");
    const appId = readStoreAppId(read, 'create-add-on');
    let ids: string[];
    if (applicationIds === undefined) {
      if (!appId)
        throw new InputError('app-id', "is required with 'create-add-on' unless add-on-json has 'applicationIds'.");
      ids = [appId];
    } else {
      if (!Array.isArray(applicationIds) || applicationIds.length !== 1 || typeof applicationIds[0] !== 'string') {
        throw new InputError('add-on-json', "'applicationIds' must list exactly one app's Store ID.");
      }
      ids = [applicationIds[0]];
    }
    return { addOn: { ...json.value, productId, applicationIds: ids } };
  },
  async run(ctx: RunContext, { addOn: body }: CreateAddOnInputs): Promise<void> {
    const { store, logger, record } = ctx;
    const productId = body.productId;
    record.target = `add-on '${productId}'`;
    const addOn = await ctx.phase(`Create add-on '${productId}'`, async () => {
      const existing = await store.findAddOn(productId, body.applicationIds);
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
  },
};
