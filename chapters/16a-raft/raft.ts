// One Raft node as a pure state machine, in the style of etcd's raft package: tick() moves logical
// time, step(message) takes in what another node sent, propose(command) offers the leader a new
// entry, and ready() hands over what the node needs done (persist, send, apply). Nothing here
// touches a disk, a socket or a clock, so a test can drive a whole cluster message by message.
//
// Words: a *quorum* is a majority of the members; a *campaign* asks every member for its vote; a
// *pre-vote* asks "would you vote for me?" first, without anyone changing term; *progress* is what
// the leader knows of each follower's log (match: the last index known equal; next: the next to send);
// a *leader transfer* hands leadership to a chosen member (etcd's MoveLeader) without waiting for a
// timeout: the leader brings that member's log up to date, then tells it to campaign now (TimeoutNow);
// a *read index* is the commit index a linearizable read waits for, once a quorum confirmed the leader;
// a *snapshot* is the state machine's state at an applied index, which lets the log drop (compact) the
// entries up to it; a follower that needs such an entry is sent the snapshot instead (InstallSnapshot).
import { NotImplemented } from '../../harness/not-implemented.ts';
import {
  None,
  type Entry,
  type HardState,
  type Message,
  type NodeId,
  type RaftNode,
  type RaftOptions,
  type ReadState,
  type Ready,
  type Role,
  type Snapshot,
} from '../../harness/contracts/raft.ts';
import { RaftLog } from './log.ts';

/** The most entries one Append carries, unless the options say otherwise. */
export const maxEntriesPerAppend = 64;

interface Progress {
  match: number;
  next: number;
  /** Heard from since the leader last checked its quorum. */
  recentActive: boolean;
}

export class Raft implements RaftNode {
  readonly id: NodeId;
  role: Role = 'follower';
  term: number;
  vote: NodeId;
  lead: NodeId = None;
  readonly log: RaftLog;
  private readonly peers: NodeId[];
  private readonly electionTick: number;
  private readonly heartbeatTick: number;
  private readonly random: () => number;
  private readonly preVote: boolean;
  private readonly checkQuorum: boolean;
  private readonly maxEntriesPerAppend: number;
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;
  /** The answers to this node's campaign: true granted, false refused. */
  private votes = new Map<NodeId, boolean>();
  private progress = new Map<NodeId, Progress>();
  private messages: Message[] = [];
  private persistedState: HardState;
  /** On the leader: the member it is handing leadership to, or None. */
  leadTransferee: NodeId = None;
  /** On the leader: reads waiting for a quorum's answers, oldest first, with who answered. */
  private pendingReads: Array<{ context: string; index: number; acks: Set<NodeId> }> = [];
  private readStates: ReadState[] = [];
  /** The latest snapshot: what a follower behind the compacted log is sent. */
  private snapshot: Snapshot | undefined;
  /** A leader's snapshot this node installed, for the next Ready to hand over. */
  private installedSnapshot: Snapshot | undefined;

  /** A node starts as a follower, with the term, vote and log its storage holds. */
  constructor(options: RaftOptions) {
    this.id = options.id;
    this.peers = [...options.peers];
    this.electionTick = options.electionTick ?? 10;
    this.heartbeatTick = options.heartbeatTick ?? 1;
    this.random = options.random ?? Math.random;
    this.preVote = options.preVote ?? true;
    this.checkQuorum = options.checkQuorum ?? true;
    this.maxEntriesPerAppend = options.maxEntriesPerAppend ?? maxEntriesPerAppend;
    const hardState = options.storage.hardState();
    this.term = hardState.term;
    this.vote = hardState.vote;
    this.snapshot = options.storage.snapshot?.();
    this.log = new RaftLog(options.storage.entries(), hardState.commit, this.snapshot);
    this.persistedState = hardState;
    this.resetElectionTimer();
  }

  /** A majority of the members: 2 of 3, 3 of 5. */
  get quorum(): number {
    return Math.floor(this.peers.length / 2) + 1;
  }

  /** What must be on stable storage before this node answers anyone. */
  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  /** A fresh wait for the leader: electionTick plus a random part, so that nodes rarely time out together. */
  private resetElectionTimer(): void {
    throw new NotImplemented('Raft.resetElectionTimer', '§ Elections');
  }

