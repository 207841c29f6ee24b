// etcd's gRPC messages and the store's own shapes, one into the other.
//
// The loader (harness/store/grpc.ts) hands a request over as plain objects with lowerCamelCase
// names, 64-bit integers as decimal strings, enums by name and bytes as Buffers, leaving out every
// field the client did not send (proto3 sends no zero values). The store (chapter 01) speaks
// numbers for revisions, bigint for lease IDs, and has its own names for a few fields (a lease's
// `ID` is its `id`). These functions are the only place the two meet: the services call the store
// with what `...Of` makes of a request and answer with what `...Message` makes of a response.
import { GrpcCode, StoreError } from '../../harness/store/errors.ts';
import type {
  Compare,
  CompareResult,
  CompareTarget,
  Event,
  KeyValue,
  PutRequest,
  RangeRequest,
  RequestOp,
  ResponseOp,
  TxnRequest,
  TxnResponse,
  WatchRequest,
} from '../../harness/store/types.ts';
import type {
  Int64,
  ProtoEvent,
  ProtoHeader,
  ProtoKeyValue,
  ProtoMessage,
} from '../../harness/store/grpc.ts';

const EMPTY = new Uint8Array(0);

/** A 64-bit count or revision as a number; absent is 0. */
export function numberOf(value: Int64 | undefined): number {
  return value === undefined ? 0 : Number(value);
}

/** A 64-bit ID (a lease's) as a bigint; absent is 0n. */
export function idOf(value: Int64 | undefined): bigint {
  return value === undefined ? 0n : BigInt(value);
}

// ---------------------------------------------------------------------------------------------
// § Messages: keys, values and headers

/**
 * A stored key-value as mvccpb.KeyValue. Zero values are left out, as proto3 leaves them out:
 * a key without a lease has no `lease`, a DELETE event's kv has only its key and modRevision.
 */
export function keyValueMessage(kv: KeyValue): ProtoKeyValue {
  const message: ProtoKeyValue = { key: kv.key };
  if (kv.createRevision) message.createRevision = kv.createRevision;
  if (kv.modRevision) message.modRevision = kv.modRevision;
  if (kv.version) message.version = kv.version;
  if (kv.value.length > 0) message.value = kv.value;
  if (kv.lease) message.lease = String(kv.lease);
  return message;
}

/** Bytes the loader gave as a Buffer, as the plain Uint8Array the store keeps. */
function plainBytes(value: Uint8Array | undefined): Uint8Array {
  return value ? new Uint8Array(value) : EMPTY;
}

/** mvccpb.KeyValue back into the store's KeyValue, every field filled in. */
export function keyValueOf(message: ProtoKeyValue): KeyValue {
  return {
    key: plainBytes(message.key),
    value: plainBytes(message.value),
    createRevision: numberOf(message.createRevision),
    modRevision: numberOf(message.modRevision),
    version: numberOf(message.version),
    lease: idOf(message.lease),
  };
}

/** An event as mvccpb.Event: its type, its kv, and the kv before it when there is one. */
export function eventMessage(event: Event): ProtoEvent {
  const message: ProtoEvent = { type: event.type, kv: keyValueMessage(event.kv) };
  if (event.prevKv) message.prevKv = keyValueMessage(event.prevKv);
  return message;
}

/** mvccpb.Event back into the store's Event. */
export function eventOf(message: ProtoEvent): Event {
  const event: Event = { type: message.type ?? 'PUT', kv: keyValueOf(message.kv ?? {}) };
  if (message.prevKv) event.prevKv = keyValueOf(message.prevKv);
  return event;
}

/** The member's identity, as every response header carries it. */
export interface Member {
  clusterId: bigint;
  memberId: bigint;
}

/** The header every answer carries: the member's IDs, the revision, raft term 1. */
export function headerMessage(member: Member, revision: number): ProtoHeader {
  return {
    clusterId: String(member.clusterId),
    memberId: String(member.memberId),
    revision,
    raftTerm: 1,
  };
}

// ---------------------------------------------------------------------------------------------
// § Messages: requests into the store's shapes

const invalid = (message: string) => new StoreError(GrpcCode.InvalidArgument, message);

/**
 * A RangeRequest as the store's. The kata store keeps keys in key order only: a range sorted any
 * other way, or filtered by revision, is refused rather than answered wrongly. Ascending by key
 * (what etcdctl asks with --prefix) is key order, and is fine.
 */
export function rangeRequestOf(message: ProtoMessage): RangeRequest {
  const sorted =
    (message.sortTarget ?? 'KEY') !== 'KEY' || (message.sortOrder ?? 'NONE') === 'DESCEND';
  const filtered = [
    message.minModRevision,
    message.maxModRevision,
    message.minCreateRevision,
    message.maxCreateRevision,
  ].some((value) => numberOf(value) !== 0);
  if (sorted || filtered) {
    throw invalid(
      'kata store: sort_order, sort_target and min/max revision filters are not supported; ' +
        'keys come back in ascending key order',
    );
  }
  return {
    key: message.key ?? EMPTY,
    rangeEnd: message.rangeEnd,
    limit: numberOf(message.limit),
    revision: numberOf(message.revision),
    keysOnly: message.keysOnly ?? false,
    countOnly: message.countOnly ?? false,
  };
}

