// etcd's gRPC messages and its JSON gateway's bodies, one into the other, for a server that answers
// gRPC by running the JSON route (a replicated member, member-grpc.ts). The gateway is protobuf's
// JSON mapping (protocol-facts.md, A2): bytes as standard base64, 64-bit integers as decimal
// strings, enums by name; it writes the proto's field names (create_revision) and reads those or
// the lowerCamel ones (createRevision).
//
// A request, as the proto loader hands it over (harness/store/grpc.ts: lowerCamel names, int64 as
// strings, enums by name, bytes as Buffers, a oneof also naming its set field), becomes a gateway
// body once its bytes are base64 and the oneof's naming field is dropped; the lowerCamel names stay,
// as the gateway reads them. An answer goes the other way by renaming its fields lowerCamel: the
// loader's serializer takes base64 strings for bytes and decimal strings for int64 as they are.
import type { ProtoMessage } from './grpc.ts';

/** A decoded gRPC request as the JSON body the gateway route takes. */
export function gatewayBody(request: ProtoMessage): string {
  return JSON.stringify(gatewayValue(request));
}

function gatewayValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(gatewayValue);
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(source)) {
    if (namesOneofField(source, name, field)) continue;
    body[name] = gatewayValue(field);
  }
  return body;
}

/**
 * The loader's oneof marker: `request: 'requestPut'` beside `requestPut`, `targetUnion: 'value'`
 * beside `value`. No etcd field holds a string that is the name of a field beside it.
 */
function namesOneofField(source: Record<string, unknown>, name: string, field: unknown): boolean {
  return typeof field === 'string' && field !== name && source[field] !== undefined;
}

/** protobuf's JSON name of a proto field name: cluster_id -> clusterId; ID and TTL stay. */
function lowerCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** A gateway answer (parsed JSON) as the gRPC response message the loader serializes. */
export function protoMessageOf(answer: unknown): ProtoMessage {
  return protoValue(answer) as ProtoMessage;
}

function protoValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(protoValue);
  if (value === null || typeof value !== 'object') return value;
  const message: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value as Record<string, unknown>)) {
    message[lowerCamel(name)] = protoValue(field);
  }
  return message;
}
