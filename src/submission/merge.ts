import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from '../json.js';

/**
 * Top-level fields the Store assigns (docs/store-api.md, the submission resource): a user's JSON cannot change them (they are
 * skipped with a warning), the PUT does not send them back, and a diff does not count them.
 */
export const READ_ONLY_FIELDS: readonly string[] = ['id', 'status', 'statusDetails', 'fileUploadUrl', 'friendlyName'];

/** A submission without the fields the Store assigns: the body a PUT sends. */
export function withoutServiceFields(submission: JsonObject): JsonObject {
  const copy: JsonObject = { ...submission };
  for (const field of READ_ONLY_FIELDS) delete copy[field];
  return copy;
}

/**
 * The user's JSON applied to the submission as a JSON merge patch (RFC 7396): objects merge key by
 * key, arrays and scalars replace, `null` removes the key (e.g. `{"listings": {"de-de": null}}`
 * drops a listing language). Read-only top-level fields are skipped and reported. Unknown fields
 * are kept, as the live Store sends some (docs/store-api.md#keys-the-pages-do-not-list). Pure.
 */
export function mergeSubmission(
  base: JsonObject,
  overlay: JsonObject,
  /** Top-level fields skipped and reported; default READ_ONLY_FIELDS (the MSIX submission's). */
  readOnlyFields: readonly string[] = READ_ONLY_FIELDS,
): { merged: JsonObject; ignoredFields: string[] } {
  const merged = cloneJson(base);
  const ignoredFields: string[] = [];
  for (const [key, value] of Object.entries(overlay)) {
    if (readOnlyFields.includes(key)) {
      ignoredFields.push(key);
      continue;
    }
    mergeField(merged, key, value);
  }
  return { merged, ignoredFields };
}

/** Applies one key of a patch to `target` (part of the clone made in mergeSubmission, so updated in place). */
function mergeField(target: JsonObject, key: string, patch: JsonValue): void {
  if (patch === null) {
    delete target[key];
    return;
  }
  setField(target, key, mergeValue(ownValue(target, key), patch));
}

function mergeValue(base: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return cloneJson(patch);
  // RFC 7396: a patch object onto a non-object starts from an empty object, so its nulls vanish too.
  const target = isJsonObject(base) ? base : {};
  for (const [key, value] of Object.entries(patch)) mergeField(target, key, value);
  return target;
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
