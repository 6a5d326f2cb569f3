/**
 * The job summary, rendered from the run record as Markdown (pure, so tests assert its content)
 * and appended to the runner's summary file with `@actions/core`'s summary. Kept under GitHub's
 * 1 MiB limit by shortening the bulkiest parts first.
 */
import * as core from '@actions/core';
import { formatSize } from '../format.js';
import { secrets } from '../redact.js';
import { describeStatusDetails } from '../store/status-details.js';
import { linksOf } from './links.js';
import type { RunRecord } from './record.js';

export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 4096;

function cell(value: unknown): string {
  return String(value ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

function table(header: string[], rows: unknown[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

function certificationReports(record: RunRecord): { date: string; url: string }[] {
  const reports = record.statusDetails?.certificationReports;
  if (!Array.isArray(reports)) return [];
  return reports.flatMap((r) =>
    r && typeof r === 'object' && !Array.isArray(r) && typeof r.reportUrl === 'string'
      ? [{ date: String(r.date ?? ''), url: r.reportUrl }]
      : [],
  );
}

export function renderSummary(record: RunRecord, jsonLimit = 60_000): string {
  const parts: string[] = [];
  const outcome = record.succeeded ? (record.plan ? 'dry run' : record.staged ? 'staged' : 'succeeded') : 'failed';
  const icon = outcome === 'succeeded' ? '✅' : outcome === 'failed' ? '❌' : outcome === 'staged' ? '⏸️' : '🔍';
  parts.push(`## Microsoft Store: ${record.command} ${icon} ${outcome}`);
  const facts: unknown[][] = [['Target', record.target]];
  if (record.submissionId) facts.push(['Submission', record.submissionId]);
  if (record.status) facts.push(['Status', `**${record.status}**`]);
  if (record.flightId) facts.push(['Flight ID', record.flightId]);
  if (record.addOnId) facts.push(['Add-on ID', record.addOnId]);
  const { submissionUrl, storeUrl } = linksOf(record);
  const links = [
    ...(submissionUrl
      ? [`[${record.installerProductId ? 'Product' : 'Submission'} in Partner Center](${submissionUrl})`]
      : []),
    ...(storeUrl ? [`[Store page](${storeUrl})`] : []),
  ];
  if (links.length) facts.push(['Links', links.join(' · ')]);
  if (record.origin) {
    const { repository, sha, workflow, runId, runAttempt, url } = record.origin;
    facts.push([
      'Made by',
      `[${repository}@${sha.slice(0, 7)}, ${workflow} run ${runId} attempt ${runAttempt}](${url})`,
    ]);
  }
  if (record.rolloutBefore)
    facts.push([
      'Rollout before',
      `${record.rolloutBefore.status ?? 'none'} at ${record.rolloutBefore.percentage ?? 0}%`,
    ]);
  if (record.rolloutAfter)
    facts.push(['Rollout after', `${record.rolloutAfter.status ?? 'none'} at ${record.rolloutAfter.percentage ?? 0}%`]);
  if (record.upload) {
    facts.push([
      'Upload',
      `${formatSize(record.upload.bytes)} in ${record.upload.seconds.toFixed(1)} s (${record.upload.mbPerSecond.toFixed(1)} MB/s)`,
    ]);
  }
  parts.push(table(['', ''], facts));

  if (record.errors.length) parts.push(`### Errors\n${record.errors.map((e) => `- ${e}`).join('\n')}`);
  if (!record.succeeded && record.createdSubmission && record.submissionId) {
    parts.push(
      `> [!WARNING]\n> This run created submission **${record.submissionId}** before it failed. It is still in the Store: fix the cause and run again (a run that adds the same packages continues it), or delete it with \`on-pending: delete\` or in Partner Center.`,
    );
  }

  if (record.blockedBy) {
    parts.push(
      `> [!WARNING]\n> Submission **${record.blockedBy}**${record.status ? ` (${record.status})` : ''} blocks this run: the product takes one submission at a time. The error above says how to clear the way; follow the submission with \`command: status\` or in Partner Center.`,
    );
  }
  if (record.continued) {
    const { submissionId, from } = record.continued;
    parts.push(
      `> [!NOTE]\n> Continued submission **${submissionId}**, this work from an earlier attempt, ${from === 'wait' ? 'which was already committed: the run only waited for it' : 'from the update: updated, uploaded and committed again'}.`,
    );
  }
  if (record.staged && record.submissionId) {
    parts.push(
      `> [!NOTE]\n> Staged: submission **${record.submissionId}** is updated and uploaded but not committed. Commit it with \`command: commit\` and \`submission-id: ${record.submissionId}\` (for example in a job behind an environment approval).`,
    );
  }
  if (record.plan) {
    parts.push(
      `### Plan (dry run: nothing was created, changed or uploaded)\n${record.plan.steps.map((s, i) => `${i + 1}. ${s}`).join('\n')}`,
    );
  }
  const diff = record.plan?.diff ?? record.stagedDiff;
  if (diff) {
    const diffRows: unknown[][] = [
      ...diff.packagesAdded.map((p) => ['package added', p, '']),
      ...diff.packagesMarkedForDeletion.map((p) => ['package marked PendingDelete', p, '']),
      ...diff.changes.map((c) => [
        'changed',
        `\`${c.path}\``,
        `${JSON.stringify(c.before) ?? '(absent)'} → ${JSON.stringify(c.after) ?? '(absent)'}`,
      ]),
    ];
    if (diffRows.length)
      parts.push(`### Changes against the last published submission\n${table(['What', 'Where', 'Change'], diffRows)}`);
    if (diff.listingsTouched.length) parts.push(`Listings touched: ${diff.listingsTouched.join(', ')}`);
  }

  parts.push(...contentSections(record));

  if (record.files.length) {
    parts.push(
      `### Files ${record.plan ? 'that would be uploaded' : 'uploaded'}\n${table(
        ['File', 'Size', 'Version', 'Architecture'],
        record.files.map((f) => [f.name, formatSize(f.size), f.version ?? '', f.architecture ?? '']),
      )}`,
    );
  }

  const verification = verificationSection(record);
  if (verification) parts.push(verification);

  if (record.installers.length) {
    const title = record.plan
      ? 'Installers that would be sent'
      : record.command === 'status'
        ? 'Installers in the draft'
        : 'Installers';
    parts.push(
      `### ${title}\n${table(
        ['URL', 'Architecture', 'Type', 'Languages', 'Size'],
        record.installers.map((i) => [
          i.url,
          i.architecture,
          i.type,
          i.languages.join(', '),
          i.size === undefined ? '' : formatSize(i.size),
        ]),
      )}`,
    );
  }

  if (record.timeline.length) {
    parts.push(
      `### Status timeline\n${table(
        ['Status', 'Seen at (UTC)', 'After'],
        record.timeline.map((t) => [t.status, t.at.replace('T', ' ').replace(/\.\d+Z$/, ''), `${t.elapsedSeconds} s`]),
      )}`,
    );
  }

  const details = describeStatusDetails(record.statusDetails);
  if (details.length) parts.push(`### What the Store reported\n${details.map((d) => `- ${d}`).join('\n')}`);
  const reports = certificationReports(record);
  if (reports.length)
    parts.push(`### Certification reports\n${reports.map((r) => `- [${r.date || 'report'}](${r.url})`).join('\n')}`);

  if (record.warnings.length) parts.push(`### Warnings\n${record.warnings.map((w) => `- ${w}`).join('\n')}`);

  const json = record.plan?.submission ?? record.submissionSent;
  if (json) {
    let text = JSON.stringify(json, null, 2);
    if (text.length > jsonLimit)
      text = `${text.slice(0, jsonLimit)}\n… (cut; the full JSON is in the run record artifact)`;
    parts.push(
      `<details><summary>Submission JSON ${record.plan ? 'that would be sent' : 'sent'}</summary>\n\n\`\`\`json\n${text}\n\`\`\`\n</details>`,
    );
  }

  let markdown = secrets.redact(parts.join('\n\n')) + '\n';
  if (Buffer.byteLength(markdown) > SUMMARY_LIMIT_BYTES) {
    markdown =
      jsonLimit > 1000
        ? renderSummary(record, 1000)
        : Buffer.from(markdown).subarray(0, SUMMARY_LIMIT_BYTES).toString() +
          '\n… (cut to fit the 1 MiB summary limit)\n';
  }
  return markdown;
}

/** The new packages (from their manifests), what retention removed, and what the listings folder did. */
function contentSections(record: RunRecord): string[] {
  const parts: string[] = [];
  if (record.packages.length) {
    parts.push(
      `### Packages\n${table(
        ['File', 'Identity', 'Version', 'Architectures', 'Device families'],
        record.packages.map((p) => [
          p.file,
          p.identity,
          p.version,
          p.architectures.join(', '),
          p.deviceFamilies.join(', '),
        ]),
      )}`,
    );
  }
  if (record.retention) {
    const { keep, removed } = record.retention;
    const title = `### Retention (keep-package-versions: ${keep})`;
    parts.push(
      removed.length
        ? `${title}\n${record.plan ? 'Would mark' : 'Marked'} PendingDelete:\n${table(
            ['File', 'Version', 'Architectures', 'Device families'],
            removed.map((r) => [r.fileName, r.version, r.architectures.join(', '), r.deviceFamilies.join(', ')]),
          )}`
        : `${title}\nNo package removed: none is older than the ${keep} newest version(s) of its architecture and device family.`,
    );
  }
  if (record.listings) {
    const { languagesAdded, imagesKept, imagesUploaded } = record.listings;
    const lines = [
      `- Languages added: ${languagesAdded.length ? languagesAdded.join(', ') : 'none'}`,
      `- Images unchanged and kept (not uploaded again): ${imagesKept.length ? imagesKept.map((i) => `\`${i}\``).join(', ') : 'none'}`,
      `- New images ${record.plan ? 'that would be uploaded' : 'uploaded'}: ${imagesUploaded.length ? imagesUploaded.map((i) => `\`${i}\``).join(', ') : 'none'}`,
    ];
    parts.push(`### Listings folder\n${lines.join('\n')}`);
  }
  return parts;
}

/** What the read-back after processing found, with each file the Store did not take as committed. */
function verificationSection(record: RunRecord): string | undefined {
  const found = record.verification;
  if (!found) return undefined;
  const title = '### What the Store took';
  if (found.outcome === 'not-checked')
    return `${title}\nNot checked: ${found.reason ?? 'the run did not wait for processing'}.`;
  const lines = [
    `Read back at **${found.status ?? 'an unknown status'}**: ${found.outcome === 'failed' ? '❌ differs from what this run committed' : '✅ lists every file this run added and kept'}.`,
    `- Added: ${found.added.length ? found.added.map((f) => `\`${f}\``).join(', ') : 'none'}`,
    `- Kept: ${found.kept.length ? found.kept.map((f) => `\`${f}\``).join(', ') : 'none'}`,
  ];
  if (found.versionNotReported.length)
    lines.push(
      `- Version not reported yet (names checked, versions not): ${found.versionNotReported.map((f) => `\`${f}\``).join(', ')}`,
    );
  lines.push(...found.problems.map((problem) => `- ❌ ${problem}`));
  return `${title}\n${lines.join('\n')}`;
}

/**
 * Appends the record's summary to the job summary ($GITHUB_STEP_SUMMARY). Throws when the runner
 * gave no summary file (a local run) or it cannot be written.
 */
export async function writeSummary(record: RunRecord): Promise<void> {
  const summary = core.summary.addRaw(renderSummary(record));
  try {
    await summary.write();
  } finally {
    // A refused write keeps the text in core's buffer, where the next write would repeat it.
    summary.emptyBuffer();
  }
}
