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
//
// The pieces, in the order the lesson builds them: routing and the header (§ The gateway), the
// unary endpoints, etcd's errors (§ Errors), the watch stream (§ Watch streams), the lease
// endpoints and keep-alive (§ Leases); createStoreServer at the end ties them together. Two small
// helpers that only write HTTP answers, sendJson and sendText, are given.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
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
  /**
   * Serves one connection another listener accepted: chapter 02b's client port, which gives gRPC
   * connections to the gRPC server and HTTP/1.1 ones here. Optional: chapter 02's tests do not ask
   * for it; without it the store program serves JSON only. serveConnectionOn does the work.
   */
  serveConnection?(connection: Duplex): void;
  /** Stops listening, ends open streams and the lease timer. */
  close(): Promise<void>;
}

/** What GET /version reports: the etcd API this server speaks. */
export const VERSION = { etcdserver: '3.4.0', etcdcluster: '3.4.0' };

/** What every endpoint needs: the store, the disk, the limits, and how to stamp a header. */
export interface ServerState {
  store: MvccStore;
  durability: Durability | undefined;
  maxRequestBytes: number;
  progressNotifyIntervalMs: number;
  header(revision: number): WireHeader;
}

// ---------------------------------------------------------------------------------------------
// § The gateway: routing, the header, the unary endpoints

/** Where a request goes: one of the server's endpoints, or a refusal in Go's plain-text words. */
export type Route =
  | { kind: 'health' | 'version' | 'watch' | 'keepalive' }
  | { kind: 'unary'; path: string }
  | { kind: 'refused'; status: 404 | 405; text: string; allow?: string };

/** The lease endpoints etcd 3.4 answers; the last three also under /v3/kv/lease/. */
const LEASE_PATHS = ['grant', 'revoke', 'timetolive', 'leases'];
const UNARY_PATHS = new Set([
  ...['range', 'put', 'deleterange', 'txn', 'compaction'].map((name) => `/v3/kv/${name}`),
  ...LEASE_PATHS.map((name) => `/v3/lease/${name}`),
  ...LEASE_PATHS.slice(1).map((name) => `/v3/kv/lease/${name}`),
]);

/** Routes a request by its method and URL, as etcd's gateway and Go's router do. */
export function routeOf(method: string, url: string): Route {
  let path = url.split('?')[0]!;
  // etcd 3.4 still answers its older /v3beta paths, as /v3.
  if (path.startsWith('/v3beta/')) path = `/v3/${path.slice('/v3beta/'.length)}`;
  if (path === '/health' || path === '/version') {
    if (method !== 'GET')
      return { kind: 'refused', status: 405, text: 'Method Not Allowed', allow: 'GET' };
    return { kind: path === '/health' ? 'health' : 'version' };
  }
  const stream = path === '/v3/watch' ? 'watch' : path === '/v3/lease/keepalive' ? 'keepalive' : '';
  if (!stream && !UNARY_PATHS.has(path)) {
    // Inside /v3/ the gateway answers; elsewhere Go's own router does, in its own words.
    return {
      kind: 'refused',
      status: 404,
      text: path.startsWith('/v3/') ? 'Not Found' : '404 page not found',
    };
  }
  if (method !== 'POST') return { kind: 'refused', status: 405, text: 'Method Not Allowed' };
  return stream ? { kind: stream } : { kind: 'unary', path };
}

/** A 64-bit ID from a name, so one member keeps its IDs across restarts. */
function idFrom(text: string): bigint {
  return createHash('sha256').update(text).digest().readBigUInt64BE(0);
}

/**
 * The header every answer carries, for a member of this name: cluster and member IDs derived from
 * the name (the same on every start), the revision given, and raft term 1 (a single member never
 * holds an election).
 */
export function memberHeader(name: string): (revision: number) => WireHeader {
  const clusterId = idFrom(`cluster:${name}`);
  const memberId = idFrom(`member:${name}`);
  return (revision) => ({ clusterId, memberId, revision, raftTerm: 1 });
}

/** A unary endpoint: how to read its request, what to do, how to write the answer. */
export interface Unary<Request = unknown, Response = unknown> {
  request: Message<Request>;
  response: Message<Response>;
  serve(state: ServerState, request: Request): Response & { header: { revision: number } };
}

