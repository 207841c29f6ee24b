// Chapter 16a's Raft, as the harness drives it. A Raft node is a pure state machine in the style of
// etcd's raft package: the program around it feeds it ticks and messages, and asks it for a Ready
// (what to persist, what to send, what to apply). It does no I/O itself, so a simulated network
// (harness/testing/raft-network.ts) can run a whole cluster in one process, deterministically, and
// chapter 16b can run the same node over HTTP on port 2380 with a write-ahead log underneath.

/** A member of the cluster, as etcd numbers them: 1, 2, 3... 0 means "nobody". */
export type NodeId = number;

/** "Nobody": no vote given, no leader known. */
export const None: NodeId = 0;

/** One entry of the replicated log. A new leader's first entry has no command (a no-op). */
export interface Entry {
  term: number;
  index: number;
  command?: string;
}

/**
 * What a node must have on stable storage before it answers anyone: its current term, whom it
 * voted for in that term, and how far it knows the log is committed (etcd's raftpb.HardState).
 */
export interface HardState {
  term: number;
  vote: NodeId;
  commit: number;
}

/**
 * A snapshot (etcd's raftpb.Snapshot): the state machine's state once it had applied every entry up
 * to `index`, the term of that entry, and the members then (etcd's ConfState). `data` is opaque to
 * Raft: only the program that made it can read it. With a snapshot, the entries up to its index can
 * be dropped from the log (compaction).
 */
export interface Snapshot {
  index: number;
  term: number;
  peers: NodeId[];
  data: string;
}

/**
 * The messages between nodes (etcd's MsgPreVote, MsgVote, MsgApp and their responses). A heartbeat
 * is an Append with no entries, as in the Raft paper. TimeoutNow (etcd's MsgTimeoutNow) is a
 * leader handing over: it tells an up-to-date follower to campaign at once. Snapshot (etcd's MsgSnap,
 * the paper's InstallSnapshot) carries the leader's snapshot to a follower that needs entries the
 * leader has compacted; the follower answers with an AppendResponse.
 */
export type MessageType =
  | 'PreVote'
  | 'PreVoteResponse'
  | 'Vote'
  | 'VoteResponse'
  | 'Append'
  | 'AppendResponse'
  | 'TimeoutNow'
  | 'Snapshot';

export interface Message {
  type: MessageType;
  from: NodeId;
  to: NodeId;
  /** The sender's term; for a PreVote, the term the sender would campaign in. */
  term: number;
  /**
   * PreVote, Vote: the candidate's last log index. Append: the index of the entry just before the
   * ones sent (prevLogIndex). AppendResponse: the last index now matching the leader's, or, when
   * rejected, the prevLogIndex that did not match.
   */
  index: number;
  /**
   * PreVote, Vote: the term of the candidate's last entry. Append: the term at `index`
   * (prevLogTerm). A rejected AppendResponse: the term of the follower's entry at `rejectHint`.
   */
  logTerm: number;
  /** Append: the entries after `index`. */
  entries?: Entry[];
  /** Append: the leader's commit index. */
  commit?: number;
  /** A response that refuses: a vote not granted, an append whose prevLogIndex did not match. */
  reject?: boolean;
  /** A rejected AppendResponse: the follower's guess of the last index both logs may share. */
  rejectHint?: number;
  /**
   * Vote: the campaign was started by the leader's TimeoutNow (etcd's campaignTransfer context), so
   * a member in that leader's lease answers it all the same.
   */
  transfer?: boolean;
  /**
   * Append (from the leader) and AppendResponse (echoed back): the tag of a read waiting for its
   * index (etcd's heartbeat context), so the leader can count who still follows it since the read.
   */
  context?: string;
  /** Snapshot: the leader's snapshot, for the follower to install. */
  snapshot?: Snapshot;
}

/** A read confirmed by a quorum (etcd's ReadState): serve it once `index` is applied. */
export interface ReadState {
  index: number;
  /** The tag the read was given. */
  context: string;
}