/** A PutRequest as the store's: the lease becomes a bigint. */
export function putRequestOf(message: ProtoMessage): PutRequest {
  return {
    key: message.key ?? EMPTY,
    value: message.value ?? EMPTY,
    lease: idOf(message.lease),
    prevKv: message.prevKv ?? false,
    ignoreValue: message.ignoreValue ?? false,
    ignoreLease: message.ignoreLease ?? false,
  };
}

/** A DeleteRangeRequest as the store's. */
export function deleteRangeRequestOf(message: ProtoMessage) {
  return {
    key: message.key ?? EMPTY,
    rangeEnd: message.rangeEnd,
    prevKv: message.prevKv ?? false,
  };
}

/**
 * A Compare as the store's: the operand is the oneof field its target names; a compare whose
 * operand was not sent compares against zero, as etcd does.
 */
export function compareOf(message: ProtoMessage): Compare {
  const compare: Compare = {
    key: message.key ?? EMPTY,
    target: (message.target ?? 'VERSION') as CompareTarget,
    result: (message.result ?? 'EQUAL') as CompareResult,
  };
  if (message.rangeEnd) compare.rangeEnd = message.rangeEnd;
  if (compare.target === 'VALUE') compare.value = message.value ?? EMPTY;
  else if (compare.target === 'LEASE') compare.lease = idOf(message.lease);
  else if (compare.target === 'VERSION') compare.version = numberOf(message.version);
  else if (compare.target === 'CREATE') compare.createRevision = numberOf(message.createRevision);
  else compare.modRevision = numberOf(message.modRevision);
  return compare;
}

/** One operation of a txn branch; an operation with no request set is refused, as etcd does. */
function requestOpOf(message: ProtoMessage): RequestOp {
  switch (message.request) {
    case 'requestRange':
      return { requestRange: rangeRequestOf(message.requestRange) };
    case 'requestPut':
      return { requestPut: putRequestOf(message.requestPut) };
    case 'requestDeleteRange':
      return { requestDeleteRange: deleteRangeRequestOf(message.requestDeleteRange) };
    case 'requestTxn':
      return { requestTxn: txnRequestOf(message.requestTxn) };
    default:
      throw invalid('etcdserver: key is not provided');
  }
}

/** A TxnRequest as the store's, nested txns included. */
export function txnRequestOf(message: ProtoMessage): TxnRequest {
  return {
    compare: (message.compare ?? []).map(compareOf),
    success: (message.success ?? []).map(requestOpOf),
    failure: (message.failure ?? []).map(requestOpOf),
  };
}

/** A WatchCreateRequest as the store's WatchRequest. */
export function watchRequestOf(message: ProtoMessage): WatchRequest {
  return {
    key: message.key ?? EMPTY,
    rangeEnd: message.rangeEnd,
    startRevision: numberOf(message.startRevision),
    prevKv: message.prevKv ?? false,
    filters: message.filters ?? [],
  };
}

// ---------------------------------------------------------------------------------------------
// § Messages: responses onto the wire

/** A range's answer: its keys, `more` and `count`, under the header. */
export function rangeResponseMessage(
  response: { kvs: KeyValue[]; more: boolean; count: number },
  header: ProtoHeader,
): ProtoMessage {
  return {
    header,
    kvs: response.kvs.map(keyValueMessage),
    more: response.more,
    count: response.count,
  };
}

/**
 * A txn's answer. Each response inside carries a header with only its revision, and a nested
 * txn's own header is empty, as etcd writes them.
 */
export function txnResponseMessage(response: TxnResponse, header: ProtoHeader): ProtoMessage {
  return {
    header,
    succeeded: response.succeeded,
    responses: response.responses.map(responseOpMessage),
  };
}

function responseOpMessage(op: ResponseOp): ProtoMessage {
  const inner = (revision: number) => ({ revision });
  if ('responseRange' in op) {
    const range = op.responseRange;
    return { responseRange: rangeResponseMessage(range, inner(range.header.revision)) };
  }
  if ('responsePut' in op) {
    const put = op.responsePut;
    const message: ProtoMessage = { header: inner(put.header.revision) };
    if (put.prevKv) message.prevKv = keyValueMessage(put.prevKv);
    return { responsePut: message };
  }
  if ('responseDeleteRange' in op) {
    const deleted = op.responseDeleteRange;
    return {
      responseDeleteRange: {
        header: inner(deleted.header.revision),
        deleted: deleted.deleted,
        prevKvs: deleted.prevKvs.map(keyValueMessage),
      },
    };
  }
  return { responseTxn: txnResponseMessage(op.responseTxn, {}) };
}
