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

  // Elections: timeouts, campaigns, votes, and every message through step().

  /** A fresh wait for the leader: electionTick plus a random part, so that nodes rarely time out together. */
  private resetElectionTimer(): void {
    this.electionElapsed = 0;
    this.randomizedElectionTimeout =
      this.electionTick + Math.floor(this.random() * this.electionTick);
  }

  /** Follows `lead` (or nobody yet) in `term`; a new term forgets the vote of the old one. */
  becomeFollower(term: number, lead: NodeId): void {
    if (term !== this.term) {
      this.term = term;
      this.vote = None;
    }
    this.role = 'follower';
    this.lead = lead;
    this.leadTransferee = None;
    this.pendingReads = [];
    this.resetElectionTimer();
  }

  /**
   * One unit of logical time. A leader counts toward its next heartbeat (and its quorum check);
   * anyone else toward its election timeout, and campaigns when it runs out.
   */
  tick(): void {
    if (this.role === 'leader') return this.tickLeader();
    this.electionElapsed++;
    if (this.electionElapsed >= this.randomizedElectionTimeout) this.campaign();
  }

  /**
   * Asks every member for its vote: in a pre-vote first when enabled (the term stays, the vote is
   * only a promise), otherwise as a candidate of the next term who votes for itself. A campaign the
   * leader asked for (`transfer`) marks its votes so, and members in that leader's lease answer them.
   */
  campaign(preVote = this.preVote, transfer = false): void {
    this.resetElectionTimer();
    this.lead = None;
    if (preVote) {
      this.role = 'pre-candidate';
    } else {
      this.role = 'candidate';
      this.term++;
      this.vote = this.id;
    }
    this.votes = new Map([[this.id, true]]);
    if (this.wonElection()) return;
    const type = preVote ? 'PreVote' : 'Vote';
    const term = preVote ? this.term + 1 : this.term;
    for (const peer of this.others()) {
      this.send({
        type,
        to: peer,
        term,
        index: this.log.lastIndex(),
        logTerm: this.log.lastTerm(),
        ...(transfer ? { transfer } : {}),
      });
    }
  }

  private others(): NodeId[] {
    return this.peers.filter((peer) => peer !== this.id);
  }

  /** Counts the granted votes: a quorum moves a pre-candidate to a real campaign and a candidate to leader. */
  private wonElection(): boolean {
    const granted = [...this.votes.values()].filter(Boolean).length;
    if (granted < this.quorum) return false;
    if (this.role === 'pre-candidate') this.campaign(false);
    else this.becomeLeader();
    return true;
  }

  /**
   * Answers a PreVote or a Vote. A vote goes to a candidate whose log is at least as up to date,
   * if this node has not voted for another in the term and follows no leader; a pre-vote for a
   * later term is granted on the log alone, and changes nothing here.
   */
  private handleVoteRequest(m: Message): void {
    const responseType = m.type === 'PreVote' ? 'PreVoteResponse' : 'VoteResponse';
    const canVote =
      this.vote === m.from ||
      (this.vote === None && this.lead === None) ||
      (m.type === 'PreVote' && m.term > this.term);
    if (canVote && this.log.isUpToDate(m.index, m.logTerm)) {
      this.send({ type: responseType, to: m.from, term: m.term, index: 0, logTerm: 0 });
      if (m.type === 'Vote') {
        this.vote = m.from;
        this.electionElapsed = 0;
      }
    } else {
      this.send({
        type: responseType,
        to: m.from,
        term: this.term,
        index: 0,
        logTerm: 0,
        reject: true,
      });
    }
  }

  /** A campaign's answer: a quorum granted wins it, a quorum refused loses it. */
  private handleVoteResponse(m: Message): void {
    const expected = this.role === 'pre-candidate' ? 'PreVoteResponse' : 'VoteResponse';
    if (m.type !== expected) return;
    this.votes.set(m.from, !m.reject);
    if (this.wonElection()) return;
    const refused = [...this.votes.values()].filter((granted) => !granted).length;
    if (refused >= this.quorum) this.becomeFollower(this.term, None);
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
    const campaign = m.type === 'PreVote' || m.type === 'Vote';
    if (m.term > this.term && campaign && !m.transfer && this.inLease()) return;
    const fromLeader = m.type === 'Append' || m.type === 'Snapshot';
    if (m.term > this.term) {
      const promise = m.type === 'PreVote' || (m.type === 'PreVoteResponse' && !m.reject);
      if (!promise) this.becomeFollower(m.term, fromLeader ? m.from : None);
    } else if (m.term < this.term) {
      if (fromLeader || m.type === 'PreVote') {
        const type = fromLeader ? 'AppendResponse' : 'PreVoteResponse';
        this.send({ type, to: m.from, term: this.term, index: 0, logTerm: 0, reject: true });
      }
      return;
    }
    if (m.type === 'PreVote' || m.type === 'Vote') return this.handleVoteRequest(m);
    if (m.type === 'PreVoteResponse' || m.type === 'VoteResponse') {
      if (this.role === 'pre-candidate' || this.role === 'candidate') this.handleVoteResponse(m);
      return;
    }
    if (fromLeader) {
      if (this.role !== 'follower') this.becomeFollower(m.term, m.from);
      this.lead = m.from;
      this.electionElapsed = 0;
      return m.type === 'Append' ? this.handleAppend(m) : this.handleSnapshot(m);
    }
    if (m.type === 'TimeoutNow') return this.handleTimeoutNow();
    if (this.role === 'leader') this.handleAppendResponse(m);
  }

  /**
   * With check-quorum, a node that heard from its leader within an election timeout ignores
   * campaigns of later terms: a member cut off and back again cannot depose a working leader.
   */
  private inLease(): boolean {
    return this.checkQuorum && this.lead !== None && this.electionElapsed < this.electionTick;
  }

  private send(message: Omit<Message, 'from'>): void {
    this.messages.push({ ...message, from: this.id });
  }

  // Replication: the leader sends its log, followers check and append it, a quorum commits it.

  /**
   * Leads the current term: every follower's next entry is taken to be the one after the last,
   * and a no-op entry of this term is appended, so that earlier entries can commit with it.
   */
  becomeLeader(): void {
    this.role = 'leader';
    this.lead = this.id;
    this.heartbeatElapsed = 0;
    this.electionElapsed = 0;
    const next = this.log.lastIndex() + 1;
    this.progress = new Map(
      this.peers.map((peer) => [peer, { match: 0, next, recentActive: true }]),
    );
    this.appendEntry(undefined);
    this.broadcastAppend();
  }

  /** On the leader: a new entry of this term at the end of its log, and its own progress with it. */
  private appendEntry(command: string | undefined): Entry {
    const entry: Entry = { term: this.term, index: this.log.lastIndex() + 1 };
    if (command !== undefined) entry.command = command;
    this.log.append([entry]);
    const own = this.progress.get(this.id)!;
    own.match = entry.index;
    own.next = entry.index + 1;
    this.maybeCommit();
    return entry;
  }

  /**
   * On the leader: appends `command` and sends it; answers its index and term. Elsewhere undefined,
   * and on a leader handing over too: the entry could keep the transferee behind for ever.
   */
  propose(command: string): { index: number; term: number } | undefined {
    if (this.role !== 'leader' || this.leadTransferee !== None) return undefined;
    const entry = this.appendEntry(command);
    this.broadcastAppend();
    return { index: entry.index, term: entry.term };
  }

  /**
   * Sends `to` the entries from its next index on (none for a follower that is up to date: a
   * heartbeat), after the entry both logs should share. Optimistically, next moves past them. A
   * read's `context` rides along, for the follower to echo.
   */
  sendAppend(to: NodeId, context?: string): void {
    const progress = this.progress.get(to)!;
    const prevIndex = progress.next - 1;
    if (this.log.term(prevIndex) === undefined) return this.sendSnapshot(to, context);
    const entries = this.log.entriesFrom(progress.next, this.maxEntriesPerAppend);
    this.send({
      type: 'Append',
      to,
      term: this.term,
      index: prevIndex,
      logTerm: this.log.term(prevIndex)!,
      entries,
      commit: this.log.committed,
      ...(context ? { context } : {}),
    });
    progress.next += entries.length;
  }

  private broadcastAppend(): void {
    for (const peer of this.others()) this.sendAppend(peer);
  }

  /**
   * A follower's side of an append. Entries at or below its commit index are known equal, so such
   * an append is answered with the commit index. Otherwise the consistency check decides; a refusal
   * carries the hint for fast backtracking: where this log may agree, and the term there. Every
   * answer echoes a read's context.
   */
  private handleAppend(m: Message): void {
    const respond = (fields: Partial<Message>) =>
      this.send({
        type: 'AppendResponse',
        to: m.from,
        term: this.term,
        index: 0,
        logTerm: 0,
        ...(m.context ? { context: m.context } : {}),
        ...fields,
      });
    if (m.index < this.log.committed) return respond({ index: this.log.committed });
    const last = this.log.maybeAppend(m.index, m.logTerm, m.commit ?? 0, m.entries ?? []);
    if (last !== undefined) return respond({ index: last });
    const hint = this.log.findConflictByTerm(Math.min(m.index, this.log.lastIndex()), m.logTerm);
    respond({ index: m.index, reject: true, rejectHint: hint, logTerm: this.log.term(hint)! });
  }

  /**
   * The leader's side: an acceptance moves the follower's match (and may commit); a refusal for an
   * index it has not matched moves next back to where the hint says the logs may agree, and sends
   * again from there. The member a transfer waits for is told TimeoutNow once it matches the log.
   * Any answer of this term, a refusal too, counts for the read it echoes.
   */
  private handleAppendResponse(m: Message): void {
    const progress = this.progress.get(m.from);
    if (!progress) return;
    progress.recentActive = true;
    if (m.context) this.confirmRead(m.context, m.from);
    if (m.reject) {
      if (m.index <= progress.match || m.index >= progress.next) return;
      const agree = this.log.findConflictByTerm(m.rejectHint ?? 0, m.logTerm);
      progress.next = Math.max(progress.match + 1, Math.min(m.index, agree + 1));
      return this.sendAppend(m.from);
    }
    if (m.index > progress.match) {
      progress.match = m.index;
      progress.next = Math.max(progress.next, m.index + 1);
      if (this.maybeCommit()) this.broadcastAppend();
    }
    if (m.from === this.leadTransferee && progress.match === this.log.lastIndex()) {
      return this.sendTimeoutNow(m.from);
    }
    if (progress.next <= this.log.lastIndex()) this.sendAppend(m.from);
  }

  /**
   * The commit rule: the highest index a quorum has matched, but only if its entry is of the
   * current term. An older term's entry commits only under one of this term (Figure 8 of the paper).
   */
  maybeCommit(): boolean {
    const matches = [...this.progress.values()].map((progress) => progress.match);
    matches.sort((a, b) => b - a);
    const index = matches[this.quorum - 1]!;
    if (index <= this.log.committed || this.log.term(index) !== this.term) return false;
    this.log.commitTo(index);
    return true;
  }

  /**
   * The leader's clock: a heartbeat every heartbeatTick, and every election timeout, a look back: a
   * transfer not done by then is given up, and with check-quorum, without a quorum it steps down.
   */
  private tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTick) {
      this.electionElapsed = 0;
      this.leadTransferee = None;
      if (this.checkQuorum && !this.quorumActive()) return this.becomeFollower(this.term, None);
    }
    if (this.heartbeatElapsed >= this.heartbeatTick) {
      this.heartbeatElapsed = 0;
      this.broadcastAppend();
    }
  }

  /** Whether a quorum (itself included) answered since the last look; clears the marks for the next. */
  private quorumActive(): boolean {
    let active = 0;
    for (const [peer, progress] of this.progress) {
      if (peer === this.id || progress.recentActive) active++;
      progress.recentActive = false;
    }
    return active >= this.quorum;
  }

  // Leader transfer: the leader brings the transferee up to date, then tells it to campaign now.

  /**
   * On the leader: starts handing over to `to`, for at most an election timeout (the clock starts
   * again). A member already up to date is told TimeoutNow at once; one behind is sent the rest of
   * the log first. A second request for the same member changes nothing; for another, it replaces it.
   */
  transferLeadership(to: NodeId): void {
    const progress = this.progress.get(to);
    if (this.role !== 'leader' || to === this.id || !progress) return;
    if (this.leadTransferee === to) return;
    this.leadTransferee = to;
    this.electionElapsed = 0;
    if (progress.match === this.log.lastIndex()) this.sendTimeoutNow(to);
    else this.sendAppend(to);
  }

  private sendTimeoutNow(to: NodeId): void {
    this.send({ type: 'TimeoutNow', to, term: this.term, index: 0, logTerm: 0 });
  }

  /**
   * A follower told by its leader to campaign does so at once: no pre-vote (the leader asked, the
   * cluster is not disturbed), and its votes say it is a transfer.
   */
  private handleTimeoutNow(): void {
    if (this.role === 'follower') this.campaign(false, true);
  }

  // Linearizable reads: the commit index, once a quorum confirmed this node still leads.

  /**
   * On a leader that has committed an entry of its term (before that, its commit index may lag the
   * last leader's): the read waits at the current commit index, and every follower gets an Append
   * tagged with it. Elsewhere false.
   */
  readIndex(context: string): boolean {
    if (this.role !== 'leader' || this.log.term(this.log.committed) !== this.term) return false;
    this.pendingReads.push({ context, index: this.log.committed, acks: new Set([this.id]) });
    this.confirmRead(context, this.id);
    for (const peer of this.others()) this.sendAppend(peer, context);
    return true;
  }

  /**
   * Counts `from` for the read tagged `context`. With a quorum, that read and every older one are
   * confirmed: this node led when each of them arrived.
   */
  private confirmRead(context: string, from: NodeId): void {
    const at = this.pendingReads.findIndex((read) => read.context === context);
    if (at < 0) return;
    const read = this.pendingReads[at]!;
    read.acks.add(from);
    if (read.acks.size < this.quorum) return;
    for (const done of this.pendingReads.splice(0, at + 1)) {
      this.readStates.push({ index: done.index, context: done.context });
    }
  }

  // Snapshots: compaction, and InstallSnapshot for a follower behind it.

  /**
   * The program applied every entry up to `index` and hands over its state there: that becomes this
   * node's snapshot (with the entry's term and the members), and the log drops what it covers.
   */
  compact(index: number, data: string): Snapshot {
    const term = this.log.term(index);
    if (term === undefined || index > this.log.applied) {
      throw new Error(`cannot snapshot at ${index}: applied ${this.log.applied}`);
    }
    this.snapshot = { index, term, peers: [...this.peers], data };
    this.log.compact(index);
    return this.snapshot;
  }

  /**
   * On the leader: `to` needs entries the log no longer holds, so it is sent the snapshot, and
   * next moves past it (a lost snapshot comes back as a refusal, and is sent again). A read's
   * `context` rides along, as on an Append.
   */
  private sendSnapshot(to: NodeId, context?: string): void {
    const snapshot = this.snapshot!;
    this.send({
      type: 'Snapshot',
      to,
      term: this.term,
      index: 0,
      logTerm: 0,
      snapshot,
      ...(context ? { context } : {}),
    });
    this.progress.get(to)!.next = snapshot.index + 1;
  }

  /**
   * A follower's side of InstallSnapshot. A snapshot at or below the commit index brings nothing;
   * one whose last entry this log holds only commits up to it; any other replaces the whole log,
   * and the next Ready hands it over to persist and load. The answer is an AppendResponse, which
   * echoes a read's context.
   */
  private handleSnapshot(m: Message): void {
    const snapshot = m.snapshot!;
    const respond = (index: number) =>
      this.send({
        type: 'AppendResponse',
        to: m.from,
        term: this.term,
        index,
        logTerm: 0,
        ...(m.context ? { context: m.context } : {}),
      });
    if (snapshot.index <= this.log.committed) return respond(this.log.committed);
    if (this.log.matchTerm(snapshot.index, snapshot.term)) {
      this.log.commitTo(snapshot.index);
      return respond(snapshot.index);
    }
    this.log.restore(snapshot.index, snapshot.term);
    this.snapshot = snapshot;
    this.installedSnapshot = snapshot;
    respond(snapshot.index);
  }

  // Handing over the work: what to persist, send and apply.

  /**
   * Hands over the work: a snapshot installed (when there is one), the hard state if it changed, the
   * entries not yet persisted, the entries newly committed, the messages and the reads confirmed
   * (when there are some), each given once.
   */
  ready(): Ready {
    const hardState = this.hardState();
    const changed =
      hardState.term !== this.persistedState.term ||
      hardState.vote !== this.persistedState.vote ||
      hardState.commit !== this.persistedState.commit;
    this.persistedState = hardState;
    const messages = this.messages;
    this.messages = [];
    const readStates = this.readStates;
    this.readStates = [];
    const snapshot = this.installedSnapshot;
    this.installedSnapshot = undefined;
    return {
      ...(snapshot ? { snapshot } : {}),
      ...(changed ? { hardState } : {}),
      entries: this.log.takeUnstable(),
      committedEntries: this.log.takeCommitted(),
      messages,
      ...(readStates.length > 0 ? { readStates } : {}),
    };
  }
}

/** The contract's constructor: what the simulated network and chapter 16b build nodes with. */
export function createRaftNode(options: RaftOptions): Raft {
  return new Raft(options);
}
