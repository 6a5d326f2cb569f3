/** JSON values as the Store sends them. Submissions stay plain objects so unknown fields round-trip through PUT untouched. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy, so pure functions never mutate their input. */
export function cloneJson<T extends JsonValue>(value: T): T {
  return structuredClone(value);
}
