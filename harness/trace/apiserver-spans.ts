// The API server's side of a trace. A request's span (SERVER) is the child of the span its
// `traceparent` names, or the root of a new trace when it names none (kubectl sends none); under
// it, a span per stage as kube-apiserver's own tracing has them: "authentication", "admission
// <plugin>", "storage write" (the key and the store revision the write made), and, for every
// write, "watch delivery" when the watch cache hands the change to its watchers.
//
// Finding the request a stage serves. Node 20 can carry "the current request" through awaits
// only by AsyncLocalStorage, whose hooks run on every promise the server makes: they cost the
// traced cluster a tenth of its speed (`kata bench tracing`). So each stage finds its request by
// what it is handed instead: authentication gets the HTTP request itself; admission gets the user
// authentication returned, a copy made for that one request; and a storage write, deep in chapter
// 03a's storage where no request is in sight, is kept aside until a request claims it when its
// response ends, by the revision in the response's body or by the key its URL names. A write
// nobody claims (one the server makes on its own) is recorded after a few seconds with no parent.
//
// The write's cause. A controller, the scheduler or a kubelet writes because of a write it saw;
// the revision it saw is in what it sends: an update is guarded by the resourceVersion it read
// (the store compares the key's modRevision with it), a created object names its owner
// (ownerReferences) and an Endpoints or EndpointSlice names the pods it lists (targetRef). The API
// server keeps the span of each recent write by revision, key and uid (WriteLog), so each storage
// write records `kata.cause.revision` and an OpenTelemetry link to the span of the write it
// follows from: across processes and traces, one `kubectl apply` becomes one tree (./waterfall.ts).
import type http from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  ROOT_CONTEXT,
  SpanKind,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';
import type { UserInfo } from '../contracts/security.ts';
import type { ExternalAdmissionPlugin } from '../contracts/security.ts';
import type { StoreClient } from '../store/client.ts';
import type { Compare, TxnRequest } from '../store/types.ts';
import { resourceOfPath } from './client-spans.ts';
import { parseTraceparent, tracer, tracingOn, whenTracingStops } from './tracing.ts';

/** One request being served while tracing is on: its span, who sent it, what it names. */
interface ServedRequest {
  span: Span;
  /** When it began (performance.now()): a write it claims began after. */
  startedAt: number;
  user?: string;
  userAgent?: string;
  /** The storage key its URL names (an object, or the object of a subresource), if any. */
  key?: string;
  /** For a POST on a collection: the prefix of the keys it may create. */
  collection?: string;
}

const servedRequests = new WeakMap<http.IncomingMessage, ServedRequest>();
const servedByUser = new WeakMap<UserInfo, ServedRequest>();

/** The context whose span is `served`'s: the parent of its stages' spans. */
function under(served: ServedRequest | undefined): Context {
  return served ? trace.setSpan(ROOT_CONTEXT, served.span) : ROOT_CONTEXT;
}

/**
 * What a request's URL names in the store: `/api/v1/namespaces/default/pods/web/binding` →
 * key `/registry/pods/default/web`; a POST on `/apis/apps/v1/namespaces/default/deployments` →
 * collection `/registry/deployments/default/`. (Keys as chapter 03a stores objects.)
 */
export function storageOfPath(target: string): { key?: string; collection?: string } {
  const segments = target
    .split('?')[0]!
    .split('/')
    .filter((segment) => segment !== '');
  let rest: string[];
  if (segments[0] === 'api') rest = segments.slice(2);
  else if (segments[0] === 'apis') rest = segments.slice(3);
  else return {};
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name] = rest;
  if (resource === undefined) return {};
  const folder =
    namespace === undefined ? `/registry/${resource}/` : `/registry/${resource}/${namespace}/`;
  return name === undefined ? { collection: folder } : { key: folder + name };
}

