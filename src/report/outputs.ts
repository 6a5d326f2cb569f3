/**
 * The action's outputs (the names in docs/contract.md), from the run record, set with
 * `@actions/core`: each a `name<<delimiter` block in $GITHUB_OUTPUT, so multi-line values keep
 * their lines.
 */
import * as core from '@actions/core';
import { secrets } from '../redact.js';
import { linksOf } from './links.js';
import type { RunRecord } from './record.js';

/** The action's outputs, from the record. */
export function outputsOf(record: RunRecord): Record<string, string> {
  const outputs: Record<string, string> = {};
  if (record.submissionId) outputs['submission-id'] = record.submissionId;
  if (record.status) outputs.status = record.status;
  if (record.statusDetails) outputs['status-details'] = JSON.stringify(record.statusDetails);
  if (record.flightId) outputs['flight-id'] = record.flightId;
  if (record.addOnId) outputs['add-on-id'] = record.addOnId;
  const rollout = record.rolloutAfter;
  if (rollout?.status) outputs['rollout-status'] = rollout.status;
  if (rollout?.percentage !== undefined && !Number.isNaN(rollout.percentage))
    outputs['rollout-percentage'] = String(rollout.percentage);
  const { submissionUrl, storeUrl } = linksOf(record);
  if (submissionUrl) outputs['submission-url'] = submissionUrl;
  if (storeUrl) outputs['store-url'] = storeUrl;
  for (const key of Object.keys(outputs)) outputs[key] = secrets.redact(outputs[key] as string);
  return outputs;
}

/** Sets every output the record has; an output the run did not reach is left unset. */
export function writeOutputs(record: RunRecord): void {
  for (const [name, value] of Object.entries(outputsOf(record))) core.setOutput(name, value);
}
