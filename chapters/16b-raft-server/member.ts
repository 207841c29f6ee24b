// One member of the replicated store: chapter 16a's Raft node driven by a clock, a disk and a
// network, as etcd's raftNode drives etcd's raft package. Every tick and every message is followed by
// one turn of the Ready loop: persist the hard state and entries (fsync), then send the messages,
// then apply the committed entries to the state machine, one at a time, in log order (§ Batching
// then shares one fsync among everything that arrived together). A client's
// write becomes a proposal; the member answers it once its entry is applied here, with what the
// state machine answered. A linearizable read waits for the leader's read index (chapter 16a's
// ReadIndex): its commit index once a quorum confirmed it still leads, so the member's state is at
// least as new as any write acknowledged before the read.
//
// Every --snapshot-count applied entries, the member snapshots the store and hands the snapshot to
// its node, which compacts the log; a snapshot the leader sends instead of entries replaces the
// store's state, in the apply chain's order.
//
// Words: a *proposal* is a command offered to the leader's log; it is *applied* when the state
// machine has run it; *the state machine* is the store (chapters 01 and 02) that each member keeps.
import { NotImplemented } from '../../harness/not-implemented.ts';
import {
  None,
  type Entry,
  type Message,
  type NodeId,
  type RaftNode,
  type RaftStorage,
  type Snapshot,
} from '../../harness/contracts/raft.ts';
import type {
  Applied,
  Command,
  MemberOptions,
  ReplicatedMember,
} from '../../harness/contracts/raft-server.ts';

/** Thrown by propose on a member that is not the leader: `leader` says whom to ask (None if unknown). */
export class NotLeaderError extends Error {
  readonly leader: NodeId;
  constructor(leader: NodeId) {
    super(leader === None ? 'etcdserver: no leader' : `etcdserver: not leader (leader ${leader})`);
    this.leader = leader;
  }
}

interface Pending {
  term: number;
  resolve(applied: Applied): void;
  reject(error: Error): void;
}

export class RaftMember implements ReplicatedMember {
  readonly node: RaftNode;
  private readonly storage: RaftStorage;
  private readonly sendMessages: (messages: Message[]) => void;
  private readonly applyCommand: MemberOptions['apply'];
  private readonly options: MemberOptions;
  /** The index of the last snapshot, taken here or installed. */
  private snapshotIndex: number;
  /** Proposals of this member waiting for their entry to be applied, by index. */
  private readonly pending = new Map<number, Pending>();
  /** Waiters for the applied index to reach a value. */
  private appliedWaiters: Array<{ index: number; resolve(): void }> = [];
  /** Reads of this member waiting for their ReadState, by the context they were given. */
  private readonly pendingReads = new Map<
    string,
    { resolve(index: number): void; reject(e: Error): void }
  >();
  private readsStarted = 0;
  /** The last index applied to the state machine. */
  appliedIndex = 0;
  /** The last index handed to the apply chain (applied or about to be). */
  private lastQueued = 0;
  private applying: Promise<void> = Promise.resolve();
  /** Whether a turn of the Ready loop is already asked for. */
  private turnScheduled = false;
  /** Whether a Ready's records are being synced; a turn asked for meanwhile waits for them. */
  private persisting = false;
  private turnWaiting = false;
  /** On a leader syncing its entries: messages received meanwhile, stepped once they are durable. */
  private holding = false;
  private held: Message[] = [];

  /** A member whose storage holds a snapshot starts with it applied: the store was loaded from it. */
  constructor(options: MemberOptions) {
    this.node = options.node;
    this.storage = options.storage;
    this.sendMessages = options.send;
    this.applyCommand = options.apply;
    this.options = options;
    this.snapshotIndex = options.storage.snapshot?.()?.index ?? 0;
    this.appliedIndex = this.snapshotIndex;
    this.lastQueued = this.snapshotIndex;
  }

  /** One unit of logical time, then a turn of the Ready loop. */
  tick(): void {
    this.node.tick();
    this.handleReady();
  }

