/**
 * A submission's `statusDetails` (docs/store-api.md, "Status details") as lines a person reads, and
 * as JSON of a bounded size: the Store may send thousands of errors, and its text reaches the
 * `::error` line, the outputs and the job summary only cut (docs/contract.md, "Limits").
 */
import type { JsonObject, JsonValue } from '../json.js';

/** The errors and warnings listed in full; the rest are counted. */
const MAX_LISTED_DETAILS = 20;

/** The longest text of one detail that is shown; a longer one is cut, saying how much. */
const MAX_DETAIL_CHARS = 1000;

/** `text`, cut to MAX_DETAIL_CHARS with the count of characters left out. */
function cutText(text: string): string {
  if (text.length <= MAX_DETAIL_CHARS) return text;
  return `${text.slice(0, MAX_DETAIL_CHARS)}… (${(text.length - MAX_DETAIL_CHARS).toLocaleString('en-US')} more characters)`;
}

/**
 * The Store's errors and warnings (or only the lists named in `lists`) as lines, e.g. "error
 * MissingFiles: the zip lacks App.msixupload": the first MAX_LISTED_DETAILS, each cut to about
 * 1,000 characters, then a line that counts the rest.
 */
export function describeStatusDetails(
  details: JsonObject | undefined,
  lists: readonly ('errors' | 'warnings')[] = ['errors', 'warnings'],
): string[] {
  const lines: string[] = [];
  let more = 0;
  for (const key of lists) {
    const items = details?.[key];
    if (!Array.isArray(items)) continue;
    for (const item of items) {
      if (item && typeof item === 'object' && !Array.isArray(item)) {
        if (lines.length === MAX_LISTED_DETAILS) {
          more += 1;
          continue;
        }
        // MSIX statusDetails carry `details`; the MSI/EXE API's messages carry `message` and `target`.
        const target = typeof item.target === 'string' && item.target ? ` (target ${item.target})` : '';
        lines.push(
          cutText(
            `${key === 'errors' ? 'error' : 'warning'} ${String(item.code ?? 'Unknown')}${target}: ${String(item.details ?? item.message ?? '')}`,
          ),
        );
      }
    }
  }
  if (more > 0) lines.push(`… and ${more.toLocaleString('en-US')} more; the full list is in the run record artifact`);
  return lines;
}

/** `value` with every text cut to MAX_DETAIL_CHARS and every list to its first `keep` items. */
function shortened(value: JsonValue, keep: number): JsonValue {
  if (typeof value === 'string') return cutText(value);
  if (Array.isArray(value)) return value.slice(0, keep).map((item) => shortened(item, keep));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shortened(item, keep)]));
  return value;
}

/**
 * `details` as compact JSON of at most `limitBytes` UTF-8 bytes. When the whole does not fit, each
 * list keeps its first items (as many as fit, at most MAX_LISTED_DETAILS), each text is cut to
 * about 1,000 characters, and `omitted` counts the items each list left out, e.g.
 * `{"errors":[...],"omitted":{"errors":59980}}`: still JSON a workflow can read.
 */
export function statusDetailsJson(details: JsonObject, limitBytes: number): string {
  const whole = JSON.stringify(details);
  if (Buffer.byteLength(whole) <= limitBytes) return whole;
  const lists = Object.entries(details).filter((entry): entry is [string, JsonValue[]] => Array.isArray(entry[1]));
  for (let keep = MAX_LISTED_DETAILS; keep >= 0; keep = keep === 0 ? -1 : Math.floor(keep / 2)) {
    const omitted = Object.fromEntries(
      lists.filter(([, items]) => items.length > keep).map(([key, items]) => [key, items.length - keep]),
    );
    const text = JSON.stringify({ ...(shortened(details, keep) as JsonObject), omitted });
    if (Buffer.byteLength(text) <= limitBytes) return text;
  }
  // Even empty lists do not fit: the other fields are too large, and only the counts are given.
  return JSON.stringify({ omitted: Object.fromEntries(lists.map(([key, items]) => [key, items.length])) });
}
