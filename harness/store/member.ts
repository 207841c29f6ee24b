// A member's identity: the cluster and member IDs every response header carries. They are derived
// from the member's name (etcd's --name), so one member keeps its IDs across restarts, and the
// JSON gateway (chapter 02) and gRPC (chapter 02b) of one store say the same.
import { createHash } from 'node:crypto';

/** A 64-bit ID from a text. */
function idFrom(text: string): bigint {
  return createHash('sha256').update(text).digest().readBigUInt64BE(0);
}

/** The cluster and member IDs of the member called `name`. */
export function memberIds(name: string): { clusterId: bigint; memberId: bigint } {
  return { clusterId: idFrom(`cluster:${name}`), memberId: idFrom(`member:${name}`) };
}
