// How the API server's code says "this request failed, and here is the Status to answer with".
// Any part of the server (paths, validation, selectors, patches) throws an ApiError; the server
// turns it into the Kubernetes `Status` object the client reads. Clients match on `reason` and
// `code`, so those follow Kubernetes (apimachinery pkg/api/errors); the message is for people.
import type { Status, StatusDetails } from './types.ts';

export class ApiError extends Error {
  /** The HTTP status code: 404, 409, 422, ... */
  readonly code: number;
  /** Kubernetes' machine-readable reason: NotFound, Conflict, Invalid, ... */
  readonly reason: string;
  readonly details: StatusDetails | undefined;

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  /** The Status object a client receives for this error. */
  status(): Status {
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
    };
    if (this.details) status.details = this.details;
    status.code = this.code;
    return status;
  }
}

/**
 * One problem with one field of an object, as Kubernetes' validation reports it. The `type` is
 * what a Status cause calls its `reason`.
 */
export interface FieldError {
  type:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate'
    | 'FieldValueForbidden'
    | 'FieldValueTooLong';
  /** The field's path: "metadata.name", "spec.containers[0].image". */
  field: string;
  /** The offending value, quoted in the message (Invalid, NotSupported, Duplicate). */
  value?: unknown;
  /** What is wrong, in words; for NotSupported, the values that are allowed. */
  detail?: string;
}
