// etcd's messages as the JSON gateway lays them out: each message's fields in the order rpc.proto
// declares them, with their proto names and kinds. The codec in chapter 02 walks these schemas to
// encode and decode; the server, the client, the write-ahead log and snapshots all share them.
// They are a transcription of etcd's rpc.proto and kv.proto, given rather than written by the
// learner: the lesson is the mapping rules, not the typing.
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
} from './types.ts';

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