  /** Follows `lead` (or nobody yet) in `term`; a new term forgets the vote of the old one. */
  becomeFollower(term: number, lead: NodeId): void {
    throw new NotImplemented('Raft.becomeFollower', '§ Elections');
  }

  /**
   * One unit of logical time. A leader counts toward its next heartbeat (and its quorum check);
   * anyone else toward its election timeout, and campaigns when it runs out.
   */
  tick(): void {
    throw new NotImplemented('Raft.tick', '§ Elections');
  }

  /**
   * Asks every member for its vote: in a pre-vote first when enabled (the term stays, the vote is
   * only a promise), otherwise as a candidate of the next term who votes for itself. A campaign the
   * leader asked for (`transfer`) marks its votes so, and members in that leader's lease answer them.
   */
  campaign(preVote = this.preVote, transfer = false): void {
    throw new NotImplemented('Raft.campaign', '§ Elections');
  }

  private others(): NodeId[] {
    return this.peers.filter((peer) => peer !== this.id);
  }

  /** Counts the granted votes: a quorum moves a pre-candidate to a real campaign and a candidate to leader. */
  private wonElection(): boolean {
    throw new NotImplemented('Raft.wonElection', '§ Elections');
  }

  /**
   * Answers a PreVote or a Vote. A vote goes to a candidate whose log is at least as up to date,
   * if this node has not voted for another in the term and follows no leader; a pre-vote for a
   * later term is granted on the log alone, and changes nothing here.
   */
  private handleVoteRequest(m: Message): void {
    throw new NotImplemented('Raft.handleVoteRequest', '§ Elections');
  }

  /** A campaign's answer: a quorum granted wins it, a quorum refused loses it. */
  private handleVoteResponse(m: Message): void {
    throw new NotImplemented('Raft.handleVoteResponse', '§ Elections');
  }

  /**
   * Every message goes through here. A message of a later term moves this node to that term
   * first (except pre-votes, which change nobody's term, and a granted pre-vote answer, which
   * carries the term this node will campaign in); one of an earlier term is stale: an Append from
   * an old leader gets an answer in the current term so it steps down, the rest are dropped.
   * A campaign that arrives while this node is in its leader's lease is dropped too, unless that
   * leader asked for it (a transfer).
   */
  step(m: Message): void {
    throw new NotImplemented('Raft.step', '§ Elections');
  }

  /**
   * With check-quorum, a node that heard from its leader within an election timeout ignores
   * campaigns of later terms: a member cut off and back again cannot depose a working leader.
   */
  private inLease(): boolean {
    throw new NotImplemented('Raft.inLease', '§ Elections');
  }

  private send(message: Omit<Message, 'from'>): void {
    this.messages.push({ ...message, from: this.id });
  }

  /**
   * Leads the current term: every follower's next entry is taken to be the one after the last,
   * and a no-op entry of this term is appended, so that earlier entries can commit with it.
   */
  becomeLeader(): void {
    throw new NotImplemented('Raft.becomeLeader', '§ Replication');
  }

  /** On the leader: a new entry of this term at the end of its log, and its own progress with it. */
  private appendEntry(command: string | undefined): Entry {
    throw new NotImplemented('Raft.appendEntry', '§ Replication');
  }

  /**
   * On the leader: appends `command` and sends it; answers its index and term. Elsewhere undefined,
   * and on a leader handing over too: the entry could keep the transferee behind for ever.
   */
  propose(command: string): { index: number; term: number } | undefined {
    throw new NotImplemented('Raft.propose', '§ Replication');
  }

  /**
   * Sends `to` the entries from its next index on (none for a follower that is up to date: a
   * heartbeat), after the entry both logs should share. Optimistically, next moves past them. A
   * read's `context` rides along, for the follower to echo.
   */
  sendAppend(to: NodeId, context?: string): void {
    throw new NotImplemented('Raft.sendAppend', '§ Replication');
  }

  private broadcastAppend(): void {
    throw new NotImplemented('Raft.broadcastAppend', '§ Replication');
  }

  /**
   * A follower's side of an append. Entries at or below its commit index are known equal, so such
   * an append is answered with the commit index. Otherwise the consistency check decides; a refusal
   * carries the hint for fast backtracking: where this log may agree, and the term there. Every
   * answer echoes a read's context.
   */
  private handleAppend(m: Message): void {
    throw new NotImplemented('Raft.handleAppend', '§ Replication');
  }

