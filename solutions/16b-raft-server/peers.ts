// The peer side of a member, on its --listen-peer-urls (etcd's port 2380): Raft messages between
// members over HTTP, as etcd's rafthttp carries them. A member sends each peer its messages in
// batches, one request in flight per peer, so a slow or cut-off peer never holds up the others and
// messages to one peer keep their order. A lost batch is not sent again: Raft retries by itself
// (heartbeats, appends from the leader's progress). Each request names its sender in the
// X-Server-From header, as etcd's does, so a test's proxy can cut one member off.
import type { Message, NodeId } from '../../harness/contracts/raft.ts';

/** A member of the cluster as --initial-cluster names it: `name=peerURL`, numbered from 1 in order. */
export interface Peer {
  id: NodeId;
  name: string;
  peerUrl: string;
}

/**
 * Parses etcd's --initial-cluster, `s1=http://127.0.0.1:2380,s2=http://...`. Every member gets the
 * same list, so numbering in its order gives every member the same IDs.
 */
export function parseInitialCluster(text: string): Peer[] {
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
  if (names.size !== peers.length) throw new Error('--initial-cluster: a member name is listed twice');
  return peers;
}

/** Sends batches of messages to peers over HTTP: POST <peerURL>/raft with a JSON array. */
export class PeerTransport {
  private readonly queues = new Map<NodeId, Message[]>();
  private readonly busy = new Set<NodeId>();
  private stopped = false;

  private readonly self: NodeId;
  private readonly peers: Peer[];

  constructor(self: NodeId, peers: Peer[]) {
    this.self = self;
    this.peers = peers;
  }

  /** Queues each message for its peer and starts a send where none is in flight. */
  send(messages: Message[]): void {
    for (const message of messages) {
      const queue = this.queues.get(message.to) ?? [];
      queue.push(message);
      this.queues.set(message.to, queue);
    }
    for (const to of this.queues.keys()) void this.flush(to);
  }

  /** Sends what is queued for `to` in one request, then anything queued meanwhile. */
  private async flush(to: NodeId): Promise<void> {
    if (this.busy.has(to) || this.stopped) return;
    const batch = this.queues.get(to) ?? [];
    const peer = this.peers.find((candidate) => candidate.id === to);
    if (batch.length === 0 || !peer) return;
    this.queues.set(to, []);
    this.busy.add(to);
    try {
      await fetch(`${peer.peerUrl}/raft`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-server-from': String(this.self) },
        body: JSON.stringify(batch),
        signal: AbortSignal.timeout(1000),
      }).then((response) => response.arrayBuffer());
    } catch {
      // The peer is down or cut off: the batch is lost, and Raft sends again.
    } finally {
      this.busy.delete(to);
    }
    if ((this.queues.get(to)?.length ?? 0) > 0) void this.flush(to);
  }

  stop(): void {
    this.stopped = true;
  }
}
