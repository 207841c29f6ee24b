// The store client: the StoreClient contract (harness/store/client.ts) over etcd's JSON API.
//
// This is what the API server (chapter 03) uses to reach its store. It speaks only etcd's wire
// format, so the same client works against the kata store and against a real etcd 3.4.
//
// Unary calls are one POST each, on kept-alive connections: opening a TCP connection per request
// would cost more than the request. Errors come back as StoreError with etcd's code and message,
// so callers can tell "compacted" from "lease not found".
//
// A watch is one long POST /v3/watch. The client hands each revision's events to the caller once,
// in order. If the connection drops, it reconnects and asks again from the revision after the last
// one it delivered, so nothing is lost or repeated. If that revision has been compacted meanwhile,
// the watch ends with `compactRevision`: the caller must read the current state again.
import http from 'node:http';
import { GrpcCode, StoreError } from '../../harness/store/errors.ts';
import type {
  ClientWatch,
  StoreClient,
  WatchEnd,
  WatchHandlers,
} from '../../harness/store/client.ts';
import type {
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  Event,
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  TxnRequest,
  TxnResponse,
  WatchRequest,
  WatchResponse,
} from '../../harness/store/types.ts';
import { decode, encode } from './codec.ts';
import {
  CompactionRequestMessage,
  CompactionResponseMessage,
  DeleteRangeRequestMessage,
  DeleteRangeResponseMessage,
  LeaseGrantRequestMessage,
  LeaseIdRequestMessage,
  LeaseResponseMessage,
  PutRequestMessage,
  PutResponseMessage,
  RangeRequestMessage,
  RangeResponseMessage,
  TxnRequestMessage,
  TxnResponseMessage,
  WatchCreateRequestMessage,
  WatchResponseMessage,
  type Message,
} from '../../harness/store/wire.ts';

export interface StoreClientOptions {
  /** The store's client URL, e.g. http://127.0.0.1:2379. */
  endpoint: string;
  /** How long a watch keeps trying to reconnect before it gives up. Default 30 s. */
  reconnectTimeoutMs?: number;
}

/**
 * The error an answer that is not 200 stands for: etcd's error body ({"message","code"}) is a
 * StoreError with its code and message; anything else is an Error that quotes the status and body.
 */
export function errorFrom(status: number, body: string): Error {
  try {
    const json = JSON.parse(body) as { message?: unknown; code?: unknown };
    if (typeof json.message === 'string' && typeof json.code === 'number') {
      return new StoreError(json.code as GrpcCode, json.message);
    }
  } catch {
    // not JSON: fall through
  }
  return new Error(`store answered HTTP ${status}: ${body.trim().slice(0, 200)}`);
}

/** Splits a streamed response into lines, each one JSON message. */
function onLines(response: http.IncomingMessage, onLine: (line: string) => void): void {
  let buffered = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) onLine(line);
      newline = buffered.indexOf('\n');
    }
  });
}

export class HttpStoreClient implements StoreClient {
  private readonly url: URL;
  private readonly agent = new http.Agent({ keepAlive: true });
  private readonly reconnectTimeoutMs: number;
  private readonly watches = new Set<ClientWatch>();

  constructor(options: StoreClientOptions | string) {
    const { endpoint, reconnectTimeoutMs } =
      typeof options === 'string' ? { endpoint: options, reconnectTimeoutMs: undefined } : options;
    this.url = new URL(endpoint);
    this.reconnectTimeoutMs = reconnectTimeoutMs ?? 30_000;
  }

  put(request: PutRequest): Promise<PutResponse> {
    return this.call('/v3/kv/put', PutRequestMessage, request, PutResponseMessage);
  }

  range(request: RangeRequest): Promise<RangeResponse> {
    return this.call('/v3/kv/range', RangeRequestMessage, request, RangeResponseMessage);
  }

  deleteRange(request: DeleteRangeRequest): Promise<DeleteRangeResponse> {
    return this.call(
      '/v3/kv/deleterange',
      DeleteRangeRequestMessage,
      request,
      DeleteRangeResponseMessage,
    );
  }

  txn(request: TxnRequest): Promise<TxnResponse> {
    return this.call('/v3/kv/txn', TxnRequestMessage, request, TxnResponseMessage);
  }

  compact(revision: number): Promise<CompactionResponse> {
    return this.call(
      '/v3/kv/compaction',
      CompactionRequestMessage,
      { revision },
      CompactionResponseMessage,
    );
  }

