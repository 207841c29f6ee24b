// The store server: chapter 01's store behind etcd 3.4's own JSON API, on node:http.
//
// etcd serves gRPC on its client port (2379) and, beside it, a *gateway* that takes the same calls
// as JSON over plain HTTP: POST /v3/kv/put with {"key":"Zm9v","value":"YmFy"} is the gRPC call
// KV.Put. Speaking that API exactly means anything written against etcd's JSON API (curl, our
// client, the API server of chapter 03) runs unchanged against the kata store, and the other way
// round. The rules are in the fact sheet (part A); codec.ts does the JSON.
//
// Two kinds of endpoint:
//   - unary: one JSON request, one JSON answer (put, range, txn, lease grant, ...);
//   - streams: the request body is a series of JSON messages and the answer a series of
//     {"result":...} lines on one long response (watch, lease keep-alive).
// Every answer waits until what it tells the client is on disk (durable-store.ts), when the store
// is durable. No request, however malformed, crashes the server or changes data when it fails.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { compareBytes } from '../../harness/store/bytes.ts';
import { errors, GrpcCode, StoreError } from '../../harness/store/errors.ts';
import type { MvccStore, TxnResponse, WatchResponse, Watcher } from '../../harness/store/types.ts';
import { checkRequestOps, decode, encode, invalidArgument } from './codec.ts';
import {
  CompactionRequestMessage,
  CompactionResponseMessage,
  DeleteRangeRequestMessage,
  DeleteRangeResponseMessage,
  LeaseGrantRequestMessage,
  LeaseIdRequestMessage,
  LeaseLeasesResponseMessage,
  LeaseResponseMessage,
  PutRequestMessage,
  PutResponseMessage,
  RangeRequestMessage,
  RangeResponseMessage,
  TxnRequestMessage,
  TxnResponseMessage,
  WatchRequestMessage,
  WatchResponseMessage,
  type Message,
  type WatchCreateRequest,
  type WireHeader,
  type WireRangeRequest,
  type WireWatchResponse,
} from '../../harness/store/wire.ts';
import type { Durability } from './durable-store.ts';

export interface StoreServerOptions {
  store: MvccStore;
  /** When the store is durable: answers wait for the disk. Absent: the store lives in memory. */
  durability?: Durability;
  /** The member's name (etcd's --name); the cluster and member IDs are derived from it. */
  name?: string;
  /** etcd's --max-request-bytes: the largest request, counted in key and value bytes. 1.5 MiB. */
  maxRequestBytes?: number;
  /** How often expired leases are revoked. etcd's lessor checks every 500 ms. */
  leaseExpiryIntervalMs?: number;
  /** How often a watch with progress_notify hears the current revision. etcd: 10 minutes. */
  progressNotifyIntervalMs?: number;
}

export interface StoreServer {
  /**
   * Starts listening on one address (port 0 picks a free one) and resolves with the URL clients
   * use. Call it once per address, as etcd listens on every URL of --listen-client-urls.
   */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops listening, ends open streams and the lease timer. */
  close(): Promise<void>;
}

/** What GET /version reports: the etcd API this server speaks. */
export const VERSION = { etcdserver: '3.4.0', etcdcluster: '3.4.0' };

const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Errors on the wire

/** gRPC code -> HTTP status, as etcd 3.4's gateway (grpc-gateway v1) maps them. */
const HTTP_STATUS: Record<number, number> = {
  1: 408, // Canceled
  2: 500, // Unknown
  3: 400, // InvalidArgument
  4: 504, // DeadlineExceeded
  5: 404, // NotFound
  6: 409, // AlreadyExists
  7: 403, // PermissionDenied
  8: 429, // ResourceExhausted
  9: 412, // FailedPrecondition (gateway v1 says 412; later versions say 400)
  10: 409, // Aborted
  11: 400, // OutOfRange
  12: 501, // Unimplemented
  13: 500, // Internal
  14: 503, // Unavailable
  15: 500, // DataLoss
  16: 401, // Unauthenticated
};

const INTERNAL = 13;

const requestTooLarge = () =>
  new StoreError(GrpcCode.InvalidArgument, 'etcdserver: request is too large');

/** The gRPC code and message of anything thrown while serving a request. */
function describe(error: unknown): { code: number; message: string } {
  if (error instanceof StoreError) return { code: error.code, message: error.message };
  // Not a StoreError: a bug in the server or the store, not the client's mistake.
  return { code: INTERNAL, message: `internal error: ${(error as Error)?.message ?? error}` };
}