function unary<Request, Response>(endpoint: Unary<Request, Response>): Unary {
  return endpoint as Unary;
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

/** The KV service's unary endpoints. */
const KV_ENDPOINTS: Record<string, Unary> = {
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
};

const requestTooLarge = () =>
  new StoreError(GrpcCode.InvalidArgument, 'etcdserver: request is too large');

/** Reads a whole request body, refusing one longer than `limit` bytes as it arrives. */
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

/** Writes a JSON answer with its length. Given. */
function sendJson(response: http.ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

/**
 * Serves one unary call: reads and decodes the body, lets the endpoint call the store, waits for
 * the disk, and answers 200 with the encoded response under the member's header.
 */
export async function serveUnary(
  state: ServerState,
  path: string,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  const endpoint = KV_ENDPOINTS[path] ?? leaseEndpoint(path);
  // The body is read up to a few times the limit, then refused without reading the rest.
  const body = await readBody(request, state.maxRequestBytes * 3);
  const decoded = decode(endpoint.request, parseJson(body.toString('utf8')));
  // Keys and values travel as base64, longer than the bytes they hold: a body within the limit
  // cannot hold too many bytes, so only a longer one needs counting.
  if (body.length > state.maxRequestBytes && requestBytes(decoded) > state.maxRequestBytes) {
    throw requestTooLarge();
  }
  const answer = endpoint.serve(state, decoded);
  await state.durability?.synced();
  const json = encode(endpoint.response, {
    ...answer,
    header: state.header(answer.header.revision),
  });
  sendJson(response, 200, JSON.stringify(json));
}

// ---------------------------------------------------------------------------------------------
// § Errors

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

/** gRPC's Internal: a bug in the server or the store, never the client's mistake. */
const INTERNAL = 13;

/**
 * What anything thrown while serving becomes on the wire: a StoreError keeps its gRPC code and
 * message; anything else is a bug in the server or the store, not the client's mistake: Internal.
 * The HTTP status is the one etcd's gateway maps the code to.
 */
export function errorAnswer(error: unknown): { status: number; code: number; message: string } {
  if (error instanceof StoreError) {
    return { status: HTTP_STATUS[error.code] ?? 500, code: error.code, message: error.message };
  }
  const message = `internal error: ${(error as Error)?.message ?? error}`;
  return { status: 500, code: INTERNAL, message };
}

/** etcd's unary error: {"error":..., "message":..., "code":...} with the matching HTTP status. */
function sendError(response: http.ServerResponse, error: unknown): void {
  const { status, code, message } = errorAnswer(error);
  sendJson(response, status, JSON.stringify({ error: message, message, code }));
}

/** Writes a refusal in plain text, as grpc-gateway and Go's HTTP server do. Given. */
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

/** How big a request is, as etcd's limit counts it: the bytes of its keys, values and ranges. */
export function requestBytes(value: unknown): number {
  if (value instanceof Uint8Array) return value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + requestBytes(item), 0);
  if (typeof value === 'object' && value !== null) {
    let sum = 0;
    for (const item of Object.values(value)) sum += requestBytes(item);
    return sum;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// § Watch streams

/**
 * Splits a stream's request body into JSON messages. Clients send them back to back
 * (`{...}{...}`) or one per line; a message ends where its outermost brace closes.
 */
export class JsonSplitter {
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

/** A stream's error, once the stream has started: one {"error":{...}} line. */
export function streamErrorLine(error: unknown): string {
  const { status, code, message } = errorAnswer(error);
  const line = {
    grpc_code: code,
    http_code: status,
    message,
    http_status: http.STATUS_CODES[status],
  };
  return `${JSON.stringify({ error: line })}\n`;
}

/** Where a stream's messages go: one {"result":...} line each, sent once `revision` is on disk. */
export interface StreamSender {
  send(result: { [name: string]: unknown }, revision: number): void;
}

/**
 * Writes a stream's answer: the 200 and its headers, then one line per message. Without a durable
 * store each line goes out at once; with one, `pump` holds each back until the disk has it.
 */
export class StreamWriter implements StreamSender {
  private readonly response: http.ServerResponse;
  private readonly durability: Durability | undefined;
  private readonly queue: Array<{ line: string; revision: number }> = [];
  private pumping = false;
  private ending = false;
  private started = false;
  private closed = false;

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
    this.writeQueued();
  }

  /** Sends a stream error and ends the response. */
  fail(error: unknown): void {
    this.start();
    this.queue.push({ line: streamErrorLine(error), revision: 0 });
    this.end();
  }

  /** Ends the response once everything queued has gone out. */
  end(): void {
    this.start();
    this.ending = true;
    this.writeQueued();
  }

  /** Writes what is queued: at once in memory, through `pump` when the store is durable. */
  private writeQueued(): void {
    if (this.durability) {
      void this.pump();
      return;
    }
    for (const { line } of this.queue.splice(0)) if (!this.closed) this.response.write(line);
    if (this.ending && !this.closed) this.response.end();
  }

  /**
   * Writes the queued lines in order, each once `durableThrough` its revision resolves (0: at
   * once); ends the response when asked to and the queue is empty. If the disk fails, nothing more
   * may be said on this stream but the error.
   */
  async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const next = this.queue[0]!;
        if (next.revision > 0) await this.durability!.durableThrough(next.revision);
        this.queue.shift();
        if (!this.closed) this.response.write(next.line);
      }
      if (this.ending && !this.closed) this.response.end();
    } catch (error) {
      this.queue.length = 0;
      if (!this.closed) this.response.end(streamErrorLine(error));
    } finally {
      this.pumping = false;
    }
  }
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

/** One watch message, as the `result` of a stream line. */
function watchResult(response: WireWatchResponse): { [name: string]: unknown } {
  return encode(WatchResponseMessage, response);
}

/** At most this many revisions of replayed history go in one message, as in etcd. */
const WATCH_BATCH_MAX_REVISIONS = 1000;

interface WatchEntry {
  watcher: Watcher;
  progressNotify: boolean;
  /** Nothing was sent on this watch since the last progress tick. */
  quiet: boolean;
}

/**
 * One POST /v3/watch: the watches a client created on it, and the messages they send back. It
 * knows nothing of HTTP: messages come in through `handle`, answers go out through the sender.
 */
export class WatchStream {
  private readonly state: ServerState;
  private readonly sender: StreamSender;
  private readonly watchers = new Map<number, WatchEntry>();
  private nextId = 0;
  private progressTimer: NodeJS.Timeout | undefined;

  constructor(state: ServerState, sender: StreamSender) {
    this.state = state;
    this.sender = sender;
  }

  /** One message of the request body (JSON.parse'd): a create, cancel or progress request. */
  handle(json: unknown): void {
    const request = decode(WatchRequestMessage, json);
    if ('createRequest' in request) this.create(request.createRequest);
    else if ('cancelRequest' in request) this.cancel(request.cancelRequest.watchId);
    else if ('progressRequest' in request) this.progress();
    // A message with none of the three is ignored, as etcd ignores it.
  }

  /** The client went away: every watch of this stream is canceled in the store. */
  close(): void {
    for (const { watcher } of this.watchers.values()) watcher.cancel();
    this.watchers.clear();
    clearInterval(this.progressTimer);
  }

  /**
   * A create_request: answered `created` with the current revision, then the history from its
   * start revision in batches, then each new revision as it happens.
   */
  create(request: WatchCreateRequest): void {
    const { store } = this.state;
    const revision = store.revision;
    // etcd's rules: an empty key means the smallest key, \0; a range end of \0 means "every key
    // from `key` on"; any other range end must come after the key.
    const key = request.key.length > 0 ? request.key : new Uint8Array([0]);
    const rangeEnd = request.rangeEnd?.length ? request.rangeEnd : undefined;
    const fromKey = rangeEnd?.length === 1 && rangeEnd[0] === 0;
    if (rangeEnd && !fromKey && compareBytes(key, rangeEnd) >= 0) {
      return this.refuse('mvcc: watcher range is empty', revision);
    }
    const id = request.watchId ?? 0;
    if (id !== 0 && this.watchers.has(id)) {
      return this.refuse('mvcc: duplicate watch ID provided on the WatchStream', revision);
    }
    const watchId = id !== 0 ? id : this.freeId();
    this.send({ header: this.state.header(revision), watchId, created: true }, revision);

    // History the store replays before watch() returns is collected and sent in batches; later
    // changes go one revision each.
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
          else this.events(watchId, response.events, response.revision);
        },
      );
    } catch (error) {
      if (!(error instanceof StoreError) || error.message !== errors.compacted().message)
        throw error;
      return this.compacted(watchId, revision);
    }
    replaying = false;
    this.watchers.set(watchId, {
      watcher,
      progressNotify: request.progressNotify ?? false,
      quiet: true,
    });
    if (history.length > 0) this.replay(watchId, history);
    if (request.progressNotify) this.startProgressTimer();
  }

  /** The lowest watch ID not in use on this stream, counting up from 0. */
  private freeId(): number {
    while (this.watchers.has(this.nextId)) this.nextId += 1;
    this.nextId += 1;
    return this.nextId - 1;
  }

  private send(response: WireWatchResponse, revision: number): void {
    this.sender.send(watchResult(response), revision);
  }

  /** Events for one watch, in one message stamped `revision`; nothing when there are none. */
  private events(id: number, events: WatchResponse['events'], revision: number): void {
    if (events.length === 0) return;
    const entry = this.watchers.get(id);
    if (entry) entry.quiet = false;
    this.send({ header: this.state.header(revision), watchId: id, events }, revision);
  }

  /**
   * History the store replayed: sent as etcd sends a watcher catching up, at most
   * WATCH_BATCH_MAX_REVISIONS revisions a message, each message stamped with the current revision.
   */
  replay(id: number, history: WatchResponse[]): void {
    for (let i = 0; i < history.length; i += WATCH_BATCH_MAX_REVISIONS) {
      const batch = history.slice(i, i + WATCH_BATCH_MAX_REVISIONS);
      const events = batch.flatMap((response) => response.events);
      this.events(id, events, this.state.store.revision);
    }
  }

  /** A watch that cannot be created: created and canceled at once, with watch_id -1 and why. */
  refuse(reason: string, revision: number): void {
    const header = this.state.header(revision);
    this.send(
      { header, watchId: -1, created: true, canceled: true, cancelReason: reason },
      revision,
    );
  }

  /**
   * A start revision below the compaction: the watch is canceled with the compact revision, so
   * the client knows where history now starts. etcd sends this header without a revision.
   */
  compacted(id: number, revision: number): void {
    const header = this.state.header(0);
    const compactRevision = this.state.store.compactRevision;
    this.send({ header, watchId: id, canceled: true, compactRevision }, revision);
  }

  /** A cancel_request: the watch stops and says so; a watch ID it does not know is ignored. */
  cancel(id: number): void {
    const entry = this.watchers.get(id);
    if (!entry) return;
    entry.watcher.cancel();
    this.watchers.delete(id);
    const revision = this.state.store.revision;
    this.send({ header: this.state.header(revision), watchId: id, canceled: true }, revision);
  }

  /** A progress_request: the current revision, for the whole stream (watch_id -1). */
  progress(): void {
    const revision = this.state.store.revision;
    this.send({ header: this.state.header(revision), watchId: -1 }, revision);
  }

  /** progress_notify: a watch that heard nothing for an interval is told the current revision. */
  startProgressTimer(): void {
    if (this.progressTimer) return;
    this.progressTimer = setInterval(() => {
      const revision = this.state.store.revision;
      for (const [id, entry] of this.watchers) {
        if (entry.progressNotify && entry.quiet) {
          this.send({ header: this.state.header(revision), watchId: id }, revision);
        }
        entry.quiet = true;
      }
    }, this.state.progressNotifyIntervalMs);
    this.progressTimer.unref();
  }
}

