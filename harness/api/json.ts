// Small, careful helpers for JSON values from clients: objects built from request bodies must never
// have a key assigned with `object[key] = value`, which for the key "__proto__" changes the object's
// prototype instead. Given material, used by the API server (chapter 03a) and its patches (03b).

export type JsonObject = Record<string, unknown>;

/** Whether a value is a JSON object (not null, not a list). */
export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A field's own value: never one inherited from Object.prototype (a key "__proto__", say). */
export const own = (object: JsonObject, key: string): unknown =>
  Object.hasOwn(object, key) ? object[key] : undefined;

/** Sets a field as a plain property, even one named "__proto__", so a patch cannot reach prototypes. */
export function setField(object: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(object, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * Deep equality of JSON values: object keys in any order, and a key whose value is undefined
 * counts as absent (as JSON.stringify would drop it).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((key) => own(a as JsonObject, key) !== undefined);
  const keysB = Object.keys(b).filter((key) => own(b as JsonObject, key) !== undefined);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key) => sameJson(own(a as JsonObject, key), own(b as JsonObject, key)));
}

/**
 * JSON text with object keys sorted at every level (and undefined fields dropped): equal values
 * give equal text whatever order their fields came in, so the text can be hashed.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value)
      .filter((key) => own(value, key) !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(own(value, key))}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
