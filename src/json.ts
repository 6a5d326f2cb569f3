/** JSON values as the Store sends them. Submissions stay plain objects so unknown fields round-trip through PUT untouched. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A deep copy, so pure functions never mutate their input. A JSON round trip rather than
 * `structuredClone`: the copy's objects come from the caller's own realm, so deep equality
 * (`util.isDeepStrictEqual`, which compares prototypes) holds between a copy and a literal.
 */
export function cloneJson<T extends JsonValue>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