  async leaseGrant(ttlSeconds: number): Promise<LeaseGrantResponse> {
    const request = { ttl: ttlSeconds, id: 0n };
    const answer = await this.call(
      '/v3/lease/grant',
      LeaseGrantRequestMessage,
      request,
      LeaseResponseMessage,
    );
    return { header: answer.header, id: answer.id!, ttl: answer.ttl! };
  }

  async leaseRevoke(id: bigint): Promise<void> {
    await this.call('/v3/lease/revoke', LeaseIdRequestMessage, { id }, LeaseResponseMessage);
  }

  /** One keep-alive: the stream endpoint with a single message; it ends when our body does. */
  leaseKeepAlive(id: bigint): Promise<LeaseKeepAliveResponse> {
    const body = JSON.stringify(encode(LeaseIdRequestMessage, { id }));
    return new Promise((resolve, reject) => {
      const request = this.post('/v3/lease/keepalive', (response) => {
        if (response.statusCode !== 200)
          return readAll(response, (text) => reject(errorFrom(response.statusCode!, text)));
        let answered = false;
        onLines(response, (line) => {
          if (answered) return;
          answered = true;
          const message = JSON.parse(line) as { result?: unknown; error?: { message?: string } };
          if (!message.result)
            return reject(new Error(`keep-alive failed: ${message.error?.message ?? line}`));
          const renewed = decode(LeaseResponseMessage, message.result);
          resolve({ header: renewed.header, id: renewed.id!, ttl: renewed.ttl! });
        });
        response.on('end', () => {
          if (!answered) reject(new Error(`keep-alive for lease ${id} got no answer`));
        });
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  watch(request: WatchRequest, handlers: WatchHandlers): ClientWatch {
    const watch = new ResumingWatch(this, request, handlers, this.reconnectTimeoutMs, () =>
      this.watches.delete(watch),
    );
    this.watches.add(watch);
    return watch;
  }

  async close(): Promise<void> {
    for (const watch of this.watches) watch.cancel();
    this.agent.destroy();
  }

  /**
   * Starts a POST; the caller writes the body and ends it. Streams get a connection of their own
   * (`pooled: false`): they hold it for as long as they last, so sharing it gains nothing.
   */
  post(
    path: string,
    onResponse: (response: http.IncomingMessage) => void,
    pooled = true,
  ): http.ClientRequest {
    return http.request(
      {
        protocol: this.url.protocol,
        hostname: this.url.hostname,
        port: this.url.port,
        path,
        method: 'POST',
        agent: pooled ? this.agent : false,
        headers: { 'content-type': 'application/json' },
      },
      onResponse,
    );
  }

  private call<Request, Response>(
    path: string,
    requestMessage: Message<Request>,
    request: Request,
    responseMessage: Message<Response>,
  ): Promise<Response> {
    const body = JSON.stringify(encode(requestMessage, request));
    const attempt = (retries: number): Promise<Response> =>
      new Promise((resolve, reject) => {
        const outgoing = this.post(path, (response) => {
          readAll(response, (text) => {
            if (response.statusCode !== 200) return reject(errorFrom(response.statusCode!, text));
            try {
              resolve(decode(responseMessage, JSON.parse(text)));
            } catch (error) {
              reject(error);
            }
          });
        });
        outgoing.on('error', (error: NodeJS.ErrnoException) => {
          // A kept-alive connection the server had already closed: the request never reached it,
          // so sending it again on a fresh connection is safe (Node's documented remedy).
          if (retries > 0 && outgoing.reusedSocket && error.code === 'ECONNRESET') {
            resolve(attempt(retries - 1));
          } else {
            reject(error);
          }
        });
        outgoing.setHeader('content-length', Buffer.byteLength(body));
        outgoing.end(body);
      });
    return attempt(3);
  }
}

function readAll(response: http.IncomingMessage, onText: (text: string) => void): void {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => onText(Buffer.concat(chunks).toString('utf8')));
}

/** Shorthand for creating a client: `createStoreClient('http://127.0.0.1:2379')`. */
export function createStoreClient(options: StoreClientOptions | string): StoreClient {
  return new HttpStoreClient(options);
}

/**
 * The events of one watch message, one response per revision, in order, leaving out the revisions
 * before `from` (already handed over). etcd may pack several revisions into one message (a watcher
 * catching up on history).
 */
export function revisionsOf(events: Event[], from: number): WatchResponse[] {
  const responses: WatchResponse[] = [];
  for (const event of events) {
    const revision = event.kv.modRevision;
    if (revision < from) continue;
    const last = responses.at(-1);
    if (last?.revision === revision) last.events.push(event);
    else responses.push({ revision, events: [event] });
  }
  return responses;
}

/** One watch that survives dropped connections: what HttpStoreClient.watch returns. */
export class ResumingWatch implements ClientWatch {
  readonly created: Promise<void>;
  private readonly client: HttpStoreClient;
  private readonly request: WatchRequest;
  private readonly handlers: WatchHandlers;
  private readonly reconnectTimeoutMs: number;
  private readonly onDone: () => void;
  private confirm!: () => void;
  private refuse!: (error: Error) => void;
  private outgoing: http.ClientRequest | undefined;
  /** The first revision not yet delivered: where a reconnect starts. 0 until known. */
  private nextRevision: number;
  private done = false;
  private failingSince: number | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    client: HttpStoreClient,
    request: WatchRequest,
    handlers: WatchHandlers,
    reconnectTimeoutMs: number,
    onDone: () => void,
  ) {
    this.client = client;
    this.request = request;
    this.handlers = handlers;
    this.reconnectTimeoutMs = reconnectTimeoutMs;
    this.onDone = onDone;
    this.nextRevision = request.startRevision ?? 0;
    this.created = new Promise((resolve, reject) => {
      this.confirm = resolve;
      this.refuse = reject;
    });
    this.created.catch(() => undefined); // a caller that never awaits it must not crash the process
    this.connect();
  }

  cancel(): void {
    this.finish();
  }

  /** Opens POST /v3/watch with one create_request, from the first revision not yet delivered. */
  connect(): void {
    const create = encode(WatchCreateRequestMessage, {
      ...this.request,
      startRevision: this.nextRevision,
    });
    const outgoing = this.client.post(
      '/v3/watch',
      (response) => {
        if (response.statusCode !== 200) {
          readAll(response, (text) => this.end({ error: errorFrom(response.statusCode!, text) }));
          return;
        }
        onLines(response, (line) => this.receive(line));
        response.on('end', () => this.lost());
        response.on('error', () => this.lost());
      },
      false,
    );
    outgoing.on('error', () => this.lost());
    this.outgoing = outgoing;
    // etcd keeps the watch after the request body ends, so one message and done.
    outgoing.end(JSON.stringify({ create_request: create }));
  }

  /** One line of the watch's answer. */
  receive(line: string): void {
    if (this.done) return;
    const message = JSON.parse(line) as { result?: unknown; error?: { message?: string } };
    if (!message.result)
      return this.end({ error: new Error(`watch failed: ${message.error?.message ?? line}`) });
    const response = decode(WatchResponseMessage, message.result);
    this.failingSince = undefined;
    if (response.compactRevision) return this.end({ compactRevision: response.compactRevision });
    if (response.canceled) {
      return this.end({
        error: new Error(
          `watch canceled by the store: ${response.cancelReason || 'no reason given'}`,
        ),
      });
    }
    if (response.created) {
      // Watching "from now": pin now, so a reconnect does not skip what happens in between.
      if (this.nextRevision === 0) this.nextRevision = response.header.revision + 1;
      this.confirm();
      return;
    }
    this.deliver(response.events ?? []);
  }

  /** Hands over events one revision at a time, skipping any revision already delivered. */
  private deliver(events: Event[]): void {
    for (const response of revisionsOf(events, this.nextRevision)) {
      if (this.done) return;
      this.nextRevision = response.revision + 1;
      this.handlers.onResponse(response);
    }
  }

  /** The connection dropped: try again from the next revision, for a while. */
  lost(): void {
    if (this.done || this.retryTimer) return;
    this.outgoing?.destroy();
    const now = Date.now();
    this.failingSince ??= now;
    if (now - this.failingSince > this.reconnectTimeoutMs) {
      return this.end({
        error: new Error(
          `lost the watch connection and could not reconnect for ${this.reconnectTimeoutMs} ms`,
        ),
      });
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.done) this.connect();
    }, 100);
  }

  /** The watch is over: `created` fails if it had not settled, and onEnd hears why. */
  end(end: WatchEnd): void {
    if (this.done) return;
    this.refuse(
      end.error ?? new Error(`watch start revision was compacted (now ${end.compactRevision})`),
    );
    this.finish();
    this.handlers.onEnd?.(end);
  }

  private finish(): void {
    this.done = true;
    clearTimeout(this.retryTimer);
    this.outgoing?.destroy();
    this.onDone();
  }
}
