// A Raft cluster in one process: nodes built from a chapter's raft.ts (harness/contracts/raft.ts),
// a simulated network between them and a logical clock, all driven from one seeded random source so
// a run can be replayed exactly. The network drops, delays, reorders and duplicates messages, cuts
// members off and partitions them; a member can crash (losing all it did not persist) and restart
// from its storage. With snapshotEvery, each member snapshots what it applied every so many entries
// and its node compacts the log behind it; a snapshot it installs from the leader is checked like
// applied entries. Every entry a member applies is checked against what the others applied at the
// same index. The checks the suites use (one leader, agreement on an entry) follow MIT 6.5840's
// Raft lab. A failure names its seed and the last events before it: run the test again with
// KATA_RAFT_SEED=<seed> to replay it.
import {
  None,
  type CreateRaftNode,
  type Entry,
  type HardState,
  type Message,
  type NodeId,
  type RaftNode,
  type RaftStorage,
  type Snapshot,
} from '../contracts/raft.ts';
import { seededRandom } from './random.ts';

/**
 * The seeds a suite runs with: KATA_RAFT_SEED=7 replays one, KATA_RAFT_SEED=1..200 runs a range
 * (to hunt for a failing seed), otherwise these.
 */
export function raftSeeds(defaults: number[] = [1, 2, 3]): number[] {
  const chosen = process.env.KATA_RAFT_SEED;
  if (!chosen) return defaults;
  const range = /^(\d+)\.\.(\d+)$/.exec(chosen);
  if (!range) return [Number(chosen)];
  const [first, last] = [Number(range[1]), Number(range[2])];
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/**
 * Stable storage kept in memory: the simulated disk, which survives a crash of its member. It holds
 * the last snapshot and the entries after it.
 */
export class MemoryStorage implements RaftStorage {
  private state: HardState = { term: 0, vote: None, commit: 0 };
  private log: Entry[] = [];
  private saved: Snapshot | undefined;

  /** The index just before log[0]: the snapshot's, or 0. */
  private get offset(): number {
    return this.saved?.index ?? 0;
  }

  hardState(): HardState {
    return { ...this.state };
  }

  entries(): Entry[] {
    return this.log.map((entry) => ({ ...entry }));
  }

  snapshot(): Snapshot | undefined {
    return this.saved && { ...this.saved, peers: [...this.saved.peers] };
  }

  save(hardState: HardState | undefined, entries: Entry[]): void {
    if (hardState) this.state = { ...hardState };
    if (entries.length === 0) return;
    const first = entries[0]!.index;
    const last = this.offset + this.log.length;
    if (first > last + 1 || first <= this.offset) {
      throw new Error(
        `persisting entries from ${first} would leave a gap after ${last} or rewrite the snapshot's (${this.offset})`,
      );
    }
    this.log = [
      ...this.log.slice(0, first - this.offset - 1),
      ...entries.map((entry) => ({ ...entry })),
    ];
  }

  saveSnapshot(snapshot: Snapshot): void {
    if (snapshot.index <= this.offset) return;
    const at = this.log[snapshot.index - this.offset - 1];
    this.log = at?.term === snapshot.term ? this.log.slice(snapshot.index - this.offset) : [];
    this.saved = { ...snapshot, peers: [...snapshot.peers] };
  }
}

/** How the network misbehaves: chances of a message lost or sent twice, and its delay in ticks. */
export interface NetworkFaults {
  drop: number;
  duplicate: number;
  /** Each message waits 0 to maxDelay ticks: with more than 0, messages overtake each other. */
  maxDelay: number;
}

export const reliableNetwork: NetworkFaults = { drop: 0, duplicate: 0, maxDelay: 0 };
export const unreliableNetwork: NetworkFaults = { drop: 0.1, duplicate: 0.05, maxDelay: 3 };

export interface ClusterOptions {
  size: number;
  seed: number;
  createNode: CreateRaftNode;
  faults?: NetworkFaults;
  electionTick?: number;
  preVote?: boolean;
  checkQuorum?: boolean;
  /** The most entries one Append carries: small, so followers catch up in several steps. */
  maxEntriesPerAppend?: number;
  /** Called for every entry a member applies, after the cluster checked it (a state machine's hook). */
  onApply?: (id: NodeId, entry: Entry) => void;
  /**
   * Each member snapshots what it applied every this many entries, and its node compacts the log
   * (etcd's --snapshot-count). The snapshot's data is the applied entries themselves, so a member
   * that installs one is checked against the others as if it had applied them.
   */
  snapshotEvery?: number;
}

/** One member: its disk, its running node (none while crashed) and what it applied. */
interface Member {
  id: NodeId;
  storage: MemoryStorage;
  node?: RaftNode;
  /** The commands applied, by index (undefined for a no-op entry). */
  applied: Map<number, Entry>;
  lastApplied: number;
  /** The index of the member's last snapshot. */
  lastSnapshot: number;
  connected: boolean;
  /** Members talk only within the same group; heal() puts everyone in group 0. */
  group: number;
}

interface InFlight {
  due: number;
  message: Message;
}

/** Ticks the checks wait: an election takes a few election timeouts (10 ticks each by default). */
const electionRounds = 10;
const ticksPerRound = 50;

export class SimulatedCluster {
  readonly seed: number;
  /** Logical time, in ticks. */
  time = 0;
  /** Messages handed to the network, counted as 6.5840 counts RPCs. */
  messagesSent = 0;
  private readonly random: () => number;
  private readonly members: Member[];
  private inFlight: InFlight[] = [];
  private readonly sentCounts = new Map<string, number>();
  private dropping?: (message: Message) => boolean;
  private faults: NetworkFaults;
  private readonly events: string[] = [];
  private readonly options: ClusterOptions;

  constructor(options: ClusterOptions) {
    this.options = options;
    this.seed = options.seed;
    this.random = seededRandom(options.seed);
    this.faults = options.faults ?? reliableNetwork;
    this.members = Array.from({ length: options.size }, (_, i) => ({
      id: i + 1,
      storage: new MemoryStorage(),
      applied: new Map(),
      lastApplied: 0,
      lastSnapshot: 0,
      connected: true,
      group: 0,
    }));
    for (const member of this.members) this.start(member);
  }

  get ids(): NodeId[] {
    return this.members.map((member) => member.id);
  }

  private member(id: NodeId): Member {
    const member = this.members[id - 1];
    if (!member) throw new Error(`no member ${id} in a cluster of ${this.members.length}`);
    return member;
  }

  /** The running node of `id`, or undefined while it is crashed. */
  node(id: NodeId): RaftNode | undefined {
    return this.member(id).node;
  }

  private start(member: Member): void {
    member.applied = new Map();
    member.lastApplied = 0;
    member.lastSnapshot = 0;
    const snapshot = member.storage.snapshot();
    if (snapshot) this.restore(member, snapshot);
    member.node = this.options.createNode({
      id: member.id,
      peers: this.ids,
      storage: member.storage,
      electionTick: this.options.electionTick ?? 10,
      heartbeatTick: 1,
      random: seededRandom(Math.floor(this.random() * 2 ** 32)),
      preVote: this.options.preVote ?? true,
      checkQuorum: this.options.checkQuorum ?? true,
      ...(this.options.maxEntriesPerAppend
        ? { maxEntriesPerAppend: this.options.maxEntriesPerAppend }
        : {}),
    });
  }

  // Faults

  setFaults(faults: NetworkFaults): void {
    this.faults = faults;
    this.record(`network ${JSON.stringify(faults)}`);
  }

  /** Stops `id`: what it did not persist is gone; its storage stays for a restart. */
  crash(id: NodeId): void {
    this.member(id).node = undefined;
    this.record(`crash ${id}`);
  }

  /** Starts `id` again from its storage: from its snapshot, then it applies the log after it again. */
  restart(id: NodeId): void {
    this.start(this.member(id));
    this.record(`restart ${id}`);
  }

  /** Cuts `id` off from everyone (both directions), as 6.5840's disconnect does. */
  disconnect(id: NodeId): void {
    this.member(id).connected = false;
    this.record(`disconnect ${id}`);
  }

  connect(id: NodeId): void {
    this.member(id).connected = true;
    this.record(`connect ${id}`);
  }

  /** Splits the cluster: members talk only to those in their own group. */
  partition(...groups: NodeId[][]): void {
    groups.forEach((group, number) => {
      for (const id of group) this.member(id).group = number + 1;
    });
    this.record(`partition ${groups.map((group) => `{${group.join(',')}}`).join(' ')}`);
  }

  /**
   * Drops every message `drop` answers true for, until called again (without a predicate: none).
   * For scenarios that need one message lost and not another, as the Figure 8 of the Raft paper.
   */
  dropWhere(drop?: (message: Message) => boolean): void {
    this.dropping = drop;
    this.record(drop ? 'dropping some messages' : 'dropping no more messages');
  }

  heal(): void {
    for (const member of this.members) member.group = 0;
    this.record('heal');
  }

  private linked(from: NodeId, to: NodeId): boolean {
    const a = this.member(from);
    const b = this.member(to);
    return a.connected && b.connected && a.group === b.group;
  }

  // Running

  /** Moves time forward: each tick, every running node ticks, then every message due is delivered. */
  run(ticks: number): void {
    for (let i = 0; i < ticks; i++) {
      this.time++;
      for (const member of this.members) {
        if (!member.node) continue;
        member.node.tick();
        this.handleReady(member);
      }
      this.deliverDue();
    }
  }

  /** On `id`'s node: proposes a command, and hands its Ready over at once. */
  propose(id: NodeId, command: string): { index: number; term: number } | undefined {
    const member = this.member(id);
    const placed = member.node?.propose(command);
    if (member.node) this.handleReady(member);
    if (placed) this.record(`propose ${id} ${JSON.stringify(command)} at ${placed.index}`);
    return placed;
  }

  /** Asks `id`'s node to hand leadership to `to` (etcd's MoveLeader), and hands its Ready over. */
  transferLeadership(id: NodeId, to: NodeId): void {
    const member = this.member(id);
    if (!member.node) return;
    member.node.transferLeadership(to);
    this.handleReady(member);
    this.record(`transfer leadership ${id} -> ${to}`);
  }

  /**
   * What a program around a node does with its Ready: persist (a snapshot first), then send, then
   * load the snapshot and apply; every snapshotEvery entries, a snapshot of its own.
   */
  private handleReady(member: Member): void {
    const ready = member.node!.ready();
    if (ready.snapshot) member.storage.saveSnapshot(ready.snapshot);
    member.storage.save(ready.hardState, ready.entries);
    for (const message of ready.messages) this.send(message);
    if (ready.snapshot) this.restore(member, ready.snapshot);
    for (const entry of ready.committedEntries) this.apply(member, entry);
    const every = this.options.snapshotEvery;
    if (every && member.lastApplied - member.lastSnapshot >= every) {
      const entries = [...member.applied.values()].filter((e) => e.index <= member.lastApplied);
      const snapshot = member.node!.compact(member.lastApplied, JSON.stringify(entries));
      member.storage.saveSnapshot(snapshot);
      member.lastSnapshot = snapshot.index;
      this.record(`snapshot ${member.id} at ${snapshot.index}`);
    }
  }

  /**
   * Loads a snapshot as the member's state machine: the entries it holds count as applied, each
   * checked against what the others applied at its index.
   */
  private restore(member: Member, snapshot: Snapshot): void {
    const entries = JSON.parse(snapshot.data) as Entry[];
    member.applied = new Map();
    member.lastApplied = 0;
    for (const entry of entries) this.apply(member, entry, false);
    if (member.lastApplied !== snapshot.index) {
      this.fail(
        `member ${member.id}'s snapshot at ${snapshot.index} ends at ${member.lastApplied}`,
      );
    }
    member.lastSnapshot = snapshot.index;
  }

  /** How many messages of `type` were sent, only the refusals when `rejected` is given. */
  sent(type: Message['type'], rejected?: boolean): number {
    return this.sentCounts.get(`${type}${rejected ? ' rejected' : ''}`) ?? 0;
  }

  private send(message: Message): void {
    this.messagesSent++;
    for (const key of [message.type, ...(message.reject ? [`${message.type} rejected`] : [])]) {
      this.sentCounts.set(key, (this.sentCounts.get(key) ?? 0) + 1);
    }
    if (!this.linked(message.from, message.to) || this.dropping?.(message)) return;
    if (this.random() < this.faults.drop) return;
    const copies = this.random() < this.faults.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const delay = Math.floor(this.random() * (this.faults.maxDelay + 1));
      this.inFlight.push({ due: this.time + delay, message });
    }
  }

  /** Delivers the due messages, those they cause included, in a random order when delays are on. */
  private deliverDue(): void {
    for (let delivered = 0; delivered < 100_000; delivered++) {
      const due = this.inFlight.filter((flight) => flight.due <= this.time);
      if (due.length === 0) return;
      const pick = this.faults.maxDelay > 0 ? Math.floor(this.random() * due.length) : 0;
      const flight = due[pick]!;
      this.inFlight.splice(this.inFlight.indexOf(flight), 1);
      const { message } = flight;
      const target = this.member(message.to);
      if (!target.node || !this.linked(message.from, message.to)) continue;
      this.record(describeMessage(message));
      target.node.step(message);
      this.handleReady(target);
    }
    this.fail('messages kept causing messages within one tick');
  }

  /** Applies a committed entry, checked against what every other member applied at its index. */
  private apply(member: Member, entry: Entry, notify = true): void {
    if (entry.index !== member.lastApplied + 1) {
      this.fail(`member ${member.id} applied index ${entry.index} after ${member.lastApplied}`);
    }
    for (const other of this.members) {
      const theirs = other.applied.get(entry.index);
      if (theirs && (theirs.term !== entry.term || theirs.command !== entry.command)) {
        this.fail(
          `at index ${entry.index} member ${member.id} applied ${describeEntry(entry)}, ` +
            `member ${other.id} ${describeEntry(theirs)}`,
        );
      }
    }
    member.applied.set(entry.index, entry);
    member.lastApplied = entry.index;
    if (notify) this.options.onApply?.(member.id, entry);
  }

  // Checks, after 6.5840's config.go

  /** Whether `id` is connected to the network (running or not). */
  isConnected(id: NodeId): boolean {
    return this.member(id).connected;
  }

  /** The members running and connected (not counting partitions). */
  private reachable(): Member[] {
    return this.members.filter((member) => member.node && member.connected);
  }

  /**
   * Waits for one leader among the connected members and answers it; two leaders of the same term
   * fail at once, and so does no leader after ten rounds.
   */
  checkOneLeader(): NodeId {
    for (let round = 0; round < electionRounds; round++) {
      this.run(ticksPerRound);
      const byTerm = new Map<number, NodeId[]>();
      for (const member of this.reachable()) {
        if (member.node!.role !== 'leader') continue;
        byTerm.set(member.node!.term, [...(byTerm.get(member.node!.term) ?? []), member.id]);
      }
      for (const [term, leaders] of byTerm) {
        if (leaders.length > 1)
          this.fail(`term ${term} has ${leaders.length} leaders: ${leaders.join(', ')}`);
      }
      const newest = Math.max(...byTerm.keys());
      if (byTerm.size > 0) return byTerm.get(newest)![0]!;
    }
    return this.fail('expected one leader, got none');
  }

  /** Every connected member agrees on the term; answers it. */
  checkTerms(): number {
    const terms = new Set(this.reachable().map((member) => member.node!.term));
    if (terms.size !== 1) this.fail(`members disagree on the term: ${[...terms].join(', ')}`);
    return [...terms][0]!;
  }

  /** No connected member thinks it leads. */
  checkNoLeader(): void {
    const leaders = this.reachable().filter((member) => member.node!.role === 'leader');
    if (leaders.length > 0)
      this.fail(`expected no leader among the connected, but ${leaders[0]!.id} leads`);
  }

  /** How many members applied `index`, and the command there (all that applied it agree). */
  nCommitted(index: number): { count: number; command: string | undefined } {
    let count = 0;
    let command: string | undefined;
    for (const member of this.members) {
      const entry = member.applied.get(index);
      if (!entry) continue;
      count++;
      command = entry.command;
    }
    return { count, command };
  }

  /** Runs until at least `count` members applied `index`, or fails after `ticks`. */
  waitCommitted(
    index: number,
    count: number,
    ticks = ticksPerRound * electionRounds,
  ): string | undefined {
    for (let waited = 0; waited < ticks; waited++) {
      const committed = this.nCommitted(index);
      if (committed.count >= count) return committed.command;
      this.run(1);
    }
    return this.fail(
      `index ${index} applied by ${this.nCommitted(index).count} members, expected ${count}`,
    );
  }

  /**
   * 6.5840's one(): offers `command` to whichever member leads, until `expected` members applied it
   * at the index the leader gave; with `retry`, starts again when a leader lost it. Answers the index.
   */
  one(command: string, expected: number, retry = true): number {
    for (let attempt = 0; attempt < electionRounds; attempt++) {
      const placed = this.proposeToLeader(command);
      if (!placed) {
        this.run(ticksPerRound);
        continue;
      }
      for (let waited = 0; waited < ticksPerRound; waited++) {
        const committed = this.nCommitted(placed.index);
        if (committed.count >= expected && committed.command === command) return placed.index;
        this.run(1);
      }
      if (!retry) break;
    }
    return this.fail(
      `one(${JSON.stringify(command)}) failed to reach agreement on ${expected} members`,
    );
  }

  /** Offers `command` to the first connected member that takes it as leader. */
  proposeToLeader(command: string): { index: number; term: number } | undefined {
    for (const member of this.reachable()) {
      const placed = this.propose(member.id, command);
      if (placed) return placed;
    }
    return undefined;
  }

  // Reporting

  private record(event: string): void {
    this.events.push(`t=${this.time} ${event}`);
    if (this.events.length > 30) this.events.shift();
  }

  /** The seed, how to replay it, and the last events: for every failure message. */
  describe(): string {
    return (
      `seed ${this.seed} (replay: KATA_RAFT_SEED=${this.seed}); the last events:\n  ` +
      this.events.join('\n  ')
    );
  }

  fail(problem: string): never {
    throw new Error(`${problem}\n${this.describe()}`);
  }
}

function describeEntry(entry: Entry): string {
  return `${entry.command === undefined ? 'a no-op' : JSON.stringify(entry.command)} of term ${entry.term}`;
}

function describeMessage(m: Message): string {
  const fields = [
    `${m.from}→${m.to} ${m.type} term ${m.term} index ${m.index} logTerm ${m.logTerm}`,
  ];
  if (m.entries?.length) fields.push(`${m.entries.length} entries`);
  if (m.commit !== undefined) fields.push(`commit ${m.commit}`);
  if (m.reject) fields.push(`reject (hint ${m.rejectHint ?? '-'})`);
  return fields.join(', ');
}