/** etcd's unary error: {"error":..., "message":..., "code":...} with the matching HTTP status. */
function sendError(response: http.ServerResponse, error: unknown): void {
  const { code, message } = describe(error);
  sendJson(response, HTTP_STATUS[code] ?? 500, JSON.stringify({ error: message, message, code }));
}

/** A stream's error, once the stream has started: one {"error":{...}} line. */
function streamError(error: unknown): string {
  const { code, message } = describe(error);
  const status = HTTP_STATUS[code] ?? 500;
  const error_ = {
    grpc_code: code,
    http_code: status,
    message,
    http_status: http.STATUS_CODES[status],
  };
  return `${JSON.stringify({ error: error_ })}\n`;
}

function sendJson(response: http.ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

/** grpc-gateway and Go's HTTP server answer routing mistakes in plain text. */
function sendText(
  response: http.ServerResponse,
  status: number,
  text: string,
  allow?: string,
): void {
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
    ...(allow ? { allow } : {}),
  });
  response.end(`${text}\n`);
}

// ---------------------------------------------------------------------------------------------
// Checks etcd makes before a request reaches the store

/** How big a request is, as etcd's limit counts it: the bytes of its keys, values and ranges. */
function requestBytes(value: unknown): number {
  if (value instanceof Uint8Array) return value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + requestBytes(item), 0);
  if (typeof value === 'object' && value !== null) {
    let sum = 0;
    for (const item of Object.values(value)) sum += requestBytes(item);
    return sum;
  }
  return 0;
}

/**
 * etcd fills in the header of every response inside a txn except a nested txn's own, which it
 * leaves empty ({}); the responses inside the nested txn do have theirs. Clients see that, so the
 * kata store writes it the same way.
 */
function withEmptyNestedHeaders(response: TxnResponse): TxnResponse {
  const responses = response.responses.map((op) =>
    'responseTxn' in op
      ? { responseTxn: { ...withEmptyNestedHeaders(op.responseTxn), header: { revision: 0 } } }
      : op,
  );
  return { ...response, responses };
}

