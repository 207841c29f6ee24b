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
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { MvccStore, WatchResponse } from '../../harness/store/types.ts';
import type { Message, WatchCreateRequest, WireHeader } from '../../harness/store/wire.ts';
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

/**
 * Routes a request by its method and URL (any query string is ignored). A /v3beta/ path means
 * the same /v3/ path, as in etcd 3.4.
 *   - GET /health and GET /version; another method there is 405 "Method Not Allowed" with
 *     `allow: 'GET'`.
 *   - POST to a unary endpoint: /v3/kv/{range,put,deleterange,txn,compaction},
 *     /v3/lease/{grant,revoke,timetolive,leases}, and /v3/kv/lease/{revoke,timetolive,leases}:
 *     `{ kind: 'unary', path }` with the /v3/ path. POST /v3/watch is 'watch', POST
 *     /v3/lease/keepalive 'keepalive'. Another method on any of them is 405 "Method Not Allowed".
 *   - Any other path is 404: "Not Found" under /v3/ (the gateway's words), "404 page not found"
 *     elsewhere (Go's router's).
 */
export function routeOf(method: string, url: string): Route {
  throw new NotImplemented('routeOf', '§ The gateway');
}

/**
 * The header every answer carries, for a member of this name: a cluster ID and a member ID
 * derived from the name (64-bit, the same on every start, different for different names; a hash
 * such as node:crypto's sha256 of "cluster:<name>" does it), the revision given, and raftTerm 1
 * (a single member never holds an election).
 */
export function memberHeader(name: string): (revision: number) => WireHeader {
  throw new NotImplemented('memberHeader', '§ The gateway');
}

