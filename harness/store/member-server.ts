// The etcd-shaped member's ports, around chapter 16b's member: a client port (etcd's 2379) and a
// peer port (2380). The member's state machine is a plain store (chapters 01 and 02) on a loopback
// port only this process uses; this server decides what reaches it:
//   - writes (put, delete, txn, compaction, lease grant and revoke) go through the log: the leader
//     proposes them, a follower hands them to the leader over the peer port, and every member
//     replays them on its store in log order, so every store holds the same revisions;
//   - a range is linearizable: it waits until this member has applied the leader's read index
//     (etcd's serializable ranges are answered at once from the local store);
//   - watches are the local store's, relayed under the member's header (member-grpc-watch.ts);
//     /health and /version are the local store's own; lease keep-alives and time to live go to the
//     leader, whose lessor alone expires leases, by a revoke through the log (member-leases.ts);
//   - /v3/maintenance/status and /v3/cluster/member/list answer with etcd's fields; alarm,
//     defragment and hash(kv) are answered by the member for itself (member-maintenance.ts);
//   - /v3/maintenance/transfer-leadership (etcd's MoveLeader) hands leadership to another member;
//   - etcd's gRPC (member-grpc.ts): KV and Lease calls routed as their JSON routes are
//     (clientCall), watches on the local store, the cluster calls above and the rest of
//     Maintenance, so etcdctl's get, put, txn, lease, watch, endpoint status and hashkv, member
//     list, move-leader, alarm, defrag and snapshot save all work.
// A leader that is stopped gracefully (SIGTERM, SIGINT) hands leadership to a member that answers
// first, as etcd does, so the others need not wait an election timeout.
// Snapshots (etcd's --snapshot-count): the member snapshots its store every so many applied entries
// and the log on disk is compacted behind it; a member starts from its snapshot and the log after
// it, and one that was away long enough is sent the leader's snapshot. Loading a snapshot replaces
// the store behind the member (stateMachine.restore gives its new address): watches open on the old
// one end, and their clients watch again.
// The chapter writes the member, its storage and the routing (harness/contracts/raft-server.ts);
// the sockets, the peer transport and the answers' shapes are given here. For throughput (the
// raft-store benchmark against etcd): Raft messages travel on one long-lived stream per peer
// (PeerTransport); the local store and the leader are reached on kept-alive connections; applies
// and reads run on the store in process when chapter 02 allows it (in-process-gateway.ts); a
// follower's writes of one event-loop round go to the leader as one line on a long-lived stream
// (forward-stream.ts); the ranges of one round share a read index; Appends that continue one
// another travel as one message; an Append that only tells a commit index waits a moment, to go
// in the next write's Append; and a follower applies after its disk has started its sync. Every
// answer carries the cluster's header: cluster, member, raft term.
import {
  Agent,
  type ClientRequest,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import type { CreateRaftNode, Message, NodeId } from '../contracts/raft.ts';
import { loadReference } from '../components/implementation.ts';
import type {
  Applied,
  Command,
  RaftPeer,
  RecordLog,
  RecordLogContents,
  RaftServerChapter,
  ReplicatedMember,
} from '../contracts/raft-server.ts';
import { onLines } from '../lines.ts';
import { FORWARD_STREAM_PATH, ForwardStreams, serveForwardStream } from './forward-stream.ts';
import { memberIds } from './member.ts';
import { createMemberGrpcServer, sharedClientPort } from './member-grpc.ts';
import { LEASE_TTL_PATHS, MemberLeases, type LeaseHost } from './member-leases.ts';
import { MemberMaintenance, type MemberStore } from './member-maintenance.ts';
import { pipeWatch } from './member-grpc-watch.ts';

/** A JSON POST on a kept-alive connection of `agent`; resolves with the answer's status and body. */
function postJson(
  agent: Agent,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<Applied> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
        timeout: timeoutMs,
      },
      (reply) => {
        const chunks: Buffer[] = [];
        reply.on('data', (chunk: Buffer) => chunks.push(chunk));
        reply.on('end', () =>
          resolve({
            status: reply.statusCode ?? 502,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        reply.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * Joins the Appends of a batch that continue one another (each starts where the one before ended,
 * in the same term, and neither carries a read's context) into one, with the later commit index:
 * the follower does with it exactly what it would do with them one after another, and answers once.
 * A leader proposes, and sends, one entry at a time; this keeps a batch of dozens one message.
 */
export function coalesceAppends(batch: Message[]): Message[] {
  const joined: Message[] = [];
  for (const message of batch) {
    const last = joined.at(-1);
    const continues =
      last?.type === 'Append' &&
      message.type === 'Append' &&
      last.term === message.term &&
      !last.context &&
      !message.context &&
      message.index === last.index + (last.entries?.length ?? 0);
    if (!continues) {
      joined.push(message);
      continue;
    }
    const entries = [...(last.entries ?? []), ...(message.entries ?? [])];
    joined[joined.length - 1] = { ...last, entries, commit: message.commit ?? last.commit };
  }
  return joined;
}

/**
 * Sends messages to peers on one long-lived stream per peer, as etcd's rafthttp keeps a stream open
 * to each peer: a POST <peerURL>/raft/stream whose chunked body never ends, one line of JSON (an
 * array of messages) per batch. A message costs a write, not a request and an answer. One stream
 * per peer keeps a peer's messages in order; a slow peer (its stream not draining) holds up nobody
 * else, and its messages wait and go together. A stream that breaks (the peer stopped, the network
 * cut) is opened again by the next send; what was written on it is lost, and Raft sends again.
 * A network that drops packets without closing anything is noticed as etcd notices it: the peer
 * writes an empty line back every second, and a stream that brought nothing back for five is
 * given up and opened again.
 */
export class PeerTransport {
  private readonly queues = new Map<NodeId, Message[]>();
  private readonly streams = new Map<NodeId, ClientRequest>();
  /** When each open stream last brought something back (its answer's headers, a beat). */
  private readonly heard = new Map<ClientRequest, number>();
  private stopped = false;
  /** Set while Appends that carry nothing new wait to be sent (send). */
  private commitTimer: NodeJS.Timeout | undefined;
  private readonly self: NodeId;
  private readonly peers: RaftPeer[];

  private readonly silenceMs: number;

  constructor(self: NodeId, peers: RaftPeer[], { silenceMs = STREAM_SILENCE_MS } = {}) {
    this.self = self;
    this.peers = peers;
    this.silenceMs = silenceMs;
  }

  /**
   * Queues each message for its peer and writes what each peer's stream can take. Appends that
   * carry nothing new (a leader telling its commit index, a heartbeat) wait COMMIT_DELAY_MS: the
   * leader applies and answers the writes they commit first, and when the next write's Append
   * comes meanwhile, as it does under a steady stream of writes, the commit index travels in it:
   * one message, and one wake-up of the follower, where there were two.
   */
  send(messages: Message[]): void {
    for (const message of messages) {
      const queue = this.queues.get(message.to) ?? [];
      queue.push(message);
      this.queues.set(message.to, queue);
    }
    if (messages.some((message) => !carriesNothingNew(message))) {
      clearTimeout(this.commitTimer);
      this.commitTimer = undefined;
      for (const to of this.queues.keys()) this.flush(to);
      return;
    }
    this.commitTimer ??= setTimeout(() => {
      this.commitTimer = undefined;
      for (const to of this.queues.keys()) this.flush(to);
    }, COMMIT_DELAY_MS);
  }

  /** Writes what is queued for `to` as one line, unless its stream is still draining. */
  private flush(to: NodeId): void {
    const batch = this.queues.get(to) ?? [];
    if (this.stopped || batch.length === 0) return;
    const stream = this.stream(to);
    if (!stream) return;
    if (stream.writableNeedDrain) {
      // A peer that reads nothing for this long is as good as gone: start again on a new stream.
      if (batch.length > MAX_QUEUED_MESSAGES) this.close(to, stream);
      return;
    }
    this.queues.set(to, []);
    stream.write(`${JSON.stringify(coalesceAppends(batch))}\n`);
  }

  /** The open stream to `to`, or a new one. */
  private stream(to: NodeId): ClientRequest | undefined {
    const open = this.streams.get(to);
    if (open && Date.now() - this.heard.get(open)! <= this.silenceMs) return open;
    if (open) this.close(to, open);
    const peer = this.peers.find((candidate) => candidate.id === to);
    if (!peer) return undefined;
    const stream = httpRequest(`${peer.peerUrl}/raft/stream`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/x-ndjson', 'x-server-from': String(this.self) },
    });
    stream.on('socket', (socket) => socket.setKeepAlive(true, 1000));
    stream.on('response', (reply) => {
      reply.on('data', () => this.heard.set(stream, Date.now()));
      if (reply.statusCode !== 200) this.close(to, stream);
      reply.on('close', () => this.close(to, stream));
    });
    stream.on('drain', () => this.flush(to));
    stream.on('error', () => this.close(to, stream));
    stream.on('close', () => this.close(to, stream));
    stream.flushHeaders();
    this.streams.set(to, stream);
    this.heard.set(stream, Date.now());
    return stream;
  }

  /** Ends a stream that broke or stalled; the next send to that peer opens another. */
  private close(to: NodeId, stream: ClientRequest): void {
    if (this.streams.get(to) === stream) this.streams.delete(to);
    this.heard.delete(stream);
    stream.destroy();
  }

  stop(): void {
    this.stopped = true;
    for (const [to, stream] of this.streams) this.close(to, stream);
  }
}

/** How long an Append that carries nothing new waits for one that does, to travel in it. */
const COMMIT_DELAY_MS = 2;

/** An Append of no entries and no read's context: the leader's commit index, or a heartbeat. */
function carriesNothingNew(message: Message): boolean {
  return message.type === 'Append' && !message.entries?.length && !message.context;
}

/** Messages waiting for a stream that does not drain, beyond which the stream is given up. */
const MAX_QUEUED_MESSAGES = 4096;
/** How often a member writes an empty line back on a peer's stream, and how long without one a
 * stream is trusted (etcd's rafthttp: heartbeats on its streams, and a five-second read timeout). */
const STREAM_BEAT_MS = 1000;
const STREAM_SILENCE_MS = 5000;

/**
 * Reads a peer's stream (PeerTransport above): every complete line is a JSON array of messages.
 * The lines that arrive together reach `receive` as one batch, its Appends joined as the sender
 * joins them. A line that is not JSON ends the stream, which the sender then opens again. An empty
 * line goes back every STREAM_BEAT_MS, so the sender knows the stream still reaches this member.
 */
function readPeerStream(
  request: IncomingMessage,
  response: ServerResponse,
  receive: (messages: Message[]) => void,
): void {
  response.writeHead(200, { 'content-type': 'application/x-ndjson' });
  response.flushHeaders();
  const beat = setInterval(() => response.write('\n'), STREAM_BEAT_MS);
  response.on('close', () => clearInterval(beat));
  onLines(request, (lines) => {
    let messages: Message[];
    try {
      messages = lines
        .filter((line) => line !== '')
        .flatMap((line) => JSON.parse(line) as Message[]);
    } catch {
      request.destroy();
      response.destroy();
      return;
    }
    receive(coalesceAppends(messages));
  });
  request.on('end', () => response.end());
}

/** The client requests that change the store, and so go through the log. */
export const WRITE_PATHS = new Set([
  '/v3/kv/put',
  '/v3/kv/deleterange',
  '/v3/kv/txn',
  '/v3/kv/compaction',
  '/v3/lease/grant',
  '/v3/lease/revoke',
  '/v3/kv/lease/revoke',
]);

/** The reads a member answers only after catching up with the leader's read index. */
export const READ_PATHS = new Set([
  '/v3/kv/range',
  '/v3/lease/timetolive',
  '/v3/kv/lease/timetolive',
  '/v3/lease/leases',
  '/v3/kv/lease/leases',
]);

/** An answer that opens with its header, a flat object: the header's text is the group. */
const LEADING_HEADER = /^\{"header":(\{[^{}]*\})/;

/**
 * A store's answer under a member's header, as etcd answers on any member: the cluster's ID, the
 * member's ID (the one the client asked, also for a write the leader applied first), the revision
 * the store gave and the current raft term, not the store's own single-member values; `headerAt`
 * makes it for the store's revision. Chapter 02 writes the header first: only that small object is
 * read and written again, not the whole answer (a range's may be large); an answer in another
 * order is parsed whole. An error, or an answer with no header, stays as it is.
 */
export function withMemberHeader(
  applied: Applied,
  headerAt: (revision: string | undefined) => Record<string, string>,
): Applied {
  if (applied.status !== 200) return applied;
  const leading = LEADING_HEADER.exec(applied.body);
  if (leading) {
    const { revision } = JSON.parse(leading[1]!) as { revision?: string };
    const header = JSON.stringify(headerAt(revision));
    return { status: 200, body: `{"header":${header}${applied.body.slice(leading[0].length)}` };
  }
  let parsed: { header?: { revision?: string } } & Record<string, unknown>;
  try {
    parsed = JSON.parse(applied.body) as typeof parsed;
  } catch {
    return applied;
  }
  if (!parsed.header) return applied;
  return {
    status: 200,
    body: JSON.stringify({ ...parsed, header: headerAt(parsed.header.revision) }),
  };
}

/** etcd's JSON error body for a gRPC status (14 is Unavailable). */
function unavailable(message: string): Applied {
  return { status: 503, body: JSON.stringify({ error: message, code: 14, message }) };
}

/** etcd's JSON error for FailedPrecondition (9): HTTP 412, as etcd 3.4's gateway answers it. */
function failedPrecondition(message: string): Applied {
  return { status: 412, body: JSON.stringify({ error: message, code: 9, message }) };
}

export interface MemberServerOptions {
  /**
   * Opens the write-ahead log the Raft storage keeps its records in, in the data directory
   * (chapter 02's WriteAheadLog: the learner's or the reference); the reference's when not given.
   */
  openLog?: (dataDir: string) => Promise<RaftLog>;
  /** Chapter 16b's member.ts, raft-storage.ts and routing.ts (the learner's or the reference). */
  chapter: RaftServerChapter;
  /** etcd's --name: which member of `peers` this process is. */
  name: string;
  dataDir: string;
  /** Every member, from --initial-cluster. */
  peers: RaftPeer[];
  createRaftNode: CreateRaftNode;
  /** The JSON gateway of this member's own store (its state machine). */
  storeUrl: string;
  /**
   * The store's state as a snapshot's data, and a new store loaded from such data (answering its
   * address). Without it, the member takes no snapshots and cannot install one.
   */
  stateMachine?: { snapshot(): Promise<string>; restore(data: string): Promise<string> };
  /** etcd's --snapshot-count: applied entries between two snapshots (etcd's default, 100000). */
  snapshotCount?: number;
  /**
   * Runs a unary request (an entry's apply, a linearizable read) on that store in this process
   * (in-process-gateway.ts); without it, requests go to storeUrl.
   */
  runOnStore?: (command: { path: string; body: string }) => Promise<Applied>;
  /**
   * That store in this process, for HashKV and the Snapshot file (member-maintenance.ts); without
   * it, those calls are Unimplemented.
   */
  localStore?: MemberStore;
  /** Where to listen for clients and for peers: host and port (0 picks one). */
  clientListen: Array<{ host: string; port: number }>;
  peerListen: { host: string; port: number };
  advertiseClientUrls?: string[];
  /** Milliseconds per Raft tick: etcd's --heartbeat-interval (100); elections take 10 to 20 ticks. */
  tickMs?: number;
  log?: (line: string) => void;
}

export interface MemberServer {
  member: ReplicatedMember;
  clientUrls: string[];
  peerUrl: string;
  close(): Promise<void>;
}

/** Reads a whole request body as text. */
function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function answer(response: ServerResponse, applied: Applied): void {
  response.writeHead(applied.status, { 'content-type': 'application/json' });
  response.end(applied.body);
}

/** Sends a request on to the local store and streams its answer back (watches included). */
function pipeToStore(
  storeUrl: string,
  request: IncomingMessage,
  response: ServerResponse,
  body?: string,
) {
  const target = new URL(request.url ?? '/', storeUrl);
  const upstream = httpRequest(
    target,
    { method: request.method, headers: request.headers },
    (reply) => {
      response.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(response);
    },
  );
  upstream.on('error', (error) => {
    if (!response.headersSent) answer(response, unavailable(`etcdserver: ${error.message}`));
    else response.destroy();
  });
  response.on('close', () => upstream.destroy());
  if (body !== undefined) upstream.end(body);
  else request.pipe(upstream);
}

/**
 * Runs one request on the local store and reads the whole answer: the state machine's apply. The
 * applies come one at a time, so one kept-alive connection carries them all.
 */
export function applyToStore(
  storeUrl: string,
  command: { path: string; body: string },
  agent: Agent,
): Promise<Applied> {
  return postJson(agent, new URL(command.path, storeUrl).href, command.body, {}, 0);
}

/** How long a request waits for a leader, then for its entry, before etcd's "request timed out". */
const REQUEST_TIMEOUT_MS = 5000;

/** Settles with `work`, or rejects after `ms` with etcd's timeout message. */
function withTimeout<T>(work: Promise<T>, ms = REQUEST_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('etcdserver: request timed out')), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** A member's peer and client ports, wired to its Raft member. */
class MemberProcess {
  readonly member: ReplicatedMember;
  private readonly transport: PeerTransport;
  private readonly self: RaftPeer;
  private timer: NodeJS.Timeout | undefined;
  private readonly options: MemberServerOptions;
  private readonly storage: { close(): Promise<void>; snapshot?(): { data: string } | undefined };
  /** The store's address: a snapshot loaded replaces the store, and with it the address. */
  private storeUrl: string;
  /** Connections to the local store: the applies' one, and the linearizable reads'. */
  private readonly storeAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly readAgent = new Agent({ keepAlive: true });
  /** The read index that the reads arriving in this round of the event loop will share. */
  private nextReadIndex: Promise<number> | undefined;
  /** A follower's writes on their way to the leader (forward-stream.ts). */
  private readonly forwarding: ForwardStreams;
  /** Kept-alive connections to the other members' peer ports (the leases' questions). */
  private readonly forwardAgent = new Agent({ keepAlive: true });
  /** The IDs in this member's headers. */
  private readonly ids: { cluster_id: string; member_id: string };
  /** Lease expiry by the leader, keep-alives and time to live (member-leases.ts). */
  private readonly leases: MemberLeases;
  /** Alarm, Defragment, HashKV and the Snapshot file, answered by this member for itself. */
  readonly maintenance: MemberMaintenance;

  constructor(options: MemberServerOptions, raftLog: RaftLog) {
    this.options = options;
    this.storeUrl = options.storeUrl;
    const self = options.peers.find((peer) => peer.name === options.name);
    if (!self) {
      throw new Error(
        `--name ${options.name} is not in --initial-cluster (${options.peers.map((peer) => peer.name).join(', ')})`,
      );
    }
    this.self = self;
    // One cluster ID for every member: derived from the whole --initial-cluster, as etcd derives it
    // from the members' peer URLs (and the cluster token).
    const cluster = memberIds(
      options.peers.map((peer) => `${peer.name}=${peer.peerUrl}`).join(','),
    );
    this.ids = {
      cluster_id: String(cluster.clusterId),
      member_id: String(memberIds(self.name).memberId),
    };
    this.maintenance = new MemberMaintenance(() => this.header(), options.localStore);
    const storage = new options.chapter.FileRaftStorage(raftLog.log, raftLog.replay);
    this.storage = storage;
    this.transport = new PeerTransport(self.id, options.peers);
    this.forwarding = new ForwardStreams(self.id, REQUEST_TIMEOUT_MS + 1000);
    const node = options.createRaftNode({
      id: self.id,
      peers: options.peers.map((peer) => peer.id),
      storage,
    });
    this.member = new options.chapter.RaftMember({
      node,
      storage,
      send: (messages) => this.transport.send(messages),
      apply: async (command) => {
        // On a follower, the disk goes first: its acknowledgement of the entries that came with
        // this commit index waits for their sync, which the write-ahead log starts at the end of
        // the event loop's round, and nobody waits for its applies.
        if (this.member.node.role !== 'leader') await new Promise(setImmediate);
        const applied = await this.runOnStore(command, this.storeAgent);
        this.leases.applied(command, applied);
        return applied;
      },
      ...(options.stateMachine
        ? {
            snapshotCount: options.snapshotCount ?? 100_000,
            stateSnapshot: () => options.stateMachine!.snapshot(),
            restoreState: (data: string) => this.restoreState(data),
          }
        : {}),
    });
    this.leases = new MemberLeases(this.leaseHost());
  }

  /** What the leases need of this member. */
  private leaseHost(): LeaseHost {
    return {
      selfId: this.self.id,
      leads: () => this.member.node.role === 'leader',
      leader: () => this.leader(),
      propose: (command) => this.propose(command),
      runOnStore: (command) => this.runOnStore(command, this.readAgent),
      readLinearizable: async (command) => {
        await this.member.waitApplied(await withTimeout(this.readIndex()));
        return this.runOnStore(command, this.readAgent);
      },
      withHeader: (applied) => this.withHeader(applied),
      postToPeer: (url, body) =>
        postJson(this.forwardAgent, url, body, { 'x-server-from': String(this.self.id) }, 5000),
      log: this.options.log,
    };
  }

  /** Loads a snapshot's data as the store: a new store, at a new address, and its leases. */
  private async restoreState(data: string): Promise<void> {
    this.storeUrl = await this.options.stateMachine!.restore(data);
    await this.leases.relearn();
    this.options.log?.('loaded a snapshot into the store');
  }

  /** Before serving: a data directory with a snapshot starts its store from it. */
  async loadSnapshot(): Promise<void> {
    const snapshot = this.storage.snapshot?.();
    if (snapshot && this.options.stateMachine) await this.restoreState(snapshot.data);
  }

  /** A unary request on the member's store: in process when the server was given the way. */
  private runOnStore(command: { path: string; body: string }, agent: Agent): Promise<Applied> {
    if (this.options.runOnStore) return this.options.runOnStore(command);
    return applyToStore(this.storeUrl, command, agent);
  }

  start(): void {
    this.timer = setInterval(() => this.member.tick(), this.options.tickMs ?? 100);
    this.leases.start();
  }

  /** The leader's peer entry, waiting a little while an election is under way. */
  private async leader(): Promise<RaftPeer> {
    const deadline = Date.now() + 2000;
    for (;;) {
      const lead = this.options.peers.find((peer) => peer.id === this.member.node.lead);
      if (lead) return lead;
      if (Date.now() > deadline) throw new Error('etcdserver: no leader');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * Puts a command through the log, on the leader (chapter 16b's routing). A leader handing over
   * (MoveLeader) takes no proposals for a few ticks: the command waits for the new leader then.
   */
  async propose(command: Command): Promise<Applied> {
    const deadline = Date.now() + 2000;
    for (;;) {
      const lead = await this.leader();
      try {
        if (lead.id !== this.self.id) return await this.forwarding.forward(lead, command);
        return await this.options.chapter.proposeVia(this.member, this.self.id, lead, command);
      } catch (error) {
        const handingOver = lead.id === this.self.id && this.member.node.role === 'leader';
        if (!handingOver || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, this.options.tickMs ?? 100));
      }
    }
  }

  /**
   * etcd's MoveLeader: only the leader takes it, for a member of the cluster; the Raft node brings
   * the transferee up to date and tells it to campaign (chapter 16a), and the answer waits until
   * that member leads, or etcd's timeout passes. As measured on etcd 3.4.23, over the gateway: a
   * follower answers HTTP 412 "etcdserver: not leader" (code 9, checked first), an ID that is no
   * member's 412 "etcdserver: bad leader transferee", and a move to the leader itself succeeds.
   */
  async moveLeader(targetId: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Applied> {
    const node = this.member.node;
    if (node.role !== 'leader') return failedPrecondition('etcdserver: not leader');
    const target = this.options.peers.find(
      (peer) => String(memberIds(peer.name).memberId) === targetId,
    );
    if (!target) return failedPrecondition('etcdserver: bad leader transferee');
    const deadline = Date.now() + timeoutMs;
    node.transferLeadership(target.id);
    this.member.receive([]);
    this.options.log?.(`transferring leadership to ${target.name}`);
    while (node.lead !== target.id) {
      if (Date.now() > deadline) {
        const message = 'etcdserver: request timed out, leader transfer took too long';
        return { status: 500, body: JSON.stringify({ error: message, code: 2, message }) };
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.tickMs ?? 100));
    }
    // etcd 3.4.23 answers an empty MoveLeaderResponse, without even the header (measured).
    return { status: 200, body: '{}' };
  }

  /**
   * The index a linearizable read waits for, the leader's (chapter 16b's routing). The reads that
   * arrive in one round of the event loop share one read index, asked for after the round, so
   * after each of them arrived (etcd's linearizable read loop batches its reads the same way).
   */
  readIndex(): Promise<number> {
    this.nextReadIndex ??= new Promise<number>((resolve, reject) => {
      setImmediate(() => {
        this.nextReadIndex = undefined;
        this.leader()
          .then((lead) => this.options.chapter.readIndexVia(this.member, this.self.id, lead))
          .then(resolve, reject);
      });
    });
    return this.nextReadIndex;
  }

  /**
   * On a leader stopping gracefully: leadership to the first other member whose peer port answers,
   * waiting at most about an election timeout (etcd's TransferLeadership on stop). Best effort: a
   * cluster without a reachable member just elects one after this member is gone.
   */
  async handOver(): Promise<void> {
    if (this.member.node.role !== 'leader') return;
    for (const peer of this.options.peers) {
      if (peer.id === this.self.id) continue;
      const reachable = await fetch(`${peer.peerUrl}/member`, { signal: AbortSignal.timeout(300) })
        .then((reply) => reply.ok)
        .catch(() => false);
      if (!reachable) continue;
      const moved = await this.moveLeader(String(memberIds(peer.name).memberId), 2000);
      if (moved.status === 200) this.options.log?.(`handed leadership to ${peer.name}`);
      return;
    }
  }

  /** The peer port: messages in, proposals and read indexes from followers. */
  async servePeer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/raft/stream') {
      return readPeerStream(request, response, (messages) => this.member.receive(messages));
    }
    if (path === FORWARD_STREAM_PATH) {
      return serveForwardStream(request, response, (command) =>
        withTimeout(this.member.propose(command)).catch((error: Error) =>
          unavailable(error.message),
        ),
      );
    }
    const body = await readBody(request);
    try {
      if (path === '/raft') {
        this.member.receive(JSON.parse(body) as Message[]);
        response.writeHead(204).end();
      } else if (path === '/propose') {
        // One write from a follower's proposeVia (chapter 16b's routing).
        answer(response, await withTimeout(this.member.propose(JSON.parse(body) as Command)));
      } else if (path === '/leases') {
        answer(response, this.leases.renewHere(body));
      } else if (path === '/leases/internal') {
        answer(response, await withTimeout(this.leases.timeToLiveHere(body)));
      } else if (path === '/readindex') {
        answer(response, {
          status: 200,
          body: JSON.stringify({ index: await withTimeout(this.member.readIndex()) }),
        });
      } else if (path === '/member') {
        const clientURLs = this.options.advertiseClientUrls ?? [];
        answer(response, {
          status: 200,
          body: JSON.stringify({ name: this.self.name, clientURLs }),
        });
      } else {
        answer(response, { status: 404, body: JSON.stringify({ error: `no peer route ${path}` }) });
      }
    } catch (error) {
      answer(response, unavailable((error as Error).message));
    }
  }

  /** The client port: writes through the log, ranges after the read index, the rest to the store. */
  async serveClient(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0]!.replace(/^\/v3beta\//, '/v3/');
    const storeUrl = this.storeUrl;
    if (request.method === 'POST' && path === '/v3/lease/keepalive') {
      const body = await readBody(request);
      try {
        return answer(response, await withTimeout(this.leases.keepAlive(body)));
      } catch (error) {
        return answer(response, unavailable((error as Error).message));
      }
    }
    if (request.method === 'POST' && path === '/v3/watch') {
      return pipeWatch(storeUrl, request, response, () => this.header());
    }
    if (request.method !== 'POST' || !MemberProcess.routed(path)) {
      return pipeToStore(storeUrl, request, response);
    }
    const body = await readBody(request);
    const applied = await this.clientCall(path, body);
    if (applied) return answer(response, applied);
    return pipeToStore(storeUrl, request, response, body);
  }

  /** Whether a client POST to `path` is answered by clientCall rather than the store's own port. */
  static routed(path: string): boolean {
    return (
      WRITE_PATHS.has(path) ||
      READ_PATHS.has(path) ||
      path.startsWith('/v3/maintenance/') ||
      path.startsWith('/v3/cluster/')
    );
  }

  /**
   * One unary client request, as the JSON gateway and gRPC (member-grpc.ts) both route it: writes
   * proposed through the log, reads after the read index (serializable ranges at once), the
   * cluster's own calls here. Undefined for a routed path the store answers itself.
   */
  async clientCall(path: string, body: string): Promise<Applied | undefined> {
    try {
      if (WRITE_PATHS.has(path)) {
        const sent = path === '/v3/lease/grant' ? this.options.chapter.withLeaseId(body) : body;
        const applied = await withTimeout(this.propose({ path, body: sent }));
        return this.withHeader(applied);
      }
      if (LEASE_TTL_PATHS.has(path)) {
        return this.withHeader(await withTimeout(this.leases.timeToLive(path, body)));
      }
      if (READ_PATHS.has(path)) {
        const serializable = path === '/v3/kv/range' && /"serializable"\s*:\s*true/.test(body);
        if (!serializable) await this.member.waitApplied(await withTimeout(this.readIndex()));
        const read = await this.runOnStore({ path, body }, this.readAgent);
        return this.withHeader(read);
      }
      if (path === '/v3/maintenance/status') return await this.status();
      if (MemberMaintenance.serves(path)) return this.maintenance.answer(path, body);
      if (path === '/v3/cluster/member/list') return await this.memberList();
      if (path === '/v3/maintenance/transfer-leadership') {
        const { targetID } = JSON.parse(body || '{}') as { targetID?: string | number };
        return await this.moveLeader(String(targetID ?? '0'));
      }
      return undefined;
    } catch (error) {
      return unavailable((error as Error).message);
    }
  }

  /**
   * One renewal of a lease, as the JSON gateway's /v3/lease/keepalive renews it (by the leader's
   * lessor, member-leases.ts): its one answer line's result, under this member's header.
   */
  async leaseKeepAlive(id: string): Promise<Applied> {
    try {
      const reply = await withTimeout(this.leases.keepAlive(JSON.stringify({ ID: id })));
      if (reply.status !== 200) return reply;
      const line = JSON.parse(reply.body.split('\n')[0] || '{}') as { result?: unknown };
      return { status: 200, body: JSON.stringify(line.result ?? {}) };
    } catch (error) {
      return unavailable((error as Error).message);
    }
  }

  /** The address of the member's store now (a snapshot loaded moves it): where watches go. */
  currentStoreUrl(): string {
    return this.storeUrl;
  }

  /** A store's answer under this member's header (withMemberHeader). */
  private withHeader(applied: Applied): Applied {
    return withMemberHeader(applied, (revision) => this.headerAt(revision));
  }

  /** The member's header for an answer at `revision` (none for an answer without one). */
  private headerAt(revision: string | undefined): Record<string, string> {
    const { cluster_id, member_id, raft_term } = this.header();
    return { cluster_id, member_id, ...(revision ? { revision } : {}), raft_term };
  }

  /** The response header etcd puts on cluster-level answers (and, revision kept, on watches). */
  header(): Record<string, string> {
    return { ...this.ids, raft_term: String(this.member.node.term) };
  }

  /** etcd's StatusResponse: who leads, the Raft term and index, and how far this member applied. */
  async status(): Promise<Applied> {
    const node = this.member.node;
    const lead = this.options.peers.find((peer) => peer.id === node.lead);
    const raft = node as unknown as { log?: { lastIndex(): number } };
    const status = {
      header: this.header(),
      version: '3.4.30',
      leader: lead ? String(memberIds(lead.name).memberId) : '0',
      raftIndex: String(raft.log?.lastIndex() ?? this.member.appliedIndex),
      raftTerm: String(node.term),
      raftAppliedIndex: String(this.member.appliedIndex),
    };
    return { status: 200, body: JSON.stringify(status) };
  }

  /** etcd's MemberListResponse: every member's ID, name, peer and client URLs. */
  async memberList(): Promise<Applied> {
    const members = await Promise.all(
      this.options.peers.map(async (peer) => {
        let clientURLs: string[] = [];
        if (peer.id === this.self.id) clientURLs = this.options.advertiseClientUrls ?? [];
        else {
          try {
            const reply = await fetch(`${peer.peerUrl}/member`, {
              signal: AbortSignal.timeout(500),
            });
            clientURLs = ((await reply.json()) as { clientURLs: string[] }).clientURLs;
          } catch {
            // An unreachable member is listed without its client URLs.
          }
        }
        return {
          ID: String(memberIds(peer.name).memberId),
          name: peer.name,
          peerURLs: [peer.peerUrl],
          clientURLs,
        };
      }),
    );
    return { status: 200, body: JSON.stringify({ header: this.header(), members }) };
  }

  stop(): void {
    clearInterval(this.timer);
    this.leases.stop();
    this.transport.stop();
    this.storeAgent.destroy();
    this.readAgent.destroy();
    this.forwardAgent.destroy();
    this.forwarding.stop();
    this.member.stop();
    void this.storage.close();
  }
}

function listen(server: NetServer, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      resolve(`http://${host.includes(':') ? `[${host}]` : host}:${address.port}`);
    });
  });
}

/** The write-ahead log of a member's Raft storage, open, and what it held. */
export interface RaftLog {
  log: RecordLog;
  replay: RecordLogContents;
}

/** Chapter 02's reference WriteAheadLog, opened in `dataDir`. */
async function openReferenceLog(dataDir: string): Promise<RaftLog> {
  const { WriteAheadLog } = await loadReference('02', 'wal.ts');
  return WriteAheadLog.open(dataDir);
}

/** Starts a member: its peer port, its client ports and its clock. */
export async function startMember(options: MemberServerOptions): Promise<MemberServer> {
  const running = new MemberProcess(
    options,
    await (options.openLog ?? openReferenceLog)(options.dataDir),
  );
  const servers: Server[] = [];
  const listeners: NetServer[] = [];
  const grpcServer = createMemberGrpcServer({
    status: () => running.status(),
    memberList: () => running.memberList(),
    moveLeader: (targetId) => running.moveLeader(targetId),
    client: (path, body) => running.clientCall(path, body),
    leaseKeepAlive: (id) => running.leaseKeepAlive(id),
    storeUrl: () => running.currentStoreUrl(),
    header: () => running.header(),
    snapshot: async () => running.maintenance.snapshot(),
  });
  const close = async () => {
    await running.handOver().catch(() => undefined);
    running.stop();
    for (const listener of listeners) listener.close();
    await grpcServer.close();
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
  };
  try {
    await running.loadSnapshot();
    const peerServer = createServer(
      (request, response) => void running.servePeer(request, response),
    );
    // A peer's stream (PeerTransport) is one request that lasts as long as the member runs.
    peerServer.requestTimeout = 0;
    servers.push(peerServer);
    const peerUrl = await listen(peerServer, options.peerListen.host, options.peerListen.port);
    const clientUrls: string[] = [];
    for (const { host, port } of options.clientListen) {
      const clientServer = createServer(
        (request, response) => void running.serveClient(request, response),
      );
      servers.push(clientServer);
      const clientPort = sharedClientPort(clientServer, grpcServer);
      listeners.push(clientPort);
      clientUrls.push(await listen(clientPort, host, port));
    }
    running.start();
    return { member: running.member, clientUrls, peerUrl, close };
  } catch (error) {
    await close();
    throw error;
  }
}