  /**
   * Messages another member sent, then a turn of the Ready loop (soon, in § Batching). While a
   * leader's own entries are being synced, the messages wait: an acknowledgement stepped now could
   * commit an entry that a quorum holds only if the leader's disk is counted before it has it.
   */
  receive(messages: Message[]): void {
    throw new NotImplemented('RaftMember.receive', '§ The member');
  }

  /**
   * Asks for a turn of the Ready loop after the event loop's current round (setImmediate): the
   * proposals and messages that arrive in that round join the same Ready, one fsync for them all.
   */
  scheduleReady(): void {
    throw new NotImplemented('RaftMember.scheduleReady', '§ The member');
  }

  /** A turn's records are durable: its messages go, what was held is stepped, a turn waiting runs. */
  private persisted(messages: Message[]): void {
    throw new NotImplemented('RaftMember.persisted', '§ Batching');
  }

  /**
   * The Ready loop's turn. The committed entries go to the apply chain first: a quorum holds them
   * already. Then persisting comes before sending, so no member ever promises (a vote, an
   * acknowledged append) what it could forget in a crash; a leader's messages promise nothing, and
   * it sends them while its own disk works (§ Batching), holding the answers until its entries are
   * durable. Reads confirmed get their index; a member no longer leading fails the reads waiting.
   * A snapshot in the Ready (one the leader sent) comes before all of it: persisted
   * (storage.saveSnapshot) and queued to be loaded into the store (queueRestore).
   */
  handleReady(): void {
    throw new NotImplemented('RaftMember.handleReady', '§ The member');
  }

  /** Chains loading a leader's snapshot after the applies before it. */
  private queueRestore(snapshot: Snapshot): void {
    throw new NotImplemented('RaftMember.queueRestore', '§ Snapshots');
  }

  /**
   * Loads the snapshot into the store: everything up to its index counts as applied. Proposals
   * waiting at those indexes will never see their entries here: their clients hear so.
   */
  private async restoreSnapshot(snapshot: Snapshot): Promise<void> {
    throw new NotImplemented('RaftMember.restoreSnapshot', '§ Snapshots');
  }

  /**
   * etcd's triggerSnapshot: once --snapshot-count entries were applied since the last snapshot,
   * the store's state becomes the node's snapshot, persisted before the log is cut behind it.
   */
  private async maybeSnapshot(): Promise<void> {
    throw new NotImplemented('RaftMember.maybeSnapshot', '§ Snapshots');
  }

  /** Chains an entry's apply after the previous one's, so the store sees the log's order. */
  private queueApply(entry: Entry): void {
    throw new NotImplemented('RaftMember.queueApply', '§ The member');
  }

  /**
   * Applies one entry: a request runs on the store, a no-op or barrier does nothing. The proposal
   * waiting at this index gets the answer if the entry is its own (same term); if another leader's
   * entry took the index, the proposal was lost and its client hears so.
   */
  private async applyEntry(entry: Entry): Promise<void> {
    throw new NotImplemented('RaftMember.applyEntry', '§ The member');
  }

  /** Offers a command to the log; resolves with what the state machine answered it here. */
  propose(command: Command): Promise<Applied> {
    throw new NotImplemented('RaftMember.propose', '§ The member');
  }

  /**
   * On the leader: the index a linearizable read must wait for, the node's ReadIndex under a context
   * of its own. A leader whose term has no committed entry yet takes no read index; it commits a read
   * barrier instead, an entry committed after the read arrived, whose index serves as well.
   */
  async readIndex(): Promise<number> {
    throw new NotImplemented('RaftMember.readIndex', '§ The member');
  }

  /** Resolves once this member has applied at least `index`. */
  waitApplied(index: number): Promise<void> {
    throw new NotImplemented('RaftMember.waitApplied', '§ The member');
  }

  /** Fails every waiting proposal and read: the member is stopping. */
  stop(): void {
    for (const waiting of this.pending.values())
      waiting.reject(new Error('etcdserver: server stopped'));
    this.pending.clear();
    for (const read of this.pendingReads.values())
      read.reject(new Error('etcdserver: server stopped'));
    this.pendingReads.clear();
  }
}
