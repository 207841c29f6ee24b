// Request bodies: turning the bytes a client sent into an object, or into a clear 4xx.
//
// kubectl and client libraries send JSON; people with curl often send YAML, which the API server
// also reads (Content-Type: application/yaml). A body in any other format is 415, a body that does
// not parse is 400, and a body over 3 MiB is 413 before it is even read in full (the limit
// kube-apiserver uses). The object must be of the kind the URL names: a Deployment sent to the
// pods collection is refused, not stored as a pod.
import type { ApiError } from '../../harness/api/errors.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Request bodies';

/** The largest body the server reads: 3 MiB, as kube-apiserver. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** The body formats the server reads. */
export const BODY_MEDIA_TYPES = ['application/json', 'application/yaml'];

/** Nesting deeper than this is refused, so no later step recurses out of stack on a hostile body. */
export const MAX_DEPTH = 100;

/** The media type of a Content-Type header, without parameters: "application/json". Given. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Parses a body by its Content-Type: JSON (also when none is given) or YAML (one document; the
 * `yaml` package's parseDocument, then toJS({ maxAliasCount: 100 })). Throws unsupportedMediaType
 * (415) for other formats, and badRequest (400) when the body does not parse or nests deeper than
 * MAX_DEPTH (count the depth without recursion: a hostile body may be thousands deep).
 */
export function parseBody(contentType: string | undefined, raw: Uint8Array): unknown {
  throw new NotImplemented('parseBody', section);
}

/**
 * Checks that a parsed body is an API object: a JSON object (not an array or null), whose
 * metadata, if given, is an object whose name, generateName, namespace and resourceVersion are
 * strings (metadata defaults to {}). When `expected` is given, apiVersion and kind must be those
 * (400 `the API version in the data (<sent>) does not match the expected API version
 * (<expected>)`, `the kind in the data (<sent>) does not match the expected kind (<expected>)`)
 * and are filled in when left out. Throws badRequest (400) otherwise.
 */
export function objectFromBody(
  body: unknown,
  expected?: { apiVersion: string; kind: string },
): KubeObject {
  throw new NotImplemented('objectFromBody', section);
}

/**
 * The ApiError for an error of the body reader (Express's express.raw), which carries a `type`:
 * a body over the limit ("entity.too.large") is requestEntityTooLarge(maxBodyBytes) (413); an
 * encoding or charset the reader does not know ("encoding.unsupported", "charset.unsupported")
 * is a 415 UnsupportedMediaType with the error's message; any other is badRequest (400) with the
 * error's message.
 */
export function bodyReaderError(error: unknown, maxBodyBytes: number): ApiError {
  throw new NotImplemented('bodyReaderError', section);
}