/**
 * POST /v3/watch: a stream whose messages go to a WatchStream. When the request body ends the
 * watches go on; they end when the client goes away, and then they are canceled in the store.
 */
export function serveWatch(
  state: ServerState,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): void {
  const writer = new StreamWriter(response, state.durability);
  const stream = new WatchStream(state, writer);
  response.on('close', () => stream.close());
  serveStream(
    state,
    request,
    writer,
    (json) => stream.handle(json),
    () => writer.start(),
    response,
  );
}

// ---------------------------------------------------------------------------------------------
// § Leases

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

const LEASE_ENDPOINTS: Record<string, Unary> = {
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

/** The unary endpoint of the Lease service at `path` (a path routeOf accepted). */
export function leaseEndpoint(path: string): Unary {
  const endpoint = LEASE_ENDPOINTS[path];
  if (!endpoint) throw new Error(`no lease endpoint at ${path}`);
  return endpoint;
}

/**
 * POST /v3/lease/keepalive: each {"ID":...} of the request body renews that lease and is answered
 * with one line. Unlike a watch, the stream ends when the request body does.
 */
export function serveKeepAlive(
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
  serveStream(state, request, writer, handle, () => writer.end(), response);
}

// ---------------------------------------------------------------------------------------------
// The server

const MiB = 1024 * 1024;

/**
 * GET /health, as etcd answers it: {"health":"true"} once what the store wrote is on disk, 503 with
 * "false" when the disk failed.
 */
async function serveHealth(state: ServerState, response: http.ServerResponse): Promise<void> {
  const healthy = await (state.durability?.synced() ?? Promise.resolve()).then(
    () => true,
    () => false,
  );
  response.writeHead(healthy ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(JSON.stringify({ health: String(healthy) }));
}

/** One request, routed. A stream (a watch, a keep-alive) stays in `streams` until it closes. */
async function serveRequest(
  state: ServerState,
  streams: Set<http.ServerResponse>,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  const route = routeOf(request.method ?? 'GET', request.url ?? '/');
  if (route.kind === 'refused') return sendText(response, route.status, route.text, route.allow);
  if (route.kind === 'version') return sendJson(response, 200, JSON.stringify(VERSION));
  if (route.kind === 'health') return serveHealth(state, response);
  if (route.kind === 'unary') return serveUnary(state, route.path, request, response);
  streams.add(response);
  response.on('close', () => streams.delete(response));
  if (route.kind === 'watch') serveWatch(state, request, response);
  else serveKeepAlive(state, request, response);
}

/** Serves a request, answering what it throws as etcd's error JSON. */
function handleRequest(
  state: ServerState,
  streams: Set<http.ServerResponse>,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): void {
  serveRequest(state, streams, request, response).catch((error: unknown) => {
    if (response.headersSent) return response.destroy();
    // A body cut short by the limit is not read further: close the connection instead.
    if (error instanceof StoreError && error.message === requestTooLarge().message) {
      response.setHeader('connection', 'close');
    }
    sendError(response, error);
  });
}

/**
 * Revokes the expired leases every `intervalMs`, as etcd's lessor does on a timer: a lease with no
 * keep-alive dies within it. Answers the timer, to clear on close.
 */
function expireLeasesEvery(store: MvccStore, intervalMs: number): NodeJS.Timeout {
  let lastProblem = '';
  const expiry = setInterval(() => {
    try {
      store.expireLeases();
    } catch (error) {
      // Say it once, not twice a second: a store that failed keeps failing.
      const problem = (error as Error).message;
      if (problem !== lastProblem)
        console.error(`kata store: revoking expired leases failed: ${problem}`);
      lastProblem = problem;
    }
  }, intervalMs);
  expiry.unref();
  return expiry;
}

/**
 * Hands a connection accepted elsewhere (chapter 02b's client port) to an HTTP server that does
 * not listen itself, with the bytes already read put back on it. Given.
 */
export function serveConnectionOn(server: http.Server, connection: Duplex): void {
  server.emit('connection', connection);
  connection.resume();
}

export function createStoreServer(options: StoreServerOptions): StoreServer {
  const state: ServerState = {
    store: options.store,
    durability: options.durability,
    maxRequestBytes: options.maxRequestBytes ?? 1.5 * MiB,
    progressNotifyIntervalMs: options.progressNotifyIntervalMs ?? 10 * 60 * 1000,
    header: memberHeader(options.name ?? 'default'),
  };
  const streams = new Set<http.ServerResponse>();
  const handle = (request: http.IncomingMessage, response: http.ServerResponse) =>
    handleRequest(state, streams, request, response);
  const servers: http.Server[] = [];
  // Connections another listener hands over share one server that never listens.
  let shared: http.Server | undefined;
  const expiry = expireLeasesEvery(options.store, options.leaseExpiryIntervalMs ?? 500);

  return {
    serveConnection(connection) {
      if (!shared) {
        shared = http.createServer({ requestTimeout: 0 }, handle);
        servers.push(shared);
      }
      serveConnectionOn(shared, connection);
    },
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
              // The shared server never listened: its close answers at once, with an error.
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}
