/**
 * The action's outputs (the names in docs/contract.md), from the run record, set with
 * `@actions/core`: each a `name<<delimiter` block in $GITHUB_OUTPUT, so multi-line values keep
 * their lines.
 */
import * as core from '@actions/core';
import { secrets } from '../redact.js';
import { statusDetailsJson } from '../store/status-details.js';
import { linksOf } from './links.js';
import type { RunRecord } from './record.js';

/**
 * The most bytes of one output: far above any value the action sets itself, so only the Store's
 * text (thousands of statusDetails errors) is ever cut (docs/contract.md, "Limits").
 */
export const OUTPUT_LIMIT_BYTES = 64 * 1024;

/** `value` cut to OUTPUT_LIMIT_BYTES, on a character boundary, saying so. */
function withinLimit(value: string): string {
  if (Buffer.byteLength(value) <= OUTPUT_LIMIT_BYTES) return value;
  const note = ' … (cut to 64 KiB)';
  const kept = Buffer.from(value).subarray(0, OUTPUT_LIMIT_BYTES - Buffer.byteLength(note) - 4);
  return `${new TextDecoder().decode(kept).replace(/\uFFFD+$/, '')}${note}`;
}

/** The action's outputs, from the record. */
export function outputsOf(record: RunRecord): Record<string, string> {
  const outputs: Record<string, string> = {};
  if (record.submissionId) outputs['submission-id'] = record.submissionId;
  if (record.status) outputs.status = record.status;
  if (record.statusDetails) outputs['status-details'] = statusDetailsJson(record.statusDetails, OUTPUT_LIMIT_BYTES);
  if (record.flightId) outputs['flight-id'] = record.flightId;
  if (record.addOnId) outputs['add-on-id'] = record.addOnId;
  const rollout = record.rolloutAfter;
  if (rollout?.status) outputs['rollout-status'] = rollout.status;
  if (rollout?.percentage !== undefined && !Number.isNaN(rollout.percentage))
    outputs['rollout-percentage'] = String(rollout.percentage);
  if (record.verification) outputs.verification = record.verification.outcome;
  const { submissionUrl, storeUrl } = linksOf(record);
  if (submissionUrl) outputs['submission-url'] = submissionUrl;
  if (storeUrl) outputs['store-url'] = storeUrl;
  for (const key of Object.keys(outputs)) outputs[key] = withinLimit(secrets.redact(outputs[key] as string));
  return outputs;
}

/** Sets every output the record has; an output the run did not reach is left unset. */
export function writeOutputs(record: RunRecord): void {
  for (const [name, value] of Object.entries(outputsOf(record))) core.setOutput(name, value);
}
