// The store's errors carry etcd's exact messages and gRPC status codes, because clients match on
// them. Chapter 02 turns the code into an HTTP status and etcd's JSON error body.

/** The gRPC status codes etcd's errors use (numbering from gRPC's codes.proto). */
export const GrpcCode = {
  InvalidArgument: 3,
  NotFound: 5,
  FailedPrecondition: 9,
  ResourceExhausted: 8,
  OutOfRange: 11,
  Unavailable: 14,
} as const;
export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

export class StoreError extends Error {
  readonly code: GrpcCode;

  constructor(code: GrpcCode, message: string) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
  }
}

// One constructor per error etcd's KV and Lease services return; messages are etcd 3.4's.
export const errors = {
  keyNotProvided: () => new StoreError(GrpcCode.InvalidArgument, 'etcdserver: key is not provided'),
  valueProvided: () => new StoreError(GrpcCode.InvalidArgument, 'etcdserver: value is provided'),
  leaseProvided: () => new StoreError(GrpcCode.InvalidArgument, 'etcdserver: lease is provided'),
  keyNotFound: () => new StoreError(GrpcCode.InvalidArgument, 'etcdserver: key not found'),
  tooManyOps: () =>
    new StoreError(GrpcCode.InvalidArgument, 'etcdserver: too many operations in txn request'),
  duplicateKey: () =>
    new StoreError(GrpcCode.InvalidArgument, 'etcdserver: duplicate key given in txn request'),
  compacted: () =>
    new StoreError(GrpcCode.OutOfRange, 'etcdserver: mvcc: required revision has been compacted'),
  futureRevision: () =>
    new StoreError(GrpcCode.OutOfRange, 'etcdserver: mvcc: required revision is a future revision'),
  leaseNotFound: () => new StoreError(GrpcCode.NotFound, 'etcdserver: requested lease not found'),
  leaseExists: () =>
    new StoreError(GrpcCode.FailedPrecondition, 'etcdserver: lease already exists'),
  leaseTtlTooLarge: () => new StoreError(GrpcCode.OutOfRange, 'etcdserver: too large lease TTL'),
};