/** A unary endpoint: how to read its request, what to do, how to write the answer. */
export interface Unary<Request = unknown, Response = unknown> {
  request: Message<Request>;
  response: Message<Response>;
  serve(state: ServerState, request: Request): Response & { header: { revision: number } };
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
 * Serves one unary call at a /v3/ `path` routeOf accepted: reads the body (refusing one over a few
 * times maxRequestBytes as it arrives: errors.ts's "etcdserver: request is too large"), decodes it
 * with the endpoint's request schema (an empty body is an empty message; JSON that does not parse
 * is InvalidArgument), calls the store, waits for `state.durability?.synced()`, and answers 200
 * with the encoded response whose header is `state.header(revision)`. The txn endpoint also runs
 * checkRequestOps, and leaves a nested txn's own header empty, as etcd does. A KV endpoint is this
 * file's to define; a lease one comes from leaseEndpoint (§ Leases).
 */
export async function serveUnary(
  state: ServerState,
  path: string,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  throw new NotImplemented('serveUnary', '§ The gateway');
}

// ---------------------------------------------------------------------------------------------
// § Errors

/**
 * What anything thrown while serving becomes on the wire: a StoreError keeps its gRPC code and
 * message; anything else is a bug in the server, not the client's mistake: code 13 (Internal),
 * message "internal error: ...". The HTTP status is the one etcd 3.4's gateway maps the code to:
 * 3 and 11 -> 400, 5 -> 404, 9 -> 412, 14 -> 503, 13 -> 500 (the lesson has the table).
 */
export function errorAnswer(error: unknown): { status: number; code: number; message: string } {
  throw new NotImplemented('errorAnswer', '§ Errors');
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

/**
 * How big a decoded request is, as etcd's --max-request-bytes counts it: the bytes of every
 * Uint8Array in it (keys, values, range ends), however deep in objects and arrays.
 */
export function requestBytes(value: unknown): number {
  throw new NotImplemented('requestBytes', '§ Errors');
}

// ---------------------------------------------------------------------------------------------
// § Watch streams

/**
 * Splits a stream's request body into JSON messages. Clients send them back to back
 * (`{...}{...}`) or one per line, and a chunk may end anywhere, even inside a string or a
 * multi-byte character; a message ends where its outermost brace closes, and braces inside
 * strings do not count. Anything outside an object that is not white space is handed over as it
 * is, so that parsing it reports the mistake. More than `limit` bytes of an unfinished message is
 * "etcdserver: request is too large".
 */
export class JsonSplitter {
  constructor(limit: number) {
    // Keep the limit, the text not yet handed over, and where scanning it stopped.
  }

  /** Adds bytes; returns the messages they completed, in order. */
  push(chunk: Buffer): string[] {
    throw new NotImplemented('JsonSplitter.push', '§ Watch streams');
  }

  /** What is left when the body ends: an unfinished message, or undefined for nothing. */
  end(): string | undefined {
    throw new NotImplemented('JsonSplitter.end', '§ Watch streams');
  }
}

/**
 * A stream's error, once the stream has started: one line
 * {"error":{"grpc_code":...,"http_code":...,"message":...,"http_status":"Bad Request"}} and a
 * newline; http_status is the status's text (node:http's STATUS_CODES).
 */
export function streamErrorLine(error: unknown): string {
  throw new NotImplemented('streamErrorLine', '§ Watch streams');
}

/** Where a stream's messages go: one {"result":...} line each, sent once `revision` is on disk. */
export interface StreamSender {
  send(result: { [name: string]: unknown }, revision: number): void;
}

/**
 * Writes a stream's answer: the 200 and its headers, then one {"result":...} line per message.
 * Without a durable store each line goes out at once; with one, `pump` holds each back until the
 * disk has it (§ Durability).
 */
export class StreamWriter implements StreamSender {
  constructor(response: http.ServerResponse, durability: Durability | undefined) {
    // Keep both, a queue of lines, and whether the response has started, is ending, is closed
    // (listen for its 'close' event).
  }

  /** Sends the 200 status line and headers (flushHeaders), once; from here on errors go in the stream. */
  start(): void {
    throw new NotImplemented('StreamWriter.start', '§ Watch streams');
  }

  /** Whether start() has run. */
  get isStarted(): boolean {
    throw new NotImplemented('StreamWriter.isStarted', '§ Watch streams');
  }

  /** Starts, then queues `{"result":...}` and a newline; it goes out once the disk holds `revision`. */
  send(result: { [name: string]: unknown }, revision: number): void {
    throw new NotImplemented('StreamWriter.send', '§ Watch streams');
  }

  /** Starts, queues streamErrorLine(error) (revision 0: no need to wait), and ends. */
  fail(error: unknown): void {
    throw new NotImplemented('StreamWriter.fail', '§ Watch streams');
  }

  /** Starts, and ends the response once everything queued has gone out. */
  end(): void {
    throw new NotImplemented('StreamWriter.end', '§ Watch streams');
  }

  /**
   * With a durable store: writes the queued lines in order, each once
   * `durability.durableThrough(revision)` resolves (revision 0: at once), and ends the response
   * when asked to and the queue is empty. Only one pump runs at a time. If the disk fails, nothing
   * more may be said on the stream but that error (streamErrorLine), and the response ends.
   */
  async pump(): Promise<void> {
    throw new NotImplemented('StreamWriter.pump', '§ Durability');
  }
}

/**
 * One POST /v3/watch: the watches a client created on it, and the messages they send back. It
 * knows nothing of HTTP: messages come in through `handle`, answers go out through the sender,
 * each a WatchResponseMessage (harness/store/wire.ts) encoded with the codec, with the revision
 * it reports. The lesson's § Watch streams has the messages, line by line.
 */
export class WatchStream {
  constructor(state: ServerState, sender: StreamSender) {
    // Keep both, and the stream's watches by ID (each with its store Watcher).
  }

  /**
   * One message of the request body (JSON.parse'd), decoded with WatchRequestMessage: a
   * create_request goes to `create`, a cancel_request to `cancel`, a progress_request to
   * `progress`; a message with none of them is ignored, as etcd ignores it.
   */
  handle(json: unknown): void {
    throw new NotImplemented('WatchStream.handle', '§ Watch streams');
  }

  /** The client went away: every watch of this stream is canceled in the store. */
  close(): void {
    throw new NotImplemented('WatchStream.close', '§ Watch streams');
  }

  /**
   * A create_request. Its range follows etcd's rules (an empty key means the smallest key, \0; a
   * range_end of \0 means every key from `key` on; any other range_end must sort after the key, or
   * `refuse` "mvcc: watcher range is empty"). Its ID is the one asked for (already in use:
   * `refuse` "mvcc: duplicate watch ID provided on the WatchStream") or the lowest free one from 0.
   * It is answered `created` at the current revision; then the store's watch starts: history the
   * store replays before watch() returns goes to `replay`, later revisions go out one message each
   * at their own revision. A start revision below the compaction goes to `compacted`;
   * progress_notify starts `startProgressTimer`.
   */
  create(request: WatchCreateRequest): void {
    throw new NotImplemented('WatchStream.create', '§ Watch streams');
  }

  /**
   * History the store replayed, sent as etcd sends a watcher catching up: the events of up to 1000
   * revisions in one message, stamped with the store's current revision.
   */
  replay(id: number, history: WatchResponse[]): void {
    throw new NotImplemented('WatchStream.replay', '§ Watch streams');
  }

  /** A watch that cannot be created: one message with watch_id -1, created, canceled and the reason. */
  refuse(reason: string, revision: number): void {
    throw new NotImplemented('WatchStream.refuse', '§ Watch streams');
  }

  /**
   * A start revision below the compaction: one message with the watch's ID, canceled, and the
   * store's compact revision; its header has no revision (0), as etcd's has none.
   */
  compacted(id: number, revision: number): void {
    throw new NotImplemented('WatchStream.compacted', '§ Watch streams');
  }

  /** A cancel_request: the watch stops and says so (canceled); an ID it does not know is ignored. */
  cancel(id: number): void {
    throw new NotImplemented('WatchStream.cancel', '§ Watch streams');
  }

  /** A progress_request: one message with the current revision and watch_id -1. */
  progress(): void {
    throw new NotImplemented('WatchStream.progress', '§ Watch streams');
  }

  /**
   * progress_notify: every state.progressNotifyIntervalMs, each watch that asked for it and sent
   * nothing since the last tick gets a message with the current revision and its ID. One timer per
   * stream (unref it), cleared by close().
   */
  startProgressTimer(): void {
    throw new NotImplemented('WatchStream.startProgressTimer', '§ Watch streams');
  }
}

/**
 * POST /v3/watch: a StreamWriter and a WatchStream; each message of the request body (split with
 * JsonSplitter, parsed) goes to WatchStream.handle. A first message that cannot be read gets an
 * ordinary error answer (nothing has been sent yet); a later one ends the stream with
 * StreamWriter.fail. When the body ends the watches go on; when the response closes (the client
 * went away) the WatchStream is closed.
 */
export function serveWatch(
  state: ServerState,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): void {
  throw new NotImplemented('serveWatch', '§ Watch streams');
}

// ---------------------------------------------------------------------------------------------
// § Leases

/**
 * The unary endpoint of the Lease service at a /v3/ path routeOf accepted: grant
 * (LeaseGrantRequestMessage -> store.leaseGrant), revoke and timetolive (LeaseIdRequestMessage),
 * leases; /v3/kv/lease/{revoke,timetolive,leases} are the same endpoints. Every answer is a
 * LeaseResponseMessage, except leases' (LeaseLeasesResponseMessage).
 */
export function leaseEndpoint(path: string): Unary {
  throw new NotImplemented('leaseEndpoint', '§ Leases');
}

/**
 * POST /v3/lease/keepalive: each {"ID":...} of the request body renews that lease
 * (store.leaseKeepAlive) and is answered with one line holding a LeaseResponseMessage. Unlike a
 * watch, the stream ends when the request body does.
 */
export function serveKeepAlive(
  state: ServerState,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): void {
  throw new NotImplemented('serveKeepAlive', '§ Leases');
}

// ---------------------------------------------------------------------------------------------
// The server

/**
 * Builds the server; nothing listens until `listen` is called. Every request goes through
 * routeOf: refusals are written with sendText, GET /version answers VERSION, GET /health
 * {"health":"true"} (or "false" with 503 when the disk failed: durability.synced() rejects), unary
 * calls go to serveUnary, the streams to serveWatch and serveKeepAlive. Anything thrown becomes
 * etcd's error answer ({"error","message","code"} from errorAnswer, as JSON, with its status);
 * after a body refused as too large, close the connection. A timer calls store.expireLeases()
 * every leaseExpiryIntervalMs (500 by default; unref it). close() stops the timer, ends open
 * streams and closes every listening server.
 */
/**
 * Hands a connection accepted elsewhere (chapter 02b's client port) to an HTTP server that does
 * not listen itself, with the bytes already read put back on it. Given.
 */
export function serveConnectionOn(server: http.Server, connection: Duplex): void {
  server.emit('connection', connection);
  connection.resume();
}

export function createStoreServer(options: StoreServerOptions): StoreServer {
  throw new NotImplemented('createStoreServer', '§ The gateway');
}
