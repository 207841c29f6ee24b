// The codec: etcd's JSON on the wire <-> the store's TypeScript shapes (harness/store/types.ts).
//
// etcd speaks gRPC. Its JSON API is a gateway that turns each JSON body into the protobuf message
// the gRPC method takes, and each protobuf answer back into JSON, following protobuf's JSON
// mapping. That mapping is mechanical, so this file does it the same way: every message is
// described once by a *schema* (harness/store/wire.ts) (its fields, in the order rpc.proto declares them, each with a
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
import type { TxnRequest } from '../../harness/store/types.ts';
import type { Message } from '../../harness/store/wire.ts';

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
