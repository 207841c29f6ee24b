// The API server's side of a trace. A request's span (SERVER) is the child of the span its
// `traceparent` names, or the root of a new trace when it names none (kubectl sends none); under
// it, a span per stage as kube-apiserver's own tracing has them: "authentication", "admission
// <plugin>", "storage write" (the key and the store revision the write made), and, for every
// write, "watch delivery" when the watch cache hands the change to its watchers.
//
// The write's cause. A controller, the scheduler or a kubelet writes because of a write it saw;
// the revision it saw is in what it sends: an update is guarded by the resourceVersion it read
// (the store compares the key's modRevision with it), a created object names its owner
// (ownerReferences) and an Endpoints or EndpointSlice names the pods it lists (targetRef). The API
// server keeps the span of each recent write by revision, key and uid (WriteLog), so each storage
// write records `kata.cause.revision` and an OpenTelemetry link to the span of the write it
// follows from: across processes and traces, one `kubectl apply` becomes one tree (./waterfall.ts).
import type http from 'node:http';
import {
  context,
  createContextKey,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  type Link,
  type SpanContext,
} from '@opentelemetry/api';
import type { UserInfo } from '../contracts/security.ts';
import type { ExternalAdmissionPlugin } from '../contracts/security.ts';
import type { StoreClient } from '../store/client.ts';
import type { Compare, TxnRequest } from '../store/types.ts';
import { resourceOfPath } from './client-spans.ts';
import { parseTraceparent, tracer, tracingOn } from './tracing.ts';

/** What the stages of one request learn about it: who sent it. */
interface RequestNote {
  user?: string;
  userAgent?: string;
}

const NOTE = createContextKey('kata request note');

function currentNote(): RequestNote | undefined {
  return context.active().getValue(NOTE) as RequestNote | undefined;
}

/** The API server's request listener, with a span for each request while tracing is on. */
export function tracedListener(listener: http.RequestListener): http.RequestListener {
  return (request, response) => {
    if (!tracingOn()) return listener(request, response);
    const parent = parseTraceparent(request.headers.traceparent);
    const parentContext = parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
    const url = request.url ?? '/';
    const span = tracer().startSpan(
      `${request.method} ${resourceOfPath(url) ?? url.split('?')[0]}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method ?? 'GET',
          'url.path': url.split('?')[0]!,
          'user_agent.original': request.headers['user-agent'] ?? '',
        },
      },
      parentContext,
    );
    const note: RequestNote = { userAgent: request.headers['user-agent'] };
    response.once('close', () => {
      span.setAttribute('http.response.status_code', response.statusCode);
      if (note.user) span.setAttribute('enduser.id', note.user);
      span.end();
    });
    const active = trace.setSpan(parentContext, span).setValue(NOTE, note);
    context.with(active, () => listener(request, response));
  };
}

/** Authentication as a span, noting who the user is for the stages after it. */
export function tracedAuthentication(authenticate: () => UserInfo): UserInfo {
  if (!tracingOn() || trace.getActiveSpan() === undefined) return authenticate();
  const span = tracer().startSpan('authentication');
  try {
    const user = authenticate();
    span.setAttribute('enduser.id', user.username);
    const note = currentNote();
    if (note) note.user = user.username;
    return user;
  } finally {
    span.end();
  }
}

/** An admission plugin whose every call is an "admission <name>" span. */
export function tracedAdmission(plugin: ExternalAdmissionPlugin): ExternalAdmissionPlugin {
  return {
    name: plugin.name,
    admit: (request, store) => {
      if (!tracingOn()) return plugin.admit(request, store);
      return tracer().startActiveSpan(`admission ${plugin.name}`, async (span) => {
        try {
          await plugin.admit(request, store);
        } finally {
          span.end();
        }
      });
    },
  };
}

/** One remembered write: its span and what it wrote. */
interface Write {
  span: SpanContext;
  key: string;
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

/**
 * The API server's store client, with a "storage write" span for each write transaction, linked
 * to the write it follows from. `log` is the API server's WriteLog, shared with watch delivery.
 */
export function tracedStore(store: StoreClient, log: WriteLog): StoreClient {
  const traced = Object.create(store) as StoreClient;
  traced.txn = async (request) => {
    const write = tracingOn() ? writeOf(request) : undefined;
    if (!write?.key || (!write.put && !write.deleting)) return store.txn(request);
    const object = parsed(write.put?.value);
    const span = tracer().startSpan('storage write', {
      attributes: { 'k8s.key': write.key },
    });
    try {
      const answer = await store.txn(request);
      span.setAttribute('kata.succeeded', answer.succeeded);
      if (!answer.succeeded) return answer;
      const operation = write.deleting ? 'delete' : write.creating ? 'create' : 'update';
      const cause = causeOf(log, write.key, object, write.guard || undefined, write.creating);
      const note = currentNote();
      span.setAttributes({
        'k8s.revision': answer.header.revision,
        'k8s.operation': operation,
        ...(note?.user ? { 'enduser.id': note.user } : {}),
        ...(note?.userAgent ? { 'user_agent.original': note.userAgent } : {}),
        ...(cause !== undefined ? { 'kata.cause.revision': cause } : {}),
      });
      const causeWrite = cause === undefined ? undefined : log.at(cause);
      if (causeWrite) span.addLink({ context: causeWrite.span } as Link);
      log.record(
        answer.header.revision,
        { span: span.spanContext(), key: write.key },
        object?.metadata?.uid,
      );
      return answer;
    } finally {
      span.end();
    }
  };
  return traced;
}

/** Records that the watch cache handed the change of `revision` to `watchers` watchers. */
export function traceDelivery(
  log: WriteLog | undefined,
  resource: string,
  revision: number,
  watchers: number,
): void {
  if (!log || !tracingOn()) return;
  const write = log.at(revision);
  const parent = write ? trace.setSpanContext(ROOT_CONTEXT, write.span) : ROOT_CONTEXT;
  tracer()
    .startSpan(
      'watch delivery',
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'k8s.resource': resource,
          'k8s.revision': revision,
          'kata.watchers': watchers,
        },
      },
      parent,
    )
    .end();
}

/** The process's WriteLog: one API server per process is traced. */
export const apiserverWrites = new WriteLog();
