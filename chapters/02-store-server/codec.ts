// The codec: etcd's JSON on the wire <-> the store's TypeScript shapes (harness/store/types.ts).
//
// etcd speaks gRPC. Its JSON API is a gateway that turns each JSON body into the protobuf message
// the gRPC method takes, and each protobuf answer back into JSON, following protobuf's JSON
// mapping. That mapping is mechanical, so this file does it the same way: every message is
// described once by a *schema* (its fields, in the order rpc.proto declares them, each with a
// kind), and two functions walk a schema: `encode` (value -> JSON) and `decode` (JSON -> value).
// The server, the client, the write-ahead log and the snapshots all use the same two functions.
//
// The rules, from etcd 3.4's gateway (protocol facts A2):
//   - Output names are the proto names (`create_revision`); input accepts those or the lowerCamel
//     names (`createRevision`). Unknown input fields are ignored; `null` means "not set".
//   - Zero values are left out of the output: 0, false, "", empty bytes, empty lists, unset
//     messages. A member of a oneof is written whenever it is set, even to zero.
//   - 64-bit integers are JSON strings on output; input takes a number or a string.
//   - Bytes are standard base64 with padding.
//   - Enums are names on output; input takes the name or the number.
// Decoding fills every field that is not set with its zero value, as protobuf does, so code
// after the codec never has to ask "was this sent?". Malformed input throws InvalidArgument.
import { GrpcCode, StoreError } from '../../harness/store/errors.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type {
  CompactionRequest,
  CompactionResponse,
  Compare,
  DeleteRangeRequest,
  DeleteRangeResponse,
  Event,
  KeyValue,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  RequestOp,
  ResponseHeader,
  ResponseOp,
  TxnRequest,
  TxnResponse,
  WatchRequest,
} from '../../harness/store/types.ts';

// ---------------------------------------------------------------------------------------------
// Schemas

/**
 * What a field holds on the wire. `int64` is a JavaScript number (revisions, counts, TTLs);
 * `id` is a bigint (lease, cluster and member IDs use all 64 bits).
 */
export type FieldKind =
  | 'bytes'
  | 'int64'
  | 'id'
  | 'bool'
  | 'string'
  | { enum: readonly string[] }
  | { message: () => Message<unknown> };

export interface Field {
  /** The proto name, used on output and accepted on input: `create_revision`. */
  name: string;
  /** The lowerCamel JSON name, also accepted on input: `createRevision`. */
  jsonName: string;
  /** The property of the TypeScript shape: `createRevision` (`id` for the proto field `ID`). */
  property: string;
  kind: FieldKind;
  repeated: boolean;
  /** Part of a oneof: written whenever set, never filled with a zero value when absent. */
  oneof: boolean;
}

/** A message's schema. The type parameter only tells TypeScript what `decode` returns. */
export interface Message<T> {
  name: string;
  readonly fields: readonly Field[];
  /** Never set; it carries T. */
  readonly shape?: T;
}

