// etcd's gRPC messages and the store's own shapes, one into the other.
//
// The loader (harness/store/grpc.ts) hands a request over as plain objects with lowerCamelCase
// names, 64-bit integers as decimal strings, enums by name and bytes as Buffers, leaving out every
// field the client did not send (proto3 sends no zero values). The store (chapter 01) speaks
// numbers for revisions, bigint for lease IDs, and has its own names for a few fields (a lease's
// `ID` is its `id`). These functions are the only place the two meet: the services call the store
// with what `...Of` makes of a request and answer with what `...Message` makes of a response.
import { NotImplemented } from '../../harness/not-implemented.ts';
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
  throw new NotImplemented('numberOf', '§ Messages');
}

/** A 64-bit ID (a lease's) as a bigint; absent is 0n. */
export function idOf(value: Int64 | undefined): bigint {
  throw new NotImplemented('idOf', '§ Messages');
}

// ---------------------------------------------------------------------------------------------
// § Messages: keys, values and headers

/**
 * A stored key-value as mvccpb.KeyValue. Zero values are left out, as proto3 leaves them out:
 * a key without a lease has no `lease`, a DELETE event's kv has only its key and modRevision.
 */
export function keyValueMessage(kv: KeyValue): ProtoKeyValue {
  throw new NotImplemented('keyValueMessage', '§ Messages');
}

/** mvccpb.KeyValue back into the store's KeyValue, every field filled in. */
export function keyValueOf(message: ProtoKeyValue): KeyValue {
  throw new NotImplemented('keyValueOf', '§ Messages');
}

/** An event as mvccpb.Event: its type, its kv, and the kv before it when there is one. */
export function eventMessage(event: Event): ProtoEvent {
  throw new NotImplemented('eventMessage', '§ Messages');
}

/** mvccpb.Event back into the store's Event. */
export function eventOf(message: ProtoEvent): Event {
  throw new NotImplemented('eventOf', '§ Messages');
}

/** The member's identity, as every response header carries it. */
export interface Member {
  clusterId: bigint;
  memberId: bigint;
}

/** The header every answer carries: the member's IDs, the revision, raft term 1. */
export function headerMessage(member: Member, revision: number): ProtoHeader {
  throw new NotImplemented('headerMessage', '§ Messages');
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
  throw new NotImplemented('rangeRequestOf', '§ Messages');
}

/** A PutRequest as the store's: the lease becomes a bigint. */
export function putRequestOf(message: ProtoMessage): PutRequest {
  throw new NotImplemented('putRequestOf', '§ Messages');
}

/** A DeleteRangeRequest as the store's. */
export function deleteRangeRequestOf(message: ProtoMessage) {
  throw new NotImplemented('deleteRangeRequestOf', '§ Messages');
}

/**
 * A Compare as the store's: the operand is the oneof field its target names; a compare whose
 * operand was not sent compares against zero, as etcd does.
 */
export function compareOf(message: ProtoMessage): Compare {
  throw new NotImplemented('compareOf', '§ Messages');
}

/** A TxnRequest as the store's, nested txns included. */
export function txnRequestOf(message: ProtoMessage): TxnRequest {
  throw new NotImplemented('txnRequestOf', '§ Messages');
}

/** A WatchCreateRequest as the store's WatchRequest. */
export function watchRequestOf(message: ProtoMessage): WatchRequest {
  throw new NotImplemented('watchRequestOf', '§ Messages');
}

// ---------------------------------------------------------------------------------------------
// § Messages: responses onto the wire

/** A range's answer: its keys, `more` and `count`, under the header. */
export function rangeResponseMessage(
  response: { kvs: KeyValue[]; more: boolean; count: number },
  header: ProtoHeader,
): ProtoMessage {
  throw new NotImplemented('rangeResponseMessage', '§ Messages');
}

/**
 * A txn's answer. Each response inside carries a header with only its revision, and a nested
 * txn's own header is empty, as etcd writes them.
 */
export function txnResponseMessage(response: TxnResponse, header: ProtoHeader): ProtoMessage {
  throw new NotImplemented('txnResponseMessage', '§ Messages');
}