/** The kata store keeps keys in key order only; it refuses to answer a sorted or filtered range. */
function checkRangeOptions(request: WireRangeRequest): void {
  const sorted = request.sortTarget !== 'KEY' || request.sortOrder === 'DESCEND';
  const filtered =
    request.minModRevision ||
    request.maxModRevision ||
    request.minCreateRevision ||
    request.maxCreateRevision;
  if (sorted || filtered) {
    throw invalidArgument(
      'kata store: sort_order, sort_target and min/max revision filters are not supported; ' +
        'keys come back in ascending key order',
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Reading requests

/** Reads a whole request body, refusing one longer than `limit` bytes. */
function readBody(request: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        reject(requestTooLarge());
      } else {
        chunks.push(chunk);
      }
    });
    request.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return null; // an empty body is an empty message, as in etcd
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidArgument(`request body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Splits a stream's request body into JSON messages. Clients send them back to back
 * (`{...}{...}`) or one per line; a message ends where its outermost brace closes.
 */
class JsonSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private readonly limit: number;
  private buffer = '';
  private scanned = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Adds bytes; returns the messages they completed. */
  push(chunk: Buffer): string[] {
    this.buffer += this.decoder.write(chunk);
    const messages: string[] = [];
    for (let i = this.scanned; i < this.buffer.length; i++) {
      const char = this.buffer[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (char === '\\') this.escaped = true;
        else if (char === '"') this.inString = false;
      } else if (char === '"') {
        this.inString = true;
      } else if (char === '{' || char === '[') {
        this.depth += 1;
      } else if (char === '}' || char === ']') {
        this.depth -= 1;
        if (this.depth <= 0) {
          messages.push(this.buffer.slice(0, i + 1));
          this.buffer = this.buffer.slice(i + 1);
          this.depth = 0;
          i = -1;
        }
      } else if (this.depth === 0 && !/\s/.test(char)) {
        // Something outside any object: not a message. Hand it over whole so it is reported.
        messages.push(this.buffer.slice(i));
        this.buffer = '';
        i = -1;
      }
    }
    this.scanned = this.buffer.length;
    if (this.buffer.length > this.limit) throw requestTooLarge();
    return messages;
  }

  /** What is left when the body ends: an unfinished message, or nothing. */
  end(): string | undefined {
    this.buffer += this.decoder.end();
    return this.buffer.trim() === '' ? undefined : this.buffer;
  }
}

// ---------------------------------------------------------------------------------------------
// Streams: a series of {"result":...} lines, each sent once the disk holds what it reports

class StreamWriter {
  private readonly response: http.ServerResponse;
  private readonly durability: Durability | undefined;
  private readonly queue: Array<{ line: string; revision: number }> = [];
  private pumping = false;
  private ending = false;
  private started = false;
  closed = false;

  constructor(response: http.ServerResponse, durability: Durability | undefined) {
    this.response = response;
    this.durability = durability;
    response.on('close', () => {
      this.closed = true;
    });
  }

  /** Sends the 200 status line and headers; from here on errors go in the stream. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.response.writeHead(200, { 'content-type': 'application/json' });
    this.response.flushHeaders();
  }

  get isStarted(): boolean {
    return this.started;
  }

  /** Queues one message; it goes out once the disk holds store revision `revision`. */
  send(result: { [name: string]: unknown }, revision: number): void {
    this.start();
    this.queue.push({ line: `${JSON.stringify({ result })}\n`, revision });
    void this.pump();
  }

  /** Sends a stream error and ends the response. */
  fail(error: unknown): void {
    this.start();
    this.queue.push({ line: streamError(error), revision: 0 });
    this.end();
  }

  /** Ends the response once everything queued has gone out. */
  end(): void {
    this.start();
    this.ending = true;
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const next = this.queue[0]!;
        if (this.durability && next.revision > 0)
          await this.durability.durableThrough(next.revision);
        this.queue.shift();
        if (!this.closed) this.response.write(next.line);
      }
      if (this.ending && !this.closed) this.response.end();
    } catch (error) {
      // The disk failed: nothing more may be said on this stream.
      this.queue.length = 0;
      if (!this.closed) this.response.end(streamError(error));
    } finally {
      this.pumping = false;
    }
  }
}

/** One watch message, as the `result` of a stream line. */
function watchResult(response: WireWatchResponse): { [name: string]: unknown } {
  return encode(WatchResponseMessage, response);
}

/** At most this many revisions of replayed history go in one message, as in etcd. */
const WATCH_BATCH_MAX_REVISIONS = 1000;

/** One POST /v3/watch: the watchers a client created on it, and what they send back. */
class WatchStream {
  private readonly server: ServerState;
  private readonly writer: StreamWriter;
  private readonly watchers = new Map<
    number,
    { watcher: Watcher; progressNotify: boolean; quiet: boolean }
  >();
  private nextId = 0;
  private progressTimer: NodeJS.Timeout | undefined;

  constructor(server: ServerState, writer: StreamWriter) {
    this.server = server;
    this.writer = writer;
  }

  handle(json: unknown): void {
    const request = decode(WatchRequestMessage, json);
    if ('createRequest' in request) this.create(request.createRequest);
    else if ('cancelRequest' in request) this.cancel(request.cancelRequest.watchId);
    else if ('progressRequest' in request) this.progress();
    // A message with none of the three is ignored, as etcd ignores it.
  }

  close(): void {
    for (const { watcher } of this.watchers.values()) watcher.cancel();
    this.watchers.clear();
    clearInterval(this.progressTimer);
  }

  private create(request: WatchCreateRequest): void {
    const { store } = this.server;
    const revision = store.revision;
    // etcd's rules: an empty key means the smallest key, \0; a range end of \0 means "every key
    // from `key` on"; any other range end must come after the key.
    const key = request.key.length > 0 ? request.key : new Uint8Array([0]);
    const rangeEnd = request.rangeEnd?.length ? request.rangeEnd : undefined;
    const fromKey = rangeEnd?.length === 1 && rangeEnd[0] === 0;
    if (rangeEnd && !fromKey && compareBytes(key, rangeEnd) >= 0) {
      return this.refuse('mvcc: watcher range is empty', revision);
    }
    let id = request.watchId ?? 0;
    if (id !== 0 && this.watchers.has(id)) {
      return this.refuse('mvcc: duplicate watch ID provided on the WatchStream', revision);
    }
    if (id === 0) {
      while (this.watchers.has(this.nextId)) this.nextId += 1;
      id = this.nextId;
      this.nextId += 1;
    }
    this.writer.send(
      watchResult({ header: this.server.header(revision), watchId: id, created: true }),
      revision,
    );

    // History the store replays before watch() returns is sent in batches, stamped with the
    // current revision, as etcd sends a watcher catching up; later changes go one revision each.
    const history: WatchResponse[] = [];
    let replaying = true;
    let watcher: Watcher;
    try {
      watcher = store.watch(
        {
          key,
          rangeEnd,
          startRevision: request.startRevision,
          prevKv: request.prevKv,
          filters: request.filters,
        },
        (response) => {
          if (replaying) history.push(response);
          else this.events(id, response.events, response.revision);
        },
      );
    } catch (error) {
      if (!(error instanceof StoreError) || error.message !== errors.compacted().message)
        throw error;
      // Too old: tell the client where history now starts. This header has no revision in etcd.
      const header = this.server.header(0);
      this.writer.send(
        watchResult({
          header,
          watchId: id,
          canceled: true,
          compactRevision: store.compactRevision,
        }),
        revision,
      );
      return;
    }
    replaying = false;
    this.watchers.set(id, {
      watcher,
      progressNotify: request.progressNotify ?? false,
      quiet: true,
    });
    for (let i = 0; i < history.length; i += WATCH_BATCH_MAX_REVISIONS) {
      const batch = history.slice(i, i + WATCH_BATCH_MAX_REVISIONS);
      this.events(
        id,
        batch.flatMap((response) => response.events),
        store.revision,
      );
    }
    if (request.progressNotify) this.startProgressTimer();
  }

  private events(id: number, events: WatchResponse['events'], revision: number): void {
    if (events.length === 0) return;
    const entry = this.watchers.get(id);
    if (entry) entry.quiet = false;
    this.writer.send(
      watchResult({ header: this.server.header(revision), watchId: id, events }),
      revision,
    );
  }

  private refuse(reason: string, revision: number): void {
    const header = this.server.header(revision);
    this.writer.send(
      watchResult({
        header,
        watchId: -1,
        created: true,
        canceled: true,
        cancelReason: reason,
      }),
      revision,
    );
  }

  private cancel(id: number): void {
    const entry = this.watchers.get(id);
    if (!entry) return; // etcd says nothing about a watch it does not know
    entry.watcher.cancel();
    this.watchers.delete(id);
    const revision = this.server.store.revision;
    this.writer.send(
      watchResult({
        header: this.server.header(revision),
        watchId: id,
        canceled: true,
      }),
      revision,
    );
  }

  /** progress_request: the current revision, for the whole stream (watch_id -1). */
  private progress(): void {
    const revision = this.server.store.revision;
    this.writer.send(watchResult({ header: this.server.header(revision), watchId: -1 }), revision);
  }

  /** progress_notify: a watcher that heard nothing for an interval is told the current revision. */
  private startProgressTimer(): void {
    if (this.progressTimer) return;
    this.progressTimer = setInterval(() => {
      const revision = this.server.store.revision;
      for (const [id, entry] of this.watchers) {
        if (entry.progressNotify && entry.quiet) {
          this.writer.send(
            watchResult({ header: this.server.header(revision), watchId: id }),
            revision,
          );
        }
        entry.quiet = true;
      }
    }, this.server.progressNotifyIntervalMs);
    this.progressTimer.unref();
  }
}

// ---------------------------------------------------------------------------------------------
// The endpoints

/** What every handler needs: the store, the disk, and how to stamp a header. */
interface ServerState {
  store: MvccStore;
  durability: Durability | undefined;
  maxRequestBytes: number;
  progressNotifyIntervalMs: number;
  header(revision: number): WireHeader;
}

/** A unary endpoint: how to read its request, what to do, how to write the answer. */
interface Unary<Request, Response> {
  request: Message<Request>;
  response: Message<Response>;
  serve(state: ServerState, request: Request): Response & { header: { revision: number } };
}

function unary<Request, Response>(endpoint: Unary<Request, Response>): Unary<unknown, unknown> {
  return endpoint as Unary<unknown, unknown>;
}

const leaseRevoke = unary({
  request: LeaseIdRequestMessage,
  response: LeaseResponseMessage,
  serve: ({ store }, request) => store.leaseRevoke(request.id),
});

const leaseTimeToLive = unary({
  request: LeaseIdRequestMessage,
  response: LeaseResponseMessage,
  serve: ({ store }, request) => store.leaseTimeToLive(request.id, { keys: request.keys }),
});

const leaseLeases = unary({
  request: LeaseIdRequestMessage, // LeaseLeasesRequest is empty; any body is fine
  response: LeaseLeasesResponseMessage,
  serve: ({ store }) => {
    const { header, leases } = store.leases();
    return { header, leases: leases.map((id) => ({ id })) };
  },
});

const UNARY: Record<string, Unary<unknown, unknown>> = {
  '/v3/kv/range': unary({
    request: RangeRequestMessage,
    response: RangeResponseMessage,
    serve: ({ store }, request) => {
      checkRangeOptions(request);
      return store.range(request);
    },
  }),
  '/v3/kv/put': unary({
    request: PutRequestMessage,
    response: PutResponseMessage,
    serve: ({ store }, request) => store.put(request),
  }),
  '/v3/kv/deleterange': unary({
    request: DeleteRangeRequestMessage,
    response: DeleteRangeResponseMessage,
    serve: ({ store }, request) => store.deleteRange(request),
  }),
  '/v3/kv/txn': unary({
    request: TxnRequestMessage,
    response: TxnResponseMessage,
    serve: ({ store }, request) => {
      // The store checks the rest (too many operations, duplicate keys) as etcd does.
      checkRequestOps(request);
      return withEmptyNestedHeaders(store.txn(request));
    },
  }),
  '/v3/kv/compaction': unary({
    request: CompactionRequestMessage,
    response: CompactionResponseMessage,
    serve: ({ store }, request) => store.compact(request),
  }),
  '/v3/lease/grant': unary({
    request: LeaseGrantRequestMessage,
    response: LeaseResponseMessage,
    serve: ({ store }, request) => store.leaseGrant(request),
  }),
  '/v3/lease/revoke': leaseRevoke,
  '/v3/kv/lease/revoke': leaseRevoke,
  '/v3/lease/timetolive': leaseTimeToLive,
  '/v3/kv/lease/timetolive': leaseTimeToLive,
  '/v3/lease/leases': leaseLeases,
  '/v3/kv/lease/leases': leaseLeases,
};

const STREAMS = new Set(['/v3/watch', '/v3/lease/keepalive']);

async function serveUnary(
  state: ServerState,
  endpoint: Unary<unknown, unknown>,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  const body = await readBody(request, state.maxRequestBytes * 3);
  const decoded = decode(endpoint.request, parseJson(body.toString('utf8')));
  if (requestBytes(decoded) > state.maxRequestBytes) throw requestTooLarge();
  const answer = endpoint.serve(state, decoded);
  await state.durability?.synced();
  const json = encode(endpoint.response, {
    ...answer,
    header: state.header(answer.header.revision),
  });
  sendJson(response, 200, JSON.stringify(json));
}

/**
 * Runs a stream: each message of the request body goes to `handle`. A first message that cannot
 * be read gets an ordinary error answer (nothing has been sent yet); a later one ends the stream
 * with an error line.
 */
function serveStream(
  state: ServerState,
  request: http.IncomingMessage,
  writer: StreamWriter,
  handle: (json: unknown) => void,
  onBodyEnd: () => void,
  response: http.ServerResponse,
): void {
  const splitter = new JsonSplitter(state.maxRequestBytes * 3);
  let failed = false;
  const fail = (error: unknown) => {
    failed = true;
    request.removeAllListeners('data');
    request.resume();
    if (writer.isStarted) writer.fail(error);
    else sendError(response, error);
  };
  const receive = (text: string) => handle(parseJson(text));
  request.on('data', (chunk: Buffer) => {
    if (failed) return;
    try {
      for (const text of splitter.push(chunk)) receive(text);
    } catch (error) {
      fail(error);
    }
  });
  request.on('end', () => {
    if (failed) return;
    try {
      const rest = splitter.end();
      if (rest !== undefined) receive(rest);
      onBodyEnd();
    } catch (error) {
      fail(error);
    }
  });
}

function serveWatch(
  state: ServerState,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): void {
  const writer = new StreamWriter(response, state.durability);
  const stream = new WatchStream(state, writer);
  response.on('close', () => stream.close());
  // When the body ends the watches go on: etcd keeps the stream open until the client leaves.
  serveStream(
    state,
    request,
    writer,
    (json) => stream.handle(json),
    () => writer.start(),
    response,
  );
}

function serveKeepAlive(
  state: ServerState,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): void {
  const writer = new StreamWriter(response, state.durability);
  const handle = (json: unknown) => {
    const { id } = decode(LeaseIdRequestMessage, json);
    const renewed = state.store.leaseKeepAlive(id);
    const result = encode(LeaseResponseMessage, {
      ...renewed,
      header: state.header(renewed.header.revision),
    });
    writer.send(result, renewed.header.revision);
  };
  // Unlike a watch, keep-alive ends with the request body: one answer per request sent.
  serveStream(state, request, writer, handle, () => writer.end(), response);
}

// ---------------------------------------------------------------------------------------------
// The server

/** A 64-bit ID from a name, so one member keeps its IDs across restarts. */
function idFrom(text: string): bigint {
  return createHash('sha256').update(text).digest().readBigUInt64BE(0);
}

export function createStoreServer(options: StoreServerOptions): StoreServer {
  const name = options.name ?? 'default';
  const clusterId = idFrom(`cluster:${name}`);
  const memberId = idFrom(`member:${name}`);
  const state: ServerState = {
    store: options.store,
    durability: options.durability,
    maxRequestBytes: options.maxRequestBytes ?? 1.5 * MiB,
    progressNotifyIntervalMs: options.progressNotifyIntervalMs ?? 10 * 60 * 1000,
    // A single member never holds an election, so its raft term stays 1.
    header: (revision) => ({ clusterId, memberId, revision, raftTerm: 1 }),
  };
  const streams = new Set<http.ServerResponse>();

  const route = async (request: http.IncomingMessage, response: http.ServerResponse) => {
    let path = (request.url ?? '/').split('?')[0]!;
    // etcd 3.4 still answers its older /v3beta paths, as /v3.
    if (path.startsWith('/v3beta/')) path = `/v3/${path.slice('/v3beta/'.length)}`;

    if (path === '/health' || path === '/version') {
      if (request.method !== 'GET') return sendText(response, 405, 'Method Not Allowed', 'GET');
      if (path === '/version') return sendJson(response, 200, JSON.stringify(VERSION));
      const healthy = await (state.durability?.synced() ?? Promise.resolve()).then(
        () => true,
        () => false,
      );
      response.writeHead(healthy ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' });
      return response.end(JSON.stringify({ health: String(healthy) }));
    }

    const endpoint = UNARY[path];
    if (!endpoint && !STREAMS.has(path)) {
      // Inside /v3/ the gateway answers; elsewhere Go's own router does, in its own words.
      return sendText(response, 404, path.startsWith('/v3/') ? 'Not Found' : '404 page not found');
    }
    if (request.method !== 'POST') return sendText(response, 405, 'Method Not Allowed');
    if (endpoint) return serveUnary(state, endpoint, request, response);

    streams.add(response);
    response.on('close', () => streams.delete(response));
    if (path === '/v3/watch') serveWatch(state, request, response);
    else serveKeepAlive(state, request, response);
  };

  const handle = (request: http.IncomingMessage, response: http.ServerResponse) => {
    route(request, response).catch((error: unknown) => {
      if (response.headersSent) return response.destroy();
      // A body cut short by the limit is not read further: close the connection instead.
      if (error instanceof StoreError && error.message === requestTooLarge().message) {
        response.setHeader('connection', 'close');
      }
      sendError(response, error);
    });
  };
  const servers: http.Server[] = [];

  // etcd's lessor revokes expired leases on a timer; a lease with no keep-alive dies within it.
  let lastExpiryProblem = '';
  const expiry = setInterval(() => {
    try {
      options.store.expireLeases();
    } catch (error) {
      // Say it once, not twice a second: a store that failed keeps failing.
      const problem = (error as Error).message;
      if (problem !== lastExpiryProblem)
        console.error(`kata store: revoking expired leases failed: ${problem}`);
      lastExpiryProblem = problem;
    }
  }, options.leaseExpiryIntervalMs ?? 500);
  expiry.unref();

  return {
    listen(port = 0, host = '127.0.0.1') {
      // No request timeout: a watch's request body may stay open for as long as the watch does.
      const server = http.createServer({ requestTimeout: 0 }, handle);
      servers.push(server);
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const printable = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`http://${printable}:${address.port}`);
        });
      });
    },
    async close() {
      clearInterval(expiry);
      for (const response of streams) response.end();
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}
