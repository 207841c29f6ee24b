// Status errors: every failure the API server reports, in Kubernetes' words.
//
// A client never gets a bare error string: it gets a `Status` object with a machine-readable
// `reason`, the HTTP `code`, a message for people, and `details` saying which object (and, for an
// invalid object, which fields). kubectl prints "Error from server (<reason>): <message>" and
// client libraries branch on the reason, so the messages follow apimachinery's
// (pkg/api/errors/errors.go) word for word.
//
// Each function returns an ApiError (harness/api/errors.ts): `new ApiError(code, reason, message,
// details)`. Its status() builds the Status object. In details, leave out `group` for the core
// group (""), as Kubernetes does. qualifiedResource() and qualifiedKind() in
// harness/api/resources.ts give "deployments.apps" and "Deployment.apps".
import type { ApiError, FieldError } from '../../harness/api/errors.ts';
import type { ResourceType } from '../../harness/api/resources.ts';
import type { Status } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Status errors';

/** 404 NotFound: `pods "web" not found`; details { name, group?, kind: the resource (plural) }. */
export function notFound(resource: ResourceType, name: string): ApiError {
  throw new NotImplemented('notFound', section);
}

/** 409 AlreadyExists: `pods "web" already exists`; details as for notFound. */
export function alreadyExists(resource: ResourceType, name: string): ApiError {
  throw new NotImplemented('alreadyExists', section);
}

/**
 * 409 Conflict: someone else changed the object since the client read it. The message is
 * `Operation cannot be fulfilled on <resource>[.<group>] "<name>": the object has been modified;
 * please apply your changes to the latest version and try again`; details as for notFound.
 */
export function conflict(resource: ResourceType, name: string): ApiError {
  throw new NotImplemented('conflict', section);
}

/**
 * 422 Invalid: the object breaks the rules of its kind.
 *
 * Each field error reads `<field>: <body>`, where the body is `Required value`, `Invalid value:
 * <value as JSON>`, `Unsupported value: <value as JSON>`, `Duplicate value: <value as JSON>`,
 * `Forbidden` or `Too long`, followed by `: <detail>` when there is a detail. The message is
 * `<Kind>[.<group>] "<name>" is invalid: <the one error>`, or `... is invalid: [<e1>, <e2>]` for
 * several. Details: { name, group?, kind: the Kind (not the resource), causes }, one cause per
 * error: { reason: its type, message: its body, field }.
 */
export function invalid(resource: ResourceType, name: string, errors: FieldError[]): ApiError {
  throw new NotImplemented('invalid', section);
}

/** 400 BadRequest with the given message. */
export function badRequest(message: string): ApiError {
  throw new NotImplemented('badRequest', section);
}

/** 404 NotFound for a path that names no resource: `the server could not find the requested resource`. */
export function noSuchPath(): ApiError {
  throw new NotImplemented('noSuchPath', section);
}

/** 405 MethodNotAllowed: `the server does not allow this method on the requested resource`. */
export function methodNotAllowed(): ApiError {
  throw new NotImplemented('methodNotAllowed', section);
}

/**
 * 415 UnsupportedMediaType: `the body of the request was in an unknown format (<contentType>) -
 * accepted media types include: <accepted, joined by ", ">`.
 */
export function unsupportedMediaType(contentType: string, accepted: string[]): ApiError {
  throw new NotImplemented('unsupportedMediaType', section);
}

/** 413 RequestEntityTooLarge: `Request entity too large: limit is <limitBytes>`. */
export function requestEntityTooLarge(limitBytes: number): ApiError {
  throw new NotImplemented('requestEntityTooLarge', section);
}

/** 410 Expired: `too old resource version: <requestedRevision> (<compactRevision>)`. */
export function expired(requestedRevision: number, compactRevision: number): ApiError {
  throw new NotImplemented('expired', section);
}

/**
 * 500 InternalError: the server failed, not the client. Message `Internal error occurred:
 * <cause's message>`; details { causes: [{ message: <cause's message> }] }.
 */
export function internalError(cause: Error): ApiError {
  throw new NotImplemented('internalError', section);
}

/** Any error thrown while serving, as the Status the client receives: ApiErrors as they are, anything else as internalError. */
export function statusOf(error: unknown): Status {
  throw new NotImplemented('statusOf', section);
}