/** What a node asks of the program around it, collected since the last Ready. */
export interface Ready {
  /**
   * A snapshot from the leader, when the node installed one: persist it (storage.saveSnapshot)
   * first, and load it into the state machine before applying committedEntries.
   */
  snapshot?: Snapshot;
  /** The hard state, when it changed: persist it before sending the messages. */
  hardState?: HardState;
  /**
   * Entries to persist, in order, before sending the messages. An entry replaces the persisted
   * entry at its index and every one after it.
   */
  entries: Entry[];
  /** Entries newly committed, in order: apply them to the state machine. */
  committedEntries: Entry[];
  /** Messages to send, once the above is persisted. */
  messages: Message[];
  /** Reads newly confirmed (readIndex), present when there are some. */
  readStates?: ReadState[];
}

/**
 * Stable storage as the node reads it when it starts: what was persisted from earlier Readys. The
 * program writes it (save); the node only reads it. Chapter 16b puts it on the write-ahead log.
 */
export interface RaftStorage {
  hardState(): HardState;
  /** Every persisted entry, from index 1 up (after the snapshot's index when there is one). */
  entries(): Entry[];
  /**
   * Persists a Ready's hard state (when present) and entries, replacing any from their index on.
   * A storage on disk may write them at once and sync them in the background: it answers a promise
   * that settles once they are durable, and the Ready's messages wait for it.
   */
  save(hardState: HardState | undefined, entries: Entry[]): void | Promise<void>;
  /** The last snapshot persisted, if any (a storage without snapshots need not have this). */
  snapshot?(): Snapshot | undefined;
  /**
   * Persists a snapshot and drops the entries up to its index. The entries after it stay only if
   * the entry at its index has its term (the log agrees with it); otherwise they all go.
   */
  saveSnapshot?(snapshot: Snapshot): void;
}

export interface RaftOptions {
  id: NodeId;
  /** Every member, this one included. */
  peers: NodeId[];
  storage: RaftStorage;
  /** Ticks without hearing from a leader before a follower campaigns: at least this, under twice it. */
  electionTick?: number;
  /** Ticks between a leader's heartbeats. */
  heartbeatTick?: number;
  /** Draws in [0, 1) for the randomized election timeout. Seeded in tests. */
  random?: () => number;
  /** Ask for votes in a pre-vote round first, so a node cut off cannot disrupt the cluster. */
  preVote?: boolean;
  /** A leader that has not heard from a quorum in an election timeout steps down. */
  checkQuorum?: boolean;
  /** The most entries one Append carries (etcd bounds it by bytes, MaxSizePerMsg). */
  maxEntriesPerAppend?: number;
}

export type Role = 'follower' | 'pre-candidate' | 'candidate' | 'leader';

/** A Raft node: what a program (or the simulated network) calls. */
export interface RaftNode {
  readonly id: NodeId;
  readonly role: Role;
  readonly term: number;
  /** The leader this node knows of in its term, or None. */
  readonly lead: NodeId;
  /** One unit of logical time. */
  tick(): void;
  /** Takes in a message from another node. */
  step(message: Message): void;
  /**
   * On the leader: appends a command; answers where it will sit if committed. Elsewhere, or while
   * the leader hands over to another member, undefined.
   */
  propose(command: string): { index: number; term: number } | undefined;
  /**
   * On the leader: hands leadership to member `to` (etcd's MsgTransferLeader): brings its log up to
   * date, then sends it TimeoutNow. Elsewhere, or for itself, nothing happens.
   */
  transferLeadership(to: NodeId): void;
  /**
   * On a leader that has committed an entry of its term: takes a read tagged `context` at the
   * current commit index and checks with a quorum that it still leads; a later Ready hands over its
   * ReadState. Answers false elsewhere (the read must go to the leader, or wait).
   */
  readIndex(context: string): boolean;
  /** What to persist, send and apply since the last call; calling it hands the work over. */
  ready(): Ready;
  /**
   * The program has applied every entry up to `index` and hands over its state there (`data`): the
   * node keeps it as its snapshot, drops the entries up to `index` from its log, and answers the
   * snapshot for the program to persist (storage.saveSnapshot). `index` must be applied already.
   */
  compact(index: number, data: string): Snapshot;
}

/** The chapter's raft.ts, as the simulated network builds nodes. */
export type CreateRaftNode = (options: RaftOptions) => RaftNode;

/** raft.ts, as the loader reads it (harness/components/implementation.ts). */
export interface RaftModule {
  createRaftNode: CreateRaftNode;
}
