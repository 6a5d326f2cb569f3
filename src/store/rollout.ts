/**
 * Gradual package rollout as the Store reports it: in the rollout resource
 * (`.../submissions/{id}/packagerollout`) and in a submission's
 * `packageDeliveryOptions.packageRollout` (docs/store-api.md, "Gradual rollout").
 */
import { isJsonObject, type JsonObject } from '../json.js';

export type RolloutAction = 'update' | 'halt' | 'finalize';
export const ROLLOUT_ACTIONS: readonly RolloutAction[] = ['update', 'halt', 'finalize'];

export interface RolloutState {
  /** `PackageRolloutInProgress`, `PackageRolloutComplete`, `PackageRolloutStopped`, ...; undefined: no rollout. */
  status?: string | undefined;
  /** 0-100. */
  percentage?: number | undefined;
}

/**
 * The state a rollout resource (or a submission's `packageRollout` object) holds; the percentage
 * comes as an integer or a float (docs/store-api.md#live-dates-and-numbers).
 */
export function rolloutFromResource(rollout: JsonObject): RolloutState {
  const percentage = rollout.packageRolloutPercentage;
  return {
    status: typeof rollout.packageRolloutStatus === 'string' ? rollout.packageRolloutStatus : undefined,
    percentage: typeof percentage === 'number' ? percentage : percentage === undefined ? undefined : Number(percentage),
  };
}

/** The rollout a submission resource carries; `{}` when it has none (`isPackageRollout` not true). */
export function rolloutOfSubmission(submission: JsonObject): RolloutState {
  const options = submission.packageDeliveryOptions;
  const rollout = isJsonObject(options) ? options.packageRollout : undefined;
  if (!isJsonObject(rollout) || rollout.isPackageRollout !== true) return {};
  return rolloutFromResource(rollout);
}