  /**
   * The leader's side: an acceptance moves the follower's match (and may commit); a refusal for an
   * index it has not matched moves next back to where the hint says the logs may agree, and sends
   * again from there. The member a transfer waits for is told TimeoutNow once it matches the log.
   * Any answer of this term, a refusal too, counts for the read it echoes.
   */
  private handleAppendResponse(m: Message): void {
    throw new NotImplemented('Raft.handleAppendResponse', '§ Replication');
  }

  /**
   * The commit rule: the highest index a quorum has matched, but only if its entry is of the
   * current term. An older term's entry commits only under one of this term (Figure 8 of the paper).
   */
  maybeCommit(): boolean {
    throw new NotImplemented('Raft.maybeCommit', '§ Replication');
  }

  /**
   * The leader's clock: a heartbeat every heartbeatTick, and every election timeout, a look back: a
   * transfer not done by then is given up, and with check-quorum, without a quorum it steps down.
   */
  private tickLeader(): void {
    throw new NotImplemented('Raft.tickLeader', '§ Replication');
  }

  /** Whether a quorum (itself included) answered since the last look; clears the marks for the next. */
  private quorumActive(): boolean {
    throw new NotImplemented('Raft.quorumActive', '§ Replication');
  }

  /**
   * On the leader: starts handing over to `to`, for at most an election timeout (the clock starts
   * again). A member already up to date is told TimeoutNow at once; one behind is sent the rest of
   * the log first. A second request for the same member changes nothing; for another, it replaces it.
   */
  transferLeadership(to: NodeId): void {
    throw new NotImplemented('Raft.transferLeadership', '§ Leader transfer');
  }

  private sendTimeoutNow(to: NodeId): void {
    this.send({ type: 'TimeoutNow', to, term: this.term, index: 0, logTerm: 0 });
  }

  /**
   * A follower told by its leader to campaign does so at once: no pre-vote (the leader asked, the
   * cluster is not disturbed), and its votes say it is a transfer.
   */
  private handleTimeoutNow(): void {
    throw new NotImplemented('Raft.handleTimeoutNow', '§ Leader transfer');
  }

  /**
   * On a leader that has committed an entry of its term (before that, its commit index may lag the
   * last leader's): the read waits at the current commit index, and every follower gets an Append
   * tagged with it. Elsewhere false.
   */
  readIndex(context: string): boolean {
    throw new NotImplemented('Raft.readIndex', '§ Linearizable reads');
  }

  /**
   * Counts `from` for the read tagged `context`. With a quorum, that read and every older one are
   * confirmed: this node led when each of them arrived.
   */
  private confirmRead(context: string, from: NodeId): void {
    throw new NotImplemented('Raft.confirmRead', '§ Linearizable reads');
  }

  // Snapshots: compaction, and InstallSnapshot for a follower behind it.

  /**
   * The program applied every entry up to `index` and hands over its state there: that becomes this
   * node's snapshot (with the entry's term and the members), and the log drops what it covers.
   */
  compact(index: number, data: string): Snapshot {
    throw new NotImplemented('Raft.compact', '§ Snapshots');
  }

  /**
   * On the leader: `to` needs entries the log no longer holds, so it is sent the snapshot, and
   * next moves past it (a lost snapshot comes back as a refusal, and is sent again). A read's
   * `context` rides along, as on an Append.
   */
  private sendSnapshot(to: NodeId, context?: string): void {
    throw new NotImplemented('Raft.sendSnapshot', '§ Snapshots');
  }

  /**
   * A follower's side of InstallSnapshot. A snapshot at or below the commit index brings nothing;
   * one whose last entry this log holds only commits up to it; any other replaces the whole log,
   * and the next Ready hands it over to persist and load. The answer is an AppendResponse, which
   * echoes a read's context.
   */
  private handleSnapshot(m: Message): void {
    throw new NotImplemented('Raft.handleSnapshot', '§ Snapshots');
  }

  /**
   * Hands over the work: a snapshot installed (when there is one), the hard state if it changed, the
   * entries not yet persisted, the entries newly committed, the messages and the reads confirmed
   * (when there are some), each given once.
   */
  ready(): Ready {
    throw new NotImplemented('Raft.ready', '§ Elections');
  }
}

/** The contract's constructor: what the simulated network and chapter 16b build nodes with. */
export function createRaftNode(options: RaftOptions): Raft {
  return new Raft(options);
}
