// Questions a component asks about a failed API call. The client (chapter 04) turns every Status
// the server answers with into an ApiError; these read its reason, the machine-readable part, as
// client-go's apierrors.IsNotFound and friends do. Messages are for people and may change.
import { ApiError } from '../api/errors.ts';

function hasReason(error: unknown, reason: string): boolean {
  return error instanceof ApiError && error.reason === reason;
}

/** 404: the object (or its namespace) does not exist. */
export const isNotFound = (error: unknown) => hasReason(error, 'NotFound');

/** 403: the server knows who asks, and does not let them do this. */
export const isForbidden = (error: unknown) => hasReason(error, 'Forbidden');

/** 409 on create: an object of that name exists already. */
export const isAlreadyExists = (error: unknown) => hasReason(error, 'AlreadyExists');

/** 409 on update: someone wrote the object since it was read; read it again and retry. */
export const isConflict = (error: unknown) => hasReason(error, 'Conflict');

/** 410: the resourceVersion asked for has been compacted away; list again. */
export const isExpired = (error: unknown) =>
  hasReason(error, 'Expired') || hasReason(error, 'Gone');

/** 422: the object failed validation; the Status's causes name the fields. */
export const isInvalid = (error: unknown) => hasReason(error, 'Invalid');
