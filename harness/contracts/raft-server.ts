// Chapter 16b's member server, as `kata run store` starts it when --initial-cluster names more
// than one member: a Raft member (chapter 16a's node) on a peer port, in front of a plain store
// (chapters 01 and 02) that is its state machine. See solutions/16b-raft-server/server.ts.
import type { CreateRaftNode } from './raft.ts';

/** A member of the cluster as --initial-cluster names it, numbered from 1 in its order. */
export interface RaftPeer {
  id: number;
  name: string;
  peerUrl: string;
}

export interface MemberServerOptions {
  /** etcd's --name: which of `peers` this process is. */
  name: string;
  dataDir: string;
  peers: RaftPeer[];
  createRaftNode: CreateRaftNode;
  /** The JSON gateway of this member's own store, on a loopback port only this member uses. */
  storeUrl: string;
  clientListen: Array<{ host: string; port: number }>;
  peerListen: { host: string; port: number };
  advertiseClientUrls?: string[];
  /** Milliseconds per Raft tick (etcd's --heartbeat-interval, 100). */
  tickMs?: number;
  log?: (line: string) => void;
}

export interface MemberServer {
  clientUrls: string[];
  peerUrl: string;
  close(): Promise<void>;
}

/** server.ts. */
export interface RaftServerModule {
  parseInitialCluster(text: string): RaftPeer[];
  startMember(options: MemberServerOptions): Promise<MemberServer>;
}
