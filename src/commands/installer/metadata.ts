/**
 * The metadata writes of an MSI/EXE submission, worked out from the draft's metadata and the
 * changes asked (listing text, `submission-json`, `release-notes`). Pure. The API replaces a
 * module sent whole and takes one listing language per write (docs/store-api.md, the MSI/EXE API
 * section).
 */
import { InputError } from '../../errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../json.js';
import { mergeSubmission } from '../../submission/merge.js';

const MODULES = ['availability', 'properties', 'listings'];
const WHATS_NEW_LIMIT = 1500;

/** Canonical JSON (sorted keys), to tell whether a module changed. */
function canonical(value: JsonValue | undefined): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isJsonObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * The draft's metadata as `submission-json` patches it: `listings` keyed by language instead of
 * the API's array, so a patch can change, add (`"fr-fr": {...}`) or remove (`"de-de": null`) one
 * language.
 */
export function metadataView(metadata: JsonObject): JsonObject {
  const listings: JsonObject = {};
  const list = Array.isArray(metadata.listings) ? metadata.listings : [];
  for (const entry of list) {
    if (!isJsonObject(entry) || typeof entry.language !== 'string') continue;
    const { language, ...fields } = entry;
    listings[language.toLowerCase()] = fields;
  }
  const view: JsonObject = { listings };
  if (isJsonObject(metadata.availability)) view.availability = metadata.availability;
  if (isJsonObject(metadata.properties)) view.properties = metadata.properties;
  return view;
}

/**
 * Works out the PUT /metadata bodies for the changes asked (pure). Order of sources: listing
 * changes, then `submission-json`, then `release-notes` (which wins). Throws InputError for a
 * `submission-json` that does not fit the metadata or release notes over the limit.
 */
export function planMetadata(
  metadata: JsonObject,
  changes: { releaseNotes?: string; submissionJson?: JsonObject; listingText?: Record<string, JsonObject> },
): { writes: JsonObject[]; added: string[]; removed: string[]; ignoredFields: string[] } {
  const before = metadataView(metadata);
  let view = structuredClone(before);
  const listings = view.listings as JsonObject;
  for (const [language, fields] of Object.entries(changes.listingText ?? {})) {
    const key = language.toLowerCase();
    const current = isJsonObject(listings[key]) ? listings[key] : {};
    listings[key] = { ...current, ...structuredClone(fields) };
  }
  let ignoredFields: string[] = [];
  if (changes.submissionJson) {
    const patch = changes.submissionJson;
    const unknown = Object.keys(patch).filter((k) => !MODULES.includes(k) && k !== 'listingLanguages');
    if (unknown.length) {
      throw new InputError(
        'submission-json',
        `for an MSI/EXE product it patches the metadata modules ${MODULES.join(', ')}; ${unknown.map((k) => `'${k}'`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not one of them`,
      );
    }
    if (patch.listings !== undefined && patch.listings !== null && !isJsonObject(patch.listings)) {
      throw new InputError(
        'submission-json',
        `'listings' must be an object keyed by language, e.g. {"listings": {"en-us": {"description": "..."}}}; null for a language removes that listing`,
      );
    }
    if (patch.listings === null)
      throw new InputError(
        'submission-json',
        '\'listings\': null would remove every listing; remove languages one by one, e.g. {"listings": {"de-de": null}}',
      );
    for (const module of ['availability', 'properties'] as const) {
      if (patch[module] === null)
        throw new InputError('submission-json', `'${module}' cannot be removed; patch its fields instead`);
    }
    const result = mergeSubmission(view, patch, ['listingLanguages']);
    view = result.merged;
    ignoredFields = result.ignoredFields;
  }
  const merged = view.listings as JsonObject;
  if (changes.releaseNotes !== undefined) {
    if (changes.releaseNotes.length > WHATS_NEW_LIMIT) {
      throw new InputError(
        'release-notes',
        `is ${changes.releaseNotes.length} characters; the Store takes up to ${WHATS_NEW_LIMIT}`,
      );
    }
    for (const language of Object.keys(merged)) {
      const listing = merged[language];
      if (isJsonObject(listing)) listing.whatsNew = changes.releaseNotes;
    }
  }
  const beforeListings = before.listings as JsonObject;
  const added = Object.keys(merged).filter((l) => !(l in beforeListings));
  const removed = Object.keys(beforeListings).filter((l) => !(l in merged));
  if (Object.keys(merged).length === 0)
    throw new InputError('submission-json', 'it removes every listing; a product needs at least one listing language');
  const first: JsonObject = {};
  if (added.length) first.listingsToAdd = added;
  if (removed.length) first.listingsToRemove = removed;
  for (const module of ['availability', 'properties'] as const) {
    if (view[module] !== undefined && canonical(view[module]) !== canonical(before[module]))
      first[module] = view[module]!;
  }
  const writes: JsonObject[] = Object.keys(first).length ? [first] : [];
  for (const [language, listing] of Object.entries(merged)) {
    if (!isJsonObject(listing)) throw new InputError('submission-json', `the listing '${language}' must be an object`);
    if (canonical(listing) !== canonical(beforeListings[language])) writes.push({ listings: { ...listing, language } });
  }
  return { writes, added, removed, ignoredFields };
}
