/** A submission's `statusDetails` (docs/store-api.md, "Status details") as lines a person reads. */
import type { JsonObject } from '../json.js';

/** The Store's errors and warnings as lines, e.g. "error MissingFiles: the zip lacks App.msixupload". */
export function describeStatusDetails(details: JsonObject | undefined): string[] {
  const lines: string[] = [];
  for (const key of ['errors', 'warnings'] as const) {
    const items = details?.[key];
    if (!Array.isArray(items)) continue;
    for (const item of items) {
      if (item && typeof item === 'object' && !Array.isArray(item)) {
        // MSIX statusDetails carry `details`; the MSI/EXE API's messages carry `message` and `target`.
        const target = typeof item.target === 'string' && item.target ? ` (target ${item.target})` : '';
        lines.push(
          `${key === 'errors' ? 'error' : 'warning'} ${String(item.code ?? 'Unknown')}${target}: ${String(item.details ?? item.message ?? '')}`,
        );
      }
    }
  }
  return lines;
}
