// Request bodies: turning the bytes a client sent into an object, or into a clear 4xx.
//
// kubectl and client libraries send JSON; people with curl often send YAML, which the API server
// also reads (Content-Type: application/yaml). A body in any other format is 415, a body that does
// not parse is 400, and a body over 3 MiB is 413 before it is even read in full (the limit
// kube-apiserver uses). The object must be of the kind the URL names: a Deployment sent to the
// pods collection is refused, not stored as a pod.
import { parseDocument } from 'yaml';
import type { KubeObject } from '../../harness/api/types.ts';
import { ApiError } from '../../harness/api/errors.ts';
import { badRequest, requestEntityTooLarge, unsupportedMediaType } from './status.ts';

/** The largest body the server reads: 3 MiB, as kube-apiserver. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** The body formats the server reads. */
export const BODY_MEDIA_TYPES = ['application/json', 'application/yaml'];

/** Nesting deeper than this is refused, so no later step recurses out of stack on a hostile body. */
export const MAX_DEPTH = 100;

/** The media type of a Content-Type header, without parameters: "application/json". */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The deepest nesting of arrays and objects in a parsed value, counted without recursion. */
function depthOf(value: unknown): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_DEPTH) return deepest;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * Parses a body by its Content-Type: JSON (also when none is given) or YAML (a single document).
 * Throws 415 for other formats and 400 when the body does not parse or nests too deeply.
 */
export function parseBody(contentType: string | undefined, raw: Uint8Array): unknown {
  const mediaType = mediaTypeOf(contentType) || 'application/json';
  const source = Buffer.from(raw).toString('utf8');
  let value: unknown;
  if (mediaType === 'application/json') {
    try {
      value = JSON.parse(source);
    } catch (error) {
      throw badRequest(`the request body is not valid JSON: ${(error as Error).message}`);
    }
  } else if (mediaType === 'application/yaml') {
    const document = parseDocument(source, { uniqueKeys: false });
    if (document.errors.length > 0) {
      throw badRequest(`the request body is not valid YAML: ${document.errors[0]!.message}`);
    }
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      throw badRequest(`the request body is not valid YAML: ${(error as Error).message}`);
    }
  } else {
    throw unsupportedMediaType(mediaType, BODY_MEDIA_TYPES);
  }
  if (depthOf(value) > MAX_DEPTH) {
    throw badRequest(`the request body nests deeper than ${MAX_DEPTH} levels`);
  }
  return value;
}

/**
 * Checks that a parsed body is an API object and, when `expected` is given, of that apiVersion and
 * kind (filled in when the body leaves them out). Throws 400 otherwise. Returns the object with a
 * `metadata` object, ready for the server to complete.
 */
export function objectFromBody(
  body: unknown,
  expected?: { apiVersion: string; kind: string },
): KubeObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(
      'the request body must be an object (JSON or YAML), with apiVersion, kind and metadata',
    );
  }
  const object = body as Record<string, unknown>;
  object.metadata ??= {};
  const metadata = object.metadata;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw badRequest('metadata must be an object');
  }
  for (const field of ['name', 'generateName', 'namespace', 'resourceVersion'] as const) {
    const value = (metadata as Record<string, unknown>)[field];
    if (value !== undefined && typeof value !== 'string') {
      throw badRequest(`metadata.${field} must be a string, not ${JSON.stringify(value)}`);
    }
  }
  if (expected) {
    if (object.apiVersion !== undefined && object.apiVersion !== expected.apiVersion) {
      throw badRequest(
        `the API version in the data (${String(object.apiVersion)}) does not match the expected ` +
          `API version (${expected.apiVersion})`,
      );
    }
    if (object.kind !== undefined && object.kind !== expected.kind) {
      throw badRequest(
        `the kind in the data (${String(object.kind)}) does not match the expected kind (${expected.kind})`,
      );
    }
    // apiVersion and kind first, where readers look for them.
    return { apiVersion: expected.apiVersion, kind: expected.kind, ...object } as KubeObject;
  }
  return object as KubeObject;
}

/**
 * The ApiError for an error of the body reader (Express's express.raw), which carries a `type`:
 * a body over the limit ("entity.too.large") is 413, one in an encoding or charset the reader
 * does not know ("encoding.unsupported", "charset.unsupported") is 415, and any other is 400.
 */
export function bodyReaderError(error: unknown, maxBodyBytes: number): ApiError {
  const { type, message } = error as { type?: string; message?: string };
  if (type === 'entity.too.large') return requestEntityTooLarge(maxBodyBytes);
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new ApiError(415, 'UnsupportedMediaType', message ?? type);
  }
  return badRequest(message ?? 'the request body could not be read');
}
