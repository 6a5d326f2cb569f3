import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from '../json.js';

/** Top-level fields the Store assigns; a user's JSON cannot change them, so they are skipped with a warning. */
export const READ_ONLY_FIELDS: readonly string[] = ['id', 'status', 'statusDetails', 'fileUploadUrl'];

/**
 * Deep merge of the user's JSON onto the submission: objects merge key by key, arrays and scalars
 * replace; read-only top-level fields are skipped and reported. Unknown fields are kept. Pure.
 *
 * `null` in the overlay replaces the value with `null` (it does not delete the field as JSON Merge
 * Patch would): PUT is a full replace, so a field that silently vanished would be harder to see.
 */
export function mergeSubmission(
  base: JsonObject,
  overlay: JsonObject,
  options: {
    /** Top-level fields skipped and reported; default READ_ONLY_FIELDS (the MSIX submission's). */
    readOnlyFields?: readonly string[];
    /** RFC 7396 proper: `null` removes the field (used where the API's PUT takes partial modules). */
    nullRemoves?: boolean;
  } = {},
): { merged: JsonObject; ignoredFields: string[] } {
  const merged = cloneJson(base);
  const ignoredFields: string[] = [];
  const readOnly = options.readOnlyFields ?? READ_ONLY_FIELDS;
  const nullRemoves = options.nullRemoves ?? false;
  for (const [key, value] of Object.entries(overlay)) {
    if (readOnly.includes(key)) {
      ignoredFields.push(key);
      continue;
    }
    if (nullRemoves && value === null) delete merged[key];
    else setField(merged, key, mergeValue(ownValue(merged, key), value, nullRemoves));
  }
  return { merged, ignoredFields };
}

function mergeValue(base: JsonValue | undefined, overlay: JsonValue, nullRemoves: boolean): JsonValue {
  if (!isJsonObject(overlay)) return cloneJson(overlay);
  // RFC 7396: an object patch onto a non-object starts from an empty object.
  if (!isJsonObject(base)) return nullRemoves ? mergeValue({}, overlay, true) : cloneJson(overlay);
  // `base` is part of the clone made in mergeSubmission, so it can be updated in place.
  for (const [key, value] of Object.entries(overlay)) {
    if (nullRemoves && value === null) delete base[key];
    else setField(base, key, mergeValue(ownValue(base, key), value, nullRemoves));
  }
  return base;
}

/**
 * Sets an own property even for keys like `__proto__` (JSON.parse produces them as ordinary keys;
 * plain assignment would change the object's prototype instead).
 */
function setField(target: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A field's own value; `object[key]` would find inherited members such as `__proto__` or `constructor`. */
export function ownValue(object: JsonObject, key: string): JsonValue | undefined {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/**
 * Keys of the user's JSON that differ only in case from a field the submission already has, e.g.
 * `ReleaseNotes` for `releaseNotes` (Microsoft's Python sample writes PascalCase). The Store's
 * names are case-sensitive, so such a key adds a field the Store ignores instead of changing one.
 * Returned as dotted paths with the field they probably meant.
 */
export function caseMismatches(base: JsonObject, overlay: JsonObject, prefix = ''): string[] {
  const found: string[] = [];
  for (const [key, value] of Object.entries(overlay)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const existing = ownValue(base, key);
    if (existing === undefined) {
      const meant = Object.keys(base).find((k) => k !== key && k.toLowerCase() === key.toLowerCase());
      if (meant) found.push(`${path} (the Store's field is '${meant}')`);
      continue;
    }
    if (isJsonObject(existing) && isJsonObject(value)) found.push(...caseMismatches(existing, value, path));
  }
  return found;
}
