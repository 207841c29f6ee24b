// Where a member's requests go: the cluster's members from etcd's --initial-cluster, a lease ID
// chosen before the grant enters the log, and proposals and read indexes sent to the leader. On the
// leader they are the member's own; a follower asks the leader's peer port (POST /propose and
// POST /readindex), naming itself in the X-Server-From header as etcd's peers do.
import type { NodeId } from '../../harness/contracts/raft.ts';
import type {
  Applied,
  Command,
  RaftPeer,
  ReplicatedMember,
} from '../../harness/contracts/raft-server.ts';

/** How long a follower waits for the leader's answer: etcd's request timeout is about as long. */
export const FORWARD_TIMEOUT_MS = 5000;

/**
 * Parses etcd's --initial-cluster, `s1=http://127.0.0.1:2380,s2=http://...`. Every member gets the
 * same list, so numbering in its order gives every member the same IDs.
 */
export function parseInitialCluster(text: string): RaftPeer[] {
  const peers = text.split(',').map((pair, position) => {
    const at = pair.indexOf('=');
    const name = pair.slice(0, at).trim();
    const peerUrl = pair.slice(at + 1).trim();
    if (at <= 0 || !/^https?:\/\/[^/]+/.test(peerUrl)) {
      throw new Error(`--initial-cluster: "${pair}" is not name=URL (as s1=http://127.0.0.1:2380)`);
    }
    return { id: position + 1, name, peerUrl: peerUrl.replace(/\/$/, '') };
  });
  const names = new Set(peers.map((peer) => peer.name));
  if (names.size !== peers.length)
    throw new Error('--initial-cluster: a member name is listed twice');
  return peers;
}

/**
 * A lease grant that lets the store pick the ID would pick a different one on every member, so
 * the member picks it before proposing: the request's ID, or a random positive 63-bit one.
 */
export function withLeaseId(body: string, random: () => number = Math.random): string {
  const request = JSON.parse(body || '{}') as Record<string, unknown>;
  const given = request.ID ?? request.id;
  if (given !== undefined && given !== '0' && given !== 0) return body;
  const high = BigInt(Math.floor(random() * 0x7fffffff) + 1);
  const low = BigInt(Math.floor(random() * 0xffffffff));
  return JSON.stringify({ ...request, ID: String((high << 32n) | low) });
}

/** Puts a command through the log: the member's own proposal on the leader, else the leader's. */
export async function proposeVia(
  member: ReplicatedMember,
  self: NodeId,
  lead: RaftPeer,
  command: Command,
): Promise<Applied> {
  if (lead.id === self) return member.propose(command);
  const reply = await fetch(`${lead.peerUrl}/propose`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-server-from': String(self) },
    body: JSON.stringify(command),
    signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
  });
  return { status: reply.status, body: await reply.text() };
}

/** The index a linearizable read waits for: the member's own on the leader, else the leader's. */
export async function readIndexVia(
  member: ReplicatedMember,
  self: NodeId,
  lead: RaftPeer,
): Promise<number> {
  if (lead.id === self) return member.readIndex();
  const reply = await fetch(`${lead.peerUrl}/readindex`, {
    method: 'POST',
    headers: { 'x-server-from': String(self) },
    signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
  });
  const read = (await reply.json()) as { index?: number; error?: string };
  if (read.index === undefined) throw new Error(read.error ?? 'etcdserver: no read index');
  return read.index;
}
