// Where a member's requests go: the cluster's members from etcd's --initial-cluster, a lease ID
// chosen before the grant enters the log, and proposals and read indexes sent to the leader. On the
// leader they are the member's own; a follower asks the leader's peer port (POST /propose and
// POST /readindex), naming itself in the X-Server-From header as etcd's peers do.
import { NotImplemented } from '../../harness/not-implemented.ts';
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
  throw new NotImplemented('parseInitialCluster', '§ The member server');
}

/**
 * A lease grant that lets the store pick the ID would pick a different one on every member, so
 * the member picks it before proposing: the request's ID, or a random positive 63-bit one.
 */
export function withLeaseId(body: string, random: () => number = Math.random): string {
  throw new NotImplemented('withLeaseId', '§ The member server');
}

/** Puts a command through the log: the member's own proposal on the leader, else the leader's. */
export async function proposeVia(
  member: ReplicatedMember,
  self: NodeId,
  lead: RaftPeer,
  command: Command,
): Promise<Applied> {
  throw new NotImplemented('proposeVia', '§ The member server');
}

/** The index a linearizable read waits for: the member's own on the leader, else the leader's. */
export async function readIndexVia(
  member: ReplicatedMember,
  self: NodeId,
  lead: RaftPeer,
): Promise<number> {
  throw new NotImplemented('readIndexVia', '§ The member server');
}
