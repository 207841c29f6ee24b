// One member of the replicated store: chapter 16a's Raft node driven by a clock, a disk and a
// network, as etcd's raftNode drives etcd's raft package. A turn of the Ready loop persists the hard
// state and entries (one fsync), then sends the messages, then applies the committed entries to the
// state machine, one at a time, in log order. The fsync runs in the background: the member goes on
// taking messages and proposals meanwhile, and the next turn waits for it. A tick takes its turn at once; proposals, reads and
// messages from peers only ask for one, taken once the event loop has read what else arrived, so
// that everything that came in together shares one fsync and one send (etcd batches its Ready so).
// A client's write becomes a proposal; the member answers it once its entry is applied here, with
// what the state machine answered. A linearizable read waits for the leader's read index (chapter 16a's
// ReadIndex): its commit index once a quorum confirmed it still leads, so the member's state is at
// least as new as any write acknowledged before the read.
//
// Every --snapshot-count applied entries, the member snapshots the store and hands the snapshot to
// its node, which compacts the log; a snapshot the leader sends instead of entries replaces the
// store's state, in the apply chain's order.
//
// Words: a *proposal* is a command offered to the leader's log; it is *applied* when the state
// machine has run it; *the state machine* is the store (chapters 01 and 02) that each member keeps.
import {
  None,
  type Entry,
  type Message,
  type NodeId,
  type RaftNode,
  type RaftStorage,
  type Ready,
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
   * Messages another member sent; a turn of the Ready loop follows soon. While a leader's own
   * entries are being synced, the messages wait: an acknowledgement stepped now could commit an
   * entry that a quorum holds only if the leader's disk is counted before it has it.
   */
  receive(messages: Message[]): void {
    if (this.holding) {
      this.held.push(...messages);
      return;
    }
    for (const message of messages) this.node.step(message);
    this.scheduleReady();
  }

  /**
   * Asks for a turn of the Ready loop after the event loop's current round (setImmediate): the
   * proposals and messages that arrive in that round join the same Ready, one fsync for them all.
   */
  scheduleReady(): void {
    if (this.turnScheduled) return;
    this.turnScheduled = true;
    setImmediate(() => {
      this.turnScheduled = false;
      this.handleReady();
    });
  }

  /**
   * The Ready loop's turn. The committed entries go to the apply chain first: a quorum holds them
   * already. Then persisting comes before sending, so no member ever promises (a vote, an
   * acknowledged append) what it could forget in a crash; a leader's messages promise nothing, and
   * it sends them while its own disk works (as etcd does, after section 10.2.1 of Raft's thesis),
   * holding the answers until its entries are durable. When the storage syncs in the background,
   * the next turn waits for it.
   */
  handleReady(): void {
    if (this.persisting) {
      this.turnWaiting = true;
      return;
    }
    const ready = this.node.ready();
    // A leader's snapshot is persisted first, and loaded into the store before the entries after it.
    if (ready.snapshot) {
      this.storage.saveSnapshot?.(ready.snapshot);
      this.queueRestore(ready.snapshot);
    }
    for (const entry of ready.committedEntries) this.queueApply(entry);
    this.settleReads(ready);
    const leads = this.node.role === 'leader';
    if (leads && ready.messages.length > 0) this.sendMessages(ready.messages);
    const saved =
      ready.hardState || ready.entries.length > 0
        ? this.storage.save(ready.hardState, ready.entries)
        : undefined;
    if (!saved) {
      if (!leads && ready.messages.length > 0) this.sendMessages(ready.messages);
      return;
    }
    this.persisting = true;
    this.holding = leads;
    saved.then(
      () => this.persisted(leads ? [] : ready.messages),
      // A disk that fails a sync cannot keep Raft's promises: the member stops serving.
      () => this.stop(),
    );
  }

  /** A turn's records are durable: its messages go, what was held is stepped, a turn waiting runs. */
  private persisted(messages: Message[]): void {
    this.persisting = false;
    this.holding = false;
    if (messages.length > 0) this.sendMessages(messages);
    const held = this.held;
    this.held = [];
    if (held.length > 0) this.receive(held);
    if (this.turnWaiting) {
      this.turnWaiting = false;
      this.handleReady();
    }
  }

  /** Reads confirmed get their index; a member no longer leading fails the reads still waiting. */
  private settleReads(ready: Ready): void {
    for (const read of ready.readStates ?? []) {
      this.pendingReads.get(read.context)?.resolve(read.index);
      this.pendingReads.delete(read.context);
    }
    if (this.node.role !== 'leader' && this.pendingReads.size > 0) {
      for (const read of this.pendingReads.values())
        read.reject(new NotLeaderError(this.node.lead));
      this.pendingReads.clear();
    }
  }

  /** Chains loading a leader's snapshot after the applies before it. */
  private queueRestore(snapshot: Snapshot): void {
    this.lastQueued = snapshot.index;
    this.applying = this.applying.then(() => this.restoreSnapshot(snapshot));
  }

  /**
   * Loads the snapshot into the store: everything up to its index counts as applied. Proposals
   * waiting at those indexes will never see their entries here: their clients hear so.
   */
  private async restoreSnapshot(snapshot: Snapshot): Promise<void> {
    await this.options.restoreState?.(snapshot.data);
    this.snapshotIndex = snapshot.index;
    for (const [index, waiting] of this.pending) {
      if (index > snapshot.index) continue;
      this.pending.delete(index);
      waiting.reject(new Error('etcdserver: leader changed'));
    }
    this.advanceApplied(snapshot.index);
  }

  /**
   * etcd's triggerSnapshot: once --snapshot-count entries were applied since the last snapshot,
   * the store's state becomes the node's snapshot, persisted before the log is cut behind it.
   */
  private async maybeSnapshot(): Promise<void> {
    const { snapshotCount = 0, stateSnapshot } = this.options;
    if (!stateSnapshot || this.appliedIndex - this.snapshotIndex < snapshotCount) return;
    try {
      const snapshot = this.node.compact(this.appliedIndex, await stateSnapshot());
      this.storage.saveSnapshot?.(snapshot);
      this.snapshotIndex = snapshot.index;
    } catch {
      // The node installed a newer snapshot meanwhile (the index is compacted already), or the
      // store did not answer: the next apply tries again; the apply chain must go on.
    }
  }

  /** Chains an entry's apply after the previous one's, so the store sees the log's order. */
  private queueApply(entry: Entry): void {
    if (entry.index <= this.lastQueued) return;
    this.lastQueued = entry.index;
    this.applying = this.applying.then(() => this.applyEntry(entry));
  }

  /**
   * Applies one entry: a request runs on the store, a no-op or barrier does nothing. The proposal
   * waiting at this index gets the answer if the entry is its own (same term); if another leader's
   * entry took the index, the proposal was lost and its client hears so.
   */
  private async applyEntry(entry: Entry): Promise<void> {
    let applied: Applied = { status: 200, body: '{}' };
    const command = entry.command ? (JSON.parse(entry.command) as Command) : undefined;
    if (command && 'path' in command) {
      try {
        applied = await this.applyCommand(command);
      } catch (error) {
        applied = { status: 500, body: JSON.stringify({ error: (error as Error).message }) };
      }
    }
    const waiting = this.pending.get(entry.index);
    if (waiting) {
      this.pending.delete(entry.index);
      if (waiting.term === entry.term) waiting.resolve(applied);
      else waiting.reject(new Error('etcdserver: leader changed'));
    }
    this.advanceApplied(entry.index);
    if (this.options.snapshotCount) await this.maybeSnapshot();
  }

  /** The applied index moves to `index`, and whoever waited for it is woken. */
  private advanceApplied(index: number): void {
    this.appliedIndex = index;
    const ready = this.appliedWaiters.filter((waiter) => waiter.index <= index);
    this.appliedWaiters = this.appliedWaiters.filter((waiter) => waiter.index > index);
    for (const waiter of ready) waiter.resolve();
  }

  /** Offers a command to the log; resolves with what the state machine answered it here. */
  propose(command: Command): Promise<Applied> {
    const placed = this.node.propose(JSON.stringify(command));
    if (!placed) return Promise.reject(new NotLeaderError(this.node.lead));
    const answer = new Promise<Applied>((resolve, reject) => {
      this.pending.set(placed.index, { term: placed.term, resolve, reject });
    });
    this.scheduleReady();
    return answer;
  }

  /**
   * On the leader: the index a linearizable read must wait for, the node's ReadIndex under a context
   * of its own. A leader whose term has no committed entry yet takes no read index; it commits a read
   * barrier instead, an entry committed after the read arrived, whose index serves as well.
   */
  async readIndex(): Promise<number> {
    const context = `read-${++this.readsStarted}`;
    if (this.node.readIndex(context)) {
      const index = new Promise<number>((resolve, reject) => {
        this.pendingReads.set(context, { resolve, reject });
      });
      this.scheduleReady();
      return index;
    }
    const placed = this.node.propose(JSON.stringify({ barrier: true } satisfies Command));
    if (!placed) throw new NotLeaderError(this.node.lead);
    await new Promise<Applied>((resolve, reject) => {
      this.pending.set(placed.index, { term: placed.term, resolve, reject });
      this.scheduleReady();
    });
    return placed.index;
  }

  /** Resolves once this member has applied at least `index`. */
  waitApplied(index: number): Promise<void> {
    if (this.appliedIndex >= index) return Promise.resolve();
    return new Promise((resolve) => this.appliedWaiters.push({ index, resolve }));
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