const WRITING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Keeps the first chunk a response ends or writes with, when it is JSON text. */
function watchBody(response: http.ServerResponse): () => string | undefined {
  let body: string | undefined;
  const keep = (chunk: unknown) => {
    if (body !== undefined) return;
    if (typeof chunk === 'string') body = chunk;
    else if (Buffer.isBuffer(chunk) && chunk[0] === 0x7b) body = chunk.toString('utf8', 0, 4096);
  };
  const { write, end } = response;
  response.write = function (this: http.ServerResponse, chunk: unknown, ...rest: unknown[]) {
    keep(chunk);
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof response.write;
  response.end = function (this: http.ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    if (typeof chunk !== 'function') keep(chunk);
    return (end as (...args: unknown[]) => http.ServerResponse).call(this, chunk, ...rest);
  } as typeof response.end;
  return () => body;
}

/** The API server's request listener, with a span for each request while tracing is on. */
export function tracedListener(listener: http.RequestListener): http.RequestListener {
  return (request, response) => {
    if (!tracingOn()) return listener(request, response);
    const parent = parseTraceparent(request.headers.traceparent);
    const parentContext = parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
    const url = request.url ?? '/';
    const method = request.method ?? 'GET';
    const span = tracer().startSpan(
      `${method} ${resourceOfPath(url) ?? url.split('?')[0]}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': method,
          'url.path': url.split('?')[0]!,
          'user_agent.original': request.headers['user-agent'] ?? '',
        },
      },
      parentContext,
    );
    const served: ServedRequest = {
      span,
      startedAt: performance.now(),
      userAgent: request.headers['user-agent'],
      ...(WRITING.has(method) ? storageOfPath(url) : {}),
    };
    servedRequests.set(request, served);
    const body = WRITING.has(method) ? watchBody(response) : undefined;
    response.once('close', () => {
      span.setAttribute('http.response.status_code', response.statusCode);
      if (served.user) span.setAttribute('enduser.id', served.user);
      if (body) claimWrites(served, body());
      span.end();
    });
    listener(request, response);
  };
}

/**
 * Authentication of `request` as a span, noting who the user is for the stages after it.
 * Returns the user to go on with: with tracing on, a copy of it made for this request, by which
 * admission finds the request again.
 */
export function tracedAuthentication(
  request: http.IncomingMessage,
  authenticate: () => UserInfo,
): UserInfo {
  const served = tracingOn() ? servedRequests.get(request) : undefined;
  if (!served) return authenticate();
  const span = tracer().startSpan('authentication', {}, under(served));
  try {
    const user = authenticate();
    span.setAttribute('enduser.id', user.username);
    served.user = user.username;
    return user;
  } finally {
    span.end();
  }
}

/** The user a request goes on as, remembered as that request's (a copy of `user`, for it alone). */
export function userOfRequest(request: http.IncomingMessage, user: UserInfo): UserInfo {
  const served = tracingOn() ? servedRequests.get(request) : undefined;
  if (!served) return user;
  const own = { ...user };
  servedByUser.set(own, served);
  return own;
}

/** An admission plugin whose every call is an "admission <name>" span. */
export function tracedAdmission(plugin: ExternalAdmissionPlugin): ExternalAdmissionPlugin {
  return {
    name: plugin.name,
    admit: async (request, store) => {
      const served = tracingOn() ? servedByUser.get(request.user) : undefined;
      if (!served) return plugin.admit(request, store);
      const span = tracer().startSpan(`admission ${plugin.name}`, {}, under(served));
      try {
        await plugin.admit(request, store);
      } finally {
        span.end();
      }
    },
  };
}
/** One remembered write: what it wrote, and its span once recorded. */
interface Write {
  key: string;
  span?: SpanContext;
}

/**
 * The spans of recent writes, by revision, and the last write of each key and of each uid, kept
 * for the last `capacity` writes: enough to find what a write follows from.
 */
export class WriteLog {
  private readonly byRevision = new Map<number, Write>();
  private readonly lastOfKey = new Map<string, number>();
  private readonly lastOfUid = new Map<string, number>();

  private readonly capacity: number;

  constructor(capacity = 50_000) {
    this.capacity = capacity;
  }

  record(revision: number, write: Write, uid?: string): void {
    this.byRevision.set(revision, write);
    this.lastOfKey.set(write.key, revision);
    if (uid) this.lastOfUid.set(uid, revision);
    if (this.byRevision.size > this.capacity) {
      const oldest = this.byRevision.keys().next().value!;
      this.byRevision.delete(oldest);
    }
  }

  at(revision: number): Write | undefined {
    return this.byRevision.get(revision);
  }

  lastOfKeyRevision(key: string): number | undefined {
    return this.lastOfKey.get(key);
  }

  lastOfUidRevision(uid: string): number | undefined {
    return this.lastOfUid.get(uid);
  }
}

/** The parts of a stored object that say what caused it. */
interface Written {
  metadata?: { uid?: string; ownerReferences?: { uid: string }[] };
  subsets?: { addresses?: { targetRef?: { uid?: string } }[] }[];
  endpoints?: { targetRef?: { uid?: string } }[];
}

/** The uids an Endpoints or EndpointSlice lists, through its targetRefs. */
function targetUids(object: Written): string[] {
  const fromSubsets = (object.subsets ?? []).flatMap((subset) =>
    (subset.addresses ?? []).map((address) => address.targetRef?.uid),
  );
  const fromSlice = (object.endpoints ?? []).map((endpoint) => endpoint.targetRef?.uid);
  return [...fromSubsets, ...fromSlice].filter((uid): uid is string => uid !== undefined);
}

/**
 * The revision a write follows from: the newest write of the pods it lists (an Endpoints or
 * EndpointSlice); else the revision its guard compares (the one the writer read); else, for a
 * create, the newest write of its owners; else the key's own last write (an unguarded update).
 */
export function causeOf(
  log: WriteLog,
  key: string,
  object: Written | undefined,
  guard: number | undefined,
  creating: boolean,
): number | undefined {
  const newest = (uids: string[]) => {
    const revisions = uids
      .map((uid) => log.lastOfUidRevision(uid))
      .filter((revision): revision is number => revision !== undefined);
    return revisions.length > 0 ? Math.max(...revisions) : undefined;
  };
  const targets = object ? newest(targetUids(object)) : undefined;
  if (targets !== undefined) return targets;
  if (guard !== undefined && guard > 0) return guard;
  if (creating) return newest((object?.metadata?.ownerReferences ?? []).map((owner) => owner.uid));
  return log.lastOfKeyRevision(key);
}

const decoder = new TextDecoder();

/** The put of a write transaction, and its guard: the modRevision it compares, or a create. */
function writeOf(request: TxnRequest) {
  const put = request.success?.map((op) => ('requestPut' in op ? op.requestPut : undefined))[0];
  const removal = request.success?.find((op) => 'requestDeleteRange' in op);
  const compare: Compare | undefined = request.compare?.[0];
  const guard = compare?.target === 'MOD' ? compare.modRevision : undefined;
  const creating = compare?.target === 'CREATE' && compare.createRevision === 0;
  const key = put
    ? decoder.decode(put.key)
    : removal && 'requestDeleteRange' in removal
      ? decoder.decode(removal.requestDeleteRange.key)
      : compare
        ? decoder.decode(compare.key)
        : undefined;
  return { put, key, guard, creating, deleting: removal !== undefined };
}

function parsed(value: Uint8Array | undefined): Written | undefined {
  if (!value) return undefined;
  try {
    return JSON.parse(decoder.decode(value)) as Written;
  } catch {
    return undefined; // protobuf or sealed: no cause read from it
  }
}

/** A watch delivery of a write not yet recorded: when, of what, to how many. */
interface Delivery {
  at: number;
  resource: string;
  watchers: number;
}

/** A write made, waiting for the request that made it to end and claim it. */
interface UnclaimedWrite {
  /** The WriteLog of the API server that made it. */
  log: WriteLog;
  revision: number;
  key: string;
  startedAt: number;
  endedAt: number;
  attributes: Attributes;
  cause?: number;
  deliveries: Delivery[];
}

/** How long a write waits for its request before it is recorded with no parent. */
const CLAIM_WAIT_MS = 5000;

const unclaimed = new Map<number, UnclaimedWrite>();
let sweeping: NodeJS.Timeout | undefined;

/** Records `write` as a "storage write" span under `served` (or none), then its deliveries. */
function recordWrite(write: UnclaimedWrite, served?: ServedRequest): void {
  const { log } = write;
  unclaimed.delete(write.revision);
  const causeSpan = write.cause === undefined ? undefined : log.at(write.cause)?.span;
  const span = tracer().startSpan(
    'storage write',
    {
      startTime: write.startedAt,
      attributes: {
        ...write.attributes,
        ...(served?.user ? { 'enduser.id': served.user } : {}),
        ...(served?.userAgent ? { 'user_agent.original': served.userAgent } : {}),
      },
      links: causeSpan ? [{ context: causeSpan } as Link] : [],
    },
    under(served),
  );
  span.end(write.endedAt);
  const remembered = log.at(write.revision);
  if (remembered) remembered.span = span.spanContext();
  for (const delivery of write.deliveries)
    recordDelivery(span.spanContext(), write.revision, delivery);
}

/**
 * The writes `served` made, claimed when its response ends: the one whose revision its body
 * shows (a created, updated or deleted object), or, for a body with none (a Binding's Status),
 * those of the key its URL names; only writes begun after the request began, in its keys.
 */
function claimWrites(served: ServedRequest, body: string | undefined): void {
  const shown = body === undefined ? undefined : /"resourceVersion":"(\d+)"/.exec(body)?.[1];
  const inReach = (write: UnclaimedWrite) =>
    write.startedAt >= served.startedAt &&
    (served.key !== undefined
      ? write.key === served.key
      : served.collection !== undefined && write.key.startsWith(served.collection));
  if (shown !== undefined) {
    const write = unclaimed.get(Number(shown));
    if (write && inReach(write)) recordWrite(write, served);
    return;
  }
  if (served.key === undefined) return;
  for (const write of [...unclaimed.values()]) {
    if (inReach(write)) recordWrite(write, served);
  }
}

/** Records the writes no request claimed in CLAIM_WAIT_MS (all of them when `all`). */
function sweepUnclaimed(all = false): void {
  const before = performance.now() - CLAIM_WAIT_MS;
  for (const write of [...unclaimed.values()]) {
    if (all || write.endedAt < before) recordWrite(write);
  }
  if (unclaimed.size === 0 && sweeping) {
    clearInterval(sweeping);
    sweeping = undefined;
  }
}

/**
 * The API server's store client, keeping aside each write transaction that succeeds with what a
 * "storage write" span records (the key, the revision, the write it follows from) until its
 * request claims it. `log` is the API server's WriteLog, shared with watch delivery.
 */
export function tracedStore(store: StoreClient, log: WriteLog): StoreClient {
  const traced = Object.create(store) as StoreClient;
  traced.txn = async (request) => {
    const write = tracingOn() ? writeOf(request) : undefined;
    if (!write?.key || (!write.put && !write.deleting)) return store.txn(request);
    const startedAt = performance.now();
    const answer = await store.txn(request);
    if (!answer.succeeded || !tracingOn()) return answer;
    const object = parsed(write.put?.value);
    const revision = answer.header.revision;
    const operation = write.deleting ? 'delete' : write.creating ? 'create' : 'update';
    const cause = causeOf(log, write.key, object, write.guard || undefined, write.creating);
    log.record(revision, { key: write.key }, object?.metadata?.uid);
    unclaimed.set(revision, {
      log,
      revision,
      key: write.key,
      startedAt,
      endedAt: performance.now(),
      attributes: {
        'k8s.key': write.key,
        'k8s.revision': revision,
        'k8s.operation': operation,
        'kata.succeeded': true,
        ...(cause !== undefined ? { 'kata.cause.revision': cause } : {}),
      },
      cause,
      deliveries: [],
    });
    sweeping ??= setInterval(sweepUnclaimed, 1000).unref();
    return answer;
  };
  return traced;
}

whenTracingStops(() => sweepUnclaimed(true));

/** A "watch delivery" span under the write of `revision` (its span, when known). */
function recordDelivery(write: SpanContext | undefined, revision: number, delivery: Delivery) {
  const parent = write ? trace.setSpanContext(ROOT_CONTEXT, write) : ROOT_CONTEXT;
  tracer()
    .startSpan(
      'watch delivery',
      {
        kind: SpanKind.PRODUCER,
        startTime: delivery.at,
        attributes: {
          'k8s.resource': delivery.resource,
          'k8s.revision': revision,
          'kata.watchers': delivery.watchers,
        },
      },
      parent,
    )
    .end(delivery.at);
}

/** Records that the watch cache handed the change of `revision` to `watchers` watchers. */
export function traceDelivery(
  log: WriteLog | undefined,
  resource: string,
  revision: number,
  watchers: number,
): void {
  if (!log || !tracingOn()) return;
  const delivery = { at: performance.now(), resource, watchers };
  const waiting = unclaimed.get(revision);
  if (waiting) waiting.deliveries.push(delivery);
  else recordDelivery(log.at(revision)?.span, revision, delivery);
}

/** The process's WriteLog: one API server per process is traced. */
export const apiserverWrites = new WriteLog();
