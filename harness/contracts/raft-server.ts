// Chapter 16b's modules, as the harness's member server (harness/store/member-server.ts) uses
// them: the Raft log on disk, kept in chapter 02's write-ahead log (raft-storage.ts), the member
// that drives chapter 16a's node through the Ready loop (member.ts), and the routing of proposals
// and reads to the leader (routing.ts).
import type { Message, NodeId, RaftNode, RaftStorage } from './raft.ts';

/** A command in the log: a client request to replay on every member, or a read barrier. */
export type Command = { path: string; body: string } | { barrier: true };

/** What the state machine answered a request: an HTTP status and body, the same on every member. */
export interface Applied {
  status: number;
  body: string;
}

/** A member of the cluster as --initial-cluster names it, numbered from 1 in its order. */
export interface RaftPeer {
  id: NodeId;
  name: string;
  peerUrl: string;
}

export interface MemberOptions {
  node: RaftNode;
  storage: RaftStorage;
  /** Sends messages to other members; delivery may fail, Raft sends again. */
  send(messages: Message[]): void;
  /** Runs one client request on this member's store. Called one at a time, in log order. */
  apply(command: { path: string; body: string }): Promise<Applied>;
  /**
   * etcd's --snapshot-count: after this many entries applied since the last snapshot, the member
   * takes one (stateSnapshot), hands it to its node (compact) and persists it (storage.saveSnapshot).
   * Without it, or without stateSnapshot, the member never snapshots.
   */
  snapshotCount?: number;
  /** The store's whole state, as text: a snapshot's data. Called between two applies. */
  stateSnapshot?(): Promise<string>;
  /** Replaces the store's state with a snapshot's data (one installed from the leader). */
  restoreState?(data: string): Promise<void>;
}

/** member.ts's RaftMember, as the server drives it. */
export interface ReplicatedMember {
  readonly node: RaftNode;
  readonly appliedIndex: number;
  tick(): void;
  receive(messages: Message[]): void;
  propose(command: Command): Promise<Applied>;
  readIndex(): Promise<number>;
  waitApplied(index: number): Promise<void>;
  stop(): void;
}

/** member.ts. */
export interface MemberModule {
  RaftMember: new (options: MemberOptions) => ReplicatedMember;
}

/**
 * A write-ahead log of records it does not read: chapter 02's WriteAheadLog, which the harness
 * opens in the member's data directory (member/wal, member/snap) and hands to the Raft storage.
 * Records appended together reach the disk together (group commit); a snapshot stands for every
 * record appended before it, whose segments are then deleted.
 */
export interface RecordLog {
  append(record: Uint8Array): void;
  /** Resolves once every record appended so far is on disk. */
  synced(): Promise<void>;
  /** Saves a snapshot holding exactly the state the records appended so far describe. */
  saveSnapshot(snapshot: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** What a RecordLog held when it was opened: its newest snapshot and every record after it. */
export interface RecordLogContents {
  snapshot: Uint8Array | undefined;
  records: Uint8Array[];
}

/** raft-storage.ts. */
export interface RaftStorageModule {
  FileRaftStorage: new (
    log: RecordLog,
    contents: RecordLogContents,
  ) => RaftStorage & { close(): Promise<void> };
}

/** routing.ts. */
export interface RoutingModule {
  parseInitialCluster(text: string): RaftPeer[];
  withLeaseId(body: string, random?: () => number): string;
  proposeVia(
    member: ReplicatedMember,
    self: NodeId,
    lead: RaftPeer,
    command: Command,
  ): Promise<Applied>;
  readIndexVia(member: ReplicatedMember, self: NodeId, lead: RaftPeer): Promise<number>;
}

/** The three, as the member server takes them. */
export type RaftServerChapter = MemberModule & RaftStorageModule & RoutingModule;
