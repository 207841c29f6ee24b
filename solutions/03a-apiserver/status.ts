// Status errors: every failure the API server reports, in Kubernetes' words.
//
// A client never gets a bare error string: it gets a `Status` object with a machine-readable
// `reason`, the HTTP `code`, a message for people, and `details` saying which object (and, for an
// invalid object, which fields). kubectl prints "Error from server (<reason>): <message>" and
// client libraries branch on the reason, so the messages follow apimachinery's
// (pkg/api/errors/errors.go) word for word.
import { ApiError, type FieldError } from '../../harness/api/errors.ts';
import {
  qualifiedKind,
  qualifiedResource,
  type ResourceType,
} from '../../harness/api/resources.ts';
import type { Status } from '../../harness/api/types.ts';

/** Which object an error is about: its name, group (left out for the core group) and resource. */
function detailsOf(resource: ResourceType, name: string, kind = resource.resource) {
  return resource.group === '' ? { name, kind } : { name, group: resource.group, kind };
}

/** 404: `pods "web" not found`; details name the resource (plural), not the kind. */
export function notFound(resource: ResourceType, name: string): ApiError {
  return new ApiError(
    404,
    'NotFound',
    `${qualifiedResource(resource)} "${name}" not found`,
    detailsOf(resource, name),
  );
}

/** 409: `pods "web" already exists`. */
export function alreadyExists(resource: ResourceType, name: string): ApiError {
  return new ApiError(
    409,
    'AlreadyExists',
    `${qualifiedResource(resource)} "${name}" already exists`,
    detailsOf(resource, name),
  );
}

/** 409: someone else changed the object since the client read it (optimistic concurrency). */
export function conflict(resource: ResourceType, name: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(resource)} "${name}": the object has ` +
      'been modified; please apply your changes to the latest version and try again',
    detailsOf(resource, name),
  );
}

/** How one field error reads: `Required value`, `Invalid value: "x": why`. */
function describe(error: FieldError): string {
  const value = JSON.stringify(error.value);
  const body = {
    FieldValueRequired: 'Required value',
    FieldValueInvalid: `Invalid value: ${value}`,
    FieldValueNotSupported: `Unsupported value: ${value}`,
    FieldValueDuplicate: `Duplicate value: ${value}`,
    FieldValueForbidden: 'Forbidden',
    FieldValueTooLong: 'Too long',
  }[error.type];
  return error.detail ? `${body}: ${error.detail}` : body;
}

/**
 * 422: the object breaks the rules of its kind. The message joins every field error after the
 * Kind (`Pod "web" is invalid: spec.containers: Required value`; several go in brackets), and
 * each becomes a cause with its field. details.kind is the Kind here, not the resource.
 */
export function invalid(resource: ResourceType, name: string, errors: FieldError[]): ApiError {
  const lines = errors.map((error) => `${error.field}: ${describe(error)}`);
  const joined = lines.length === 1 ? lines[0] : `[${lines.join(', ')}]`;
  return new ApiError(
    422,
    'Invalid',
    `${qualifiedKind(resource)} "${name}" is invalid: ${joined}`,
    {
      ...detailsOf(resource, name, resource.kind),
      causes: errors.map((error) => ({
        reason: error.type,
        message: describe(error),
        field: error.field,
      })),
    },
  );
}

/** 400: the request itself is malformed. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** 404 for a path that names no resource at all. */
export function noSuchPath(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}

/** 405: the resource exists but does not take this verb (PUT on a collection, say). */
export function methodNotAllowed(): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

/** 415: a body in a format the server does not read. */
export function unsupportedMediaType(contentType: string, accepted: string[]): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format (${contentType}) - accepted media types ` +
      `include: ${accepted.join(', ')}`,
  );
}

/** 413: a body over the limit (3 MiB, as in kube-apiserver). */
export function requestEntityTooLarge(limitBytes: number): ApiError {
  return new ApiError(
    413,
    'RequestEntityTooLarge',
    `Request entity too large: limit is ${limitBytes}`,
  );
}

/** 410: a watch asked to start at a revision the store has compacted away. */
export function expired(requestedRevision: number, compactRevision: number): ApiError {
  return new ApiError(
    410,
    'Expired',
    `too old resource version: ${requestedRevision} (${compactRevision})`,
  );
}

/** 500: the server failed, not the client (the store is unreachable, say). */
export function internalError(cause: Error): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${cause.message}`, {
    causes: [{ message: cause.message }],
  });
}

/** Any error thrown while serving, as the Status the client receives. */
export function statusOf(error: unknown): Status {
  if (error instanceof ApiError) return error.status();
  return internalError(error instanceof Error ? error : new Error(String(error))).status();
}
