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
import { errors, GrpcCode, StoreError } from '../../harness/store/errors.ts';
import type { TxnRequest } from '../../harness/store/types.ts';
import type { Field, Message } from '../../harness/store/wire.ts';

// ---------------------------------------------------------------------------------------------
// Encoding: value -> JSON

/** JSON as JSON.parse returns it and JSON.stringify takes it. */
export type Json = null | boolean | number | string | Json[] | { [name: string]: Json };

/** Writes a value of `schema`'s shape as etcd writes it. Zero values are left out. */
export function encode<T>(schema: Message<T>, value: T): { [name: string]: Json } {
  const json: { [name: string]: Json } = {};
  const source = value as Record<string, unknown>;
  for (const f of schema.fields) {
    const item = source[f.property];
    if (item === undefined || item === null) continue;
    if (f.repeated) {
      const list = item as unknown[];
      if (list.length > 0) json[f.name] = list.map((element) => encodeScalar(f, element));
    } else if (f.oneof || !isZero(f, item)) {
      json[f.name] = encodeScalar(f, item);
    }
  }
  return json;
}

function isZero(f: Field, value: unknown): boolean {
  if (typeof f.kind === 'object') {
    return 'enum' in f.kind ? f.kind.enum.indexOf(value as string) <= 0 : false;
  }
  switch (f.kind) {
    case 'bytes':
      return (value as Uint8Array).length === 0;
    case 'int64':
    case 'id':
      return value === 0 || value === 0n;
    case 'bool':
      return value === false;
    case 'string':
      return value === '';
  }
}

function encodeScalar(f: Field, value: unknown): Json {
  if (typeof f.kind === 'object') {
    return 'enum' in f.kind ? (value as string) : encode(f.kind.message(), value);
  }
  switch (f.kind) {
    case 'bytes':
      return base64(value as Uint8Array);
    case 'int64':
    case 'id':
      return String(value);
    case 'bool':
    case 'string':
      return value as boolean | string;
  }
}

function base64(value: Uint8Array): string {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
}

// ---------------------------------------------------------------------------------------------
// Decoding: JSON -> value

/** The error for input that is not the message it should be; clients see it as HTTP 400. */
export function invalidArgument(message: string): StoreError {
  return new StoreError(GrpcCode.InvalidArgument, message);
}

const MAX_DEPTH = 32;

/**
 * Reads a JSON value (as JSON.parse returns it) as a `schema` message. `null` and `undefined` are
 * an empty message. Throws InvalidArgument naming the field and what was wrong with it.
 */
export function decode<T>(schema: Message<T>, json: unknown, path = '', depth = 0): T {
  // Nested txns could go arbitrarily deep; a hostile request must not exhaust the stack.
  if (depth > MAX_DEPTH)
    throw invalidArgument(`${where(path)}nested more than ${MAX_DEPTH} levels deep`);
  if (json === null || json === undefined) json = {};
  if (typeof json !== 'object' || Array.isArray(json)) {
    throw invalidArgument(
      `${where(path)}expected a JSON object for ${schema.name}, got ${show(json)}`,
    );
  }
  const source = json as Record<string, unknown>;
  const value: Record<string, unknown> = {};
  let oneofSet: string | undefined;
  for (const f of schema.fields) {
    let item = source[f.name];
    if (item === undefined) item = source[f.jsonName];
    const fieldPath = path ? `${path}.${f.name}` : f.name;
    if (item === undefined || item === null) {
      if (!f.oneof) value[f.property] = zeroOf(f);
      continue;
    }
    if (f.oneof) {
      if (oneofSet !== undefined) {
        throw invalidArgument(`${where(path)}only one of ${oneofSet} and ${f.name} may be set`);
      }
      oneofSet = f.name;
    }
    if (f.repeated) {
      if (!Array.isArray(item)) {
        throw invalidArgument(`${fieldPath}: expected a JSON array, got ${show(item)}`);
      }
      value[f.property] = item.map((element, i) =>
        decodeScalar(f, element, `${fieldPath}[${i}]`, depth),
      );
    } else {
      value[f.property] = decodeScalar(f, item, fieldPath, depth);
    }
  }
  return value as T;
}