/** protobuf's JSON name: drop each underscore and capitalize the letter after it. */
function lowerCamel(name: string): string {
  return name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

interface FieldOptions {
  property?: string;
  repeated?: boolean;
  oneof?: boolean;
}

function field(name: string, kind: FieldKind, options: FieldOptions = {}): Field {
  return {
    name,
    jsonName: lowerCamel(name),
    property: options.property ?? lowerCamel(name),
    kind,
    repeated: options.repeated ?? false,
    oneof: options.oneof ?? false,
  };
}

/** Declares a message. Fields come from a function because messages refer to each other. */
function message<T>(name: string, fields: () => Field[]): Message<T> {
  let cached: Field[] | undefined;
  return {
    name,
    get fields() {
      cached ??= fields();
      return cached;
    },
  };
}

const ofMessage = (target: () => Message<unknown>) => ({ message: target });

// Shapes that exist only on the wire, beside the store's own types.

/** The full response header. The store knows only the revision; the server adds the rest. */
export interface WireHeader extends ResponseHeader {
  clusterId?: bigint;
  memberId?: bigint;
  raftTerm?: number;
}

/** A range as the wire sends it: the store's request plus the options the kata store refuses. */
export interface WireRangeRequest extends RangeRequest {
  sortOrder?: 'NONE' | 'ASCEND' | 'DESCEND';
  sortTarget?: 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';
  serializable?: boolean;
  minModRevision?: number;
  maxModRevision?: number;
  minCreateRevision?: number;
  maxCreateRevision?: number;
}

export interface WatchCreateRequest extends WatchRequest {
  progressNotify?: boolean;
  /** Ask for this watch ID; 0 lets the server choose. */
  watchId?: number;
  fragment?: boolean;
}

/** One message on the watch stream's request body. */
export type WireWatchRequest =
  | { createRequest: WatchCreateRequest }
  | { cancelRequest: { watchId: number } }
  | { progressRequest: Record<string, never> };

/** One message on the watch stream's response. */
export interface WireWatchResponse {
  header: WireHeader;
  watchId?: number;
  created?: boolean;
  canceled?: boolean;
  compactRevision?: number;
  cancelReason?: string;
  fragment?: boolean;
  events?: Event[];
}

export interface WireLeaseGrantRequest {
  ttl: number;
  id: bigint;
}

export interface WireLeaseResponse {
  header: WireHeader;
  id?: bigint;
  ttl?: number;
  grantedTtl?: number;
  keys?: Uint8Array[];
}

/** Requests that name one lease: revoke, keep-alive, time-to-live. */
export interface LeaseIdRequest {
  id: bigint;
  /** TimeToLive only: also list the keys attached to the lease. */
  keys?: boolean;
}

export interface WireLeasesResponse {
  header: WireHeader;
  leases: Array<{ id: bigint }>;
}

// The schemas, in rpc.proto's field order (the order etcd writes them in).

export const ResponseHeaderMessage = message<WireHeader>('ResponseHeader', () => [
  field('cluster_id', 'id'),
  field('member_id', 'id'),
  field('revision', 'int64'),
  field('raft_term', 'int64'),
]);

export const KeyValueMessage = message<KeyValue>('KeyValue', () => [
  field('key', 'bytes'),
  field('create_revision', 'int64'),
  field('mod_revision', 'int64'),
  field('version', 'int64'),
  field('value', 'bytes'),
  field('lease', 'id'),
]);

export const EventMessage = message<Event>('Event', () => [
  field('type', { enum: ['PUT', 'DELETE'] }),
  field(
    'kv',
    ofMessage(() => KeyValueMessage),
  ),
  field(
    'prev_kv',
    ofMessage(() => KeyValueMessage),
  ),
]);

const header = () =>
  field(
    'header',
    ofMessage(() => ResponseHeaderMessage),
  );

export const PutRequestMessage = message<PutRequest>('PutRequest', () => [
  field('key', 'bytes'),
  field('value', 'bytes'),
  field('lease', 'id'),
  field('prev_kv', 'bool'),
  field('ignore_value', 'bool'),
  field('ignore_lease', 'bool'),
]);

export const PutResponseMessage = message<PutResponse>('PutResponse', () => [
  header(),
  field(
    'prev_kv',
    ofMessage(() => KeyValueMessage),
  ),
]);

export const RangeRequestMessage = message<WireRangeRequest>('RangeRequest', () => [
  field('key', 'bytes'),
  field('range_end', 'bytes'),
  field('limit', 'int64'),
  field('revision', 'int64'),
  field('sort_order', { enum: ['NONE', 'ASCEND', 'DESCEND'] }),
  field('sort_target', { enum: ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'] }),
  field('serializable', 'bool'),
  field('keys_only', 'bool'),
  field('count_only', 'bool'),
  field('min_mod_revision', 'int64'),
  field('max_mod_revision', 'int64'),
  field('min_create_revision', 'int64'),
  field('max_create_revision', 'int64'),
]);

export const RangeResponseMessage = message<RangeResponse>('RangeResponse', () => [
  header(),
  field(
    'kvs',
    ofMessage(() => KeyValueMessage),
    { repeated: true },
  ),
  field('more', 'bool'),
  field('count', 'int64'),
]);

export const DeleteRangeRequestMessage = message<DeleteRangeRequest>('DeleteRangeRequest', () => [
  field('key', 'bytes'),
  field('range_end', 'bytes'),
  field('prev_kv', 'bool'),
]);

export const DeleteRangeResponseMessage = message<DeleteRangeResponse>(
  'DeleteRangeResponse',
  () => [
    header(),
    field('deleted', 'int64'),
    field(
      'prev_kvs',
      ofMessage(() => KeyValueMessage),
      { repeated: true },
    ),
  ],
);

export const CompareMessage = message<Compare>('Compare', () => [
  field('result', { enum: ['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'] }),
  field('target', { enum: ['VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE'] }),
  field('key', 'bytes'),
  field('version', 'int64', { oneof: true }),
  field('create_revision', 'int64', { oneof: true }),
  field('mod_revision', 'int64', { oneof: true }),
  field('value', 'bytes', { oneof: true }),
  field('lease', 'id', { oneof: true }),
  field('range_end', 'bytes'),
]);

export const RequestOpMessage: Message<RequestOp> = message('RequestOp', () => [
  field(
    'request_range',
    ofMessage(() => RangeRequestMessage),
    { oneof: true },
  ),
  field(
    'request_put',
    ofMessage(() => PutRequestMessage),
    { oneof: true },
  ),
  field(
    'request_delete_range',
    ofMessage(() => DeleteRangeRequestMessage),
    { oneof: true },
  ),
  field(
    'request_txn',
    ofMessage(() => TxnRequestMessage),
    { oneof: true },
  ),
]);

export const ResponseOpMessage: Message<ResponseOp> = message('ResponseOp', () => [
  field(
    'response_range',
    ofMessage(() => RangeResponseMessage),
    { oneof: true },
  ),
  field(
    'response_put',
    ofMessage(() => PutResponseMessage),
    { oneof: true },
  ),
  field(
    'response_delete_range',
    ofMessage(() => DeleteRangeResponseMessage),
    { oneof: true },
  ),
  field(
    'response_txn',
    ofMessage(() => TxnResponseMessage),
    { oneof: true },
  ),
]);

export const TxnRequestMessage: Message<TxnRequest> = message('TxnRequest', () => [
  field(
    'compare',
    ofMessage(() => CompareMessage),
    { repeated: true },
  ),
  field(
    'success',
    ofMessage(() => RequestOpMessage),
    { repeated: true },
  ),
  field(
    'failure',
    ofMessage(() => RequestOpMessage),
    { repeated: true },
  ),
]);

export const TxnResponseMessage: Message<TxnResponse> = message('TxnResponse', () => [
  header(),
  field('succeeded', 'bool'),
  field(
    'responses',
    ofMessage(() => ResponseOpMessage),
    { repeated: true },
  ),
]);

export const CompactionRequestMessage = message<CompactionRequest & { physical?: boolean }>(
  'CompactionRequest',
  () => [field('revision', 'int64'), field('physical', 'bool')],
);

export const CompactionResponseMessage = message<CompactionResponse>('CompactionResponse', () => [
  header(),
]);

export const WatchCreateRequestMessage = message<WatchCreateRequest>('WatchCreateRequest', () => [
  field('key', 'bytes'),
  field('range_end', 'bytes'),
  field('start_revision', 'int64'),
  field('progress_notify', 'bool'),
  field('filters', { enum: ['NOPUT', 'NODELETE'] }, { repeated: true }),
  field('prev_kv', 'bool'),
  field('watch_id', 'int64'),
  field('fragment', 'bool'),
]);

export const WatchRequestMessage = message<WireWatchRequest>('WatchRequest', () => [
  field(
    'create_request',
    ofMessage(() => WatchCreateRequestMessage),
    { oneof: true },
  ),
  field(
    'cancel_request',
    ofMessage(() => message('WatchCancelRequest', () => [field('watch_id', 'int64')])),
    { oneof: true },
  ),
  field(
    'progress_request',
    ofMessage(() => message('WatchProgressRequest', () => [])),
    {
      oneof: true,
    },
  ),
]);

export const WatchResponseMessage = message<WireWatchResponse>('WatchResponse', () => [
  header(),
  field('watch_id', 'int64'),
  field('created', 'bool'),
  field('canceled', 'bool'),
  field('compact_revision', 'int64'),
  field('cancel_reason', 'string'),
  field('fragment', 'bool'),
  field(
    'events',
    ofMessage(() => EventMessage),
    { repeated: true },
  ),
]);

export const LeaseGrantRequestMessage = message<WireLeaseGrantRequest>('LeaseGrantRequest', () => [
  field('TTL', 'int64', { property: 'ttl' }),
  field('ID', 'id', { property: 'id' }),
]);

/** Revoke, keep-alive and time-to-live requests: the lease's ID (and, for time-to-live, keys). */
export const LeaseIdRequestMessage = message<LeaseIdRequest>('LeaseIdRequest', () => [
  field('ID', 'id', { property: 'id' }),
  field('keys', 'bool'),
]);

/** Grant, revoke, keep-alive and time-to-live responses share these fields, in this order. */
export const LeaseResponseMessage = message<WireLeaseResponse>('LeaseResponse', () => [
  header(),
  field('ID', 'id', { property: 'id' }),
  field('TTL', 'int64', { property: 'ttl' }),
  field('grantedTTL', 'int64', { property: 'grantedTtl' }),
  field('keys', 'bytes', { repeated: true }),
]);

export const LeaseLeasesResponseMessage = message<WireLeasesResponse>('LeaseLeasesResponse', () => [
  header(),
  field(
    'leases',
    ofMessage(() => message('LeaseStatus', () => [field('ID', 'id', { property: 'id' })])),
    { repeated: true },
  ),
]);

// ---------------------------------------------------------------------------------------------
// Encoding and decoding: yours to write

/** JSON as JSON.parse returns it and JSON.stringify takes it. */
export type Json = null | boolean | number | string | Json[] | { [name: string]: Json };

/**
 * Writes a value of `schema`'s shape as etcd writes it: fields in schema order, named by their
 * proto name (`field.name`), read from `field.property`. Zero values are left out, except a oneof
 * member, which is written whenever it is set. bytes -> standard base64; int64 and id -> decimal
 * strings; enums -> their names; messages -> encoded recursively; lists -> arrays (left out when
 * empty).
 */
export function encode<T>(schema: Message<T>, value: T): { [name: string]: Json } {
  throw new NotImplemented('encode', '§ The wire format');
}

/** The error for input that is not the message it should be; clients see it as HTTP 400. */
export function invalidArgument(message: string): StoreError {
  return new StoreError(GrpcCode.InvalidArgument, message);
}

/**
 * Reads a JSON value (as JSON.parse returns it) as a `schema` message. `null` and `undefined` are
 * an empty message; a field may be sent under its proto name or its lowerCamel `jsonName`; unknown
 * fields are ignored; `null` means "not set". Every field that is not set gets its zero value
 * (0, 0n, false, '', empty bytes, [], the first enum name), except oneof members and messages,
 * which stay undefined. Anything malformed throws `invalidArgument(...)` with a message that names
 * the field (`path` is where we are, e.g. `success[0].request_put`): bytes must be standard
 * base64 with padding, integers a whole JSON number or a string holding one (lease IDs exactly,
 * as bigint), booleans true or false, enums a known name or number. Refuse requests nested more
 * than a few dozen levels deep (`depth`) rather than recursing until the stack runs out.
 */
export function decode<T>(schema: Message<T>, json: unknown, path = '', depth = 0): T {
  throw new NotImplemented('decode', '§ The wire format');
}

/**
 * A txn operation must say what it is. etcd answers an empty one (`{}`) with "key not found"
 * (`errors.keyNotFound()`); check every branch, nested txns included.
 */
export function checkRequestOps(request: TxnRequest): void {
  throw new NotImplemented('checkRequestOps', '§ Errors');
}