function zeroOf(f: Field): unknown {
  if (f.repeated) return [];
  if (typeof f.kind === 'object') return 'enum' in f.kind ? f.kind.enum[0] : undefined;
  switch (f.kind) {
    case 'bytes':
      return new Uint8Array(0);
    case 'int64':
      return 0;
    case 'id':
      return 0n;
    case 'bool':
      return false;
    case 'string':
      return '';
  }
}

function decodeScalar(f: Field, item: unknown, path: string, depth: number): unknown {
  if (typeof f.kind === 'object') {
    return 'enum' in f.kind
      ? decodeEnum(f.kind.enum, item, path)
      : decode(f.kind.message(), item, path, depth + 1);
  }
  switch (f.kind) {
    case 'bytes':
      return decodeBytes(item, path);
    case 'int64':
      return Number(decodeInt64(item, path));
    case 'id':
      return decodeInt64(item, path);
    case 'bool':
      if (typeof item !== 'boolean') {
        throw invalidArgument(`${path}: expected true or false, got ${show(item)}`);
      }
      return item;
    case 'string':
      if (typeof item !== 'string') {
        throw invalidArgument(`${path}: expected a string, got ${show(item)}`);
      }
      return item;
  }
}

// Standard base64, padded, as Go's decoder insists on (Node's own decoder would accept anything).
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeBytes(item: unknown, path: string): Uint8Array {
  if (typeof item !== 'string' || !BASE64.test(item)) {
    throw invalidArgument(
      `${path}: expected base64 text (standard alphabet, with padding), got ${show(item)}`,
    );
  }
  const buffer = Buffer.from(item, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 64n - 1n; // uint64 fields (cluster_id, member_id) go up to here
const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

/** A 64-bit integer: a JSON number, or a string holding one (how etcd writes them). */
function decodeInt64(item: unknown, path: string): bigint {
  if (typeof item === 'number') {
    if (!Number.isInteger(item)) {
      throw invalidArgument(`${path}: expected an integer, got ${show(item)}`);
    }
    if (!Number.isSafeInteger(item)) {
      throw invalidArgument(
        `${path}: ${item} is too large to be exact as a JSON number; send it as a string`,
      );
    }
    return BigInt(item);
  }
  if (typeof item === 'string' && INTEGER.test(item.trim())) {
    const value = BigInt(item.trim());
    if (value >= INT64_MIN && value <= INT64_MAX) return value;
  }
  throw invalidArgument(
    `${path}: expected a 64-bit integer (a number or a string), got ${show(item)}`,
  );
}

function decodeEnum(names: readonly string[], item: unknown, path: string): string {
  if (typeof item === 'string' && names.includes(item)) return item;
  if (typeof item === 'number' && Number.isInteger(item) && names[item] !== undefined) {
    return names[item]!;
  }
  throw invalidArgument(`${path}: expected one of ${names.join(', ')}, got ${show(item)}`);
}

function where(path: string): string {
  return path ? `${path}: ` : '';
}

/** A short, safe rendering of a bad value for an error message. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

// ---------------------------------------------------------------------------------------------
// Checks the gateway's JSON mapping cannot express

/**
 * A txn operation must say what it is. etcd answers an empty one with "key not found" (its
 * checkRequestOp falls through to that error), so the kata store does the same.
 */
export function checkRequestOps(request: TxnRequest): void {
  for (const op of [...(request.success ?? []), ...(request.failure ?? [])]) {
    if (Object.keys(op).length === 0) throw errors.keyNotFound();
    if ('requestTxn' in op) checkRequestOps(op.requestTxn);
  }
}
