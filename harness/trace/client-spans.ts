// The client side of a trace: every API request a component sends (the learner's chapter 04
// client, informers' lists and watches, the kubelet's status writes) goes through Node's fetch,
// and fetch through one dispatcher per process (../client/tls.ts), so tracing sees each request
// there without a change to any chapter. For each request to the Kubernetes API it records a
// client span ("PUT pods/status"), and sends the `traceparent` header that makes the API server's
// span of that request its child. A watch's answer is a stream of events, each one line naming
// the object's resourceVersion, the store revision of the write it reports: for each event the
// component records "watch event" with that revision (k8s.revision), which is how a component
// that only reads, like kube-proxy, links what it did to the write that caused it; `kata trace`
// joins them by revision (./waterfall.ts).
import { context, SpanKind, trace, type Span } from '@opentelemetry/api';
import { observeRequests, type DispatchOptions } from '../client/tls.ts';
import { restClientRequests, scheduleAttempts } from '../components/prometheus.ts';
import { formatTraceparent, tracer, tracingOn } from './tracing.ts';

/** An API path's resource ("pods", "pods/status", "deployments"), or undefined for another path. */
export function resourceOfPath(target: string): string | undefined {
  const path = target.split('?')[0]!;
  const segments = path.split('/').filter((segment) => segment !== '');
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 3) rest = segments.slice(2);
  else if (segments[0] === 'apis' && segments.length >= 4) rest = segments.slice(3);
  else return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
  const [resource, , subresource] = rest;
  return subresource ? `${resource}/${subresource}` : resource;
}

/** One event line of a watch: its type and the revision its object was written at. */
export function watchEventOf(line: string): { type: string; revision: number } | undefined {
  const type = /^\{"type":"([A-Z]+)"/.exec(line)?.[1];
  if (!type || type === 'BOOKMARK' || type === 'ERROR') return undefined;
  const revision = /"resourceVersion":"(\d+)"/.exec(line)?.[1];
  return revision ? { type, revision: Number(revision) } : undefined;
}

/** The handler methods of undici's (legacy) handler interface this file watches. */
interface Handler {
  onHeaders?(status: number, ...rest: unknown[]): boolean;
  onData?(chunk: Buffer): boolean;
  onComplete?(...rest: unknown[]): void;
  onError?(error: Error): void;
}

/** What is done when a request's answer begins (its status) and when it ends. */
interface Watching {
  answered(status: number): void;
  ended(error?: Error): void;
  /** On a watch: each event line. */
  line?(line: string): void;
}

/**
 * The handler fetch gave, telling `watching` of the answer's status, its end and, on a watch,
 * each event line. Unwatched methods are the original's (the prototype).
 */
function watchedHandler(handler: Handler, watching: Watching): Handler {
  const watched = Object.create(handler) as Handler;
  let partial = '';
  watched.onHeaders = function (this: Handler, status, ...rest) {
    watching.answered(status);
    return handler.onHeaders!.call(this, status, ...rest);
  };
  if (watching.line) {
    watched.onData = function (this: Handler, chunk) {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop()!;
      for (const line of lines) watching.line!(line);
      return handler.onData!.call(this, chunk);
    };
  }
  watched.onComplete = function (this: Handler, ...rest) {
    watching.ended();
    return handler.onComplete!.call(this, ...rest);
  };
  watched.onError = function (this: Handler, error) {
    watching.ended(error);
    return handler.onError!.call(this, error);
  };
  return watched;
}

function recordWatchEvent(line: string, resource: string): void {
  const event = watchEventOf(line);
  if (!event) return;
  tracer()
    .startSpan('watch event', {
      kind: SpanKind.CONSUMER,
      attributes: {
        'k8s.resource': resource,
        'k8s.event.type': event.type,
        'k8s.revision': event.revision,
      },
    })
    .end();
}

/** Adds `name: value` to a request's headers, in whichever shape fetch gave them. */
function addHeader(options: DispatchOptions, name: string, value: string): void {
  if (Array.isArray(options.headers)) options.headers.push(name, value);
  else options.headers = { ...(options.headers ?? {}), [name]: value };
}

/** The scheduler's attempt a request is: a binding, or a pod's status (PodScheduled=False). */
function scheduleResult(method: string, resource: string, status: number): string | undefined {
  if (method === 'POST' && resource === 'pods/binding') {
    return status < 300 ? 'scheduled' : 'error';
  }
  if (resource === 'pods/status' && (method === 'PUT' || method === 'PATCH'))
    return 'unschedulable';
  return undefined;
}

/**
 * Watches every API request of this process: counts it (rest_client_requests_total; in the
 * scheduler, scheduler_schedule_attempts_total), and, while tracing is on, records a client span
 * and sends its traceparent, and records each event of a watch.
 */
export function observeClientRequests(component: string): void {
  observeRequests((options, handler, send) => {
    const resource = resourceOfPath(options.path ?? '');
    if (!resource) return send(options, handler);
    const method = options.method ?? 'GET';
    const watch = /[?&]watch=(true|1)/.test(options.path ?? '');
    const host = options.origin === undefined ? '' : new URL(String(options.origin)).host;
    const span = tracingOn()
      ? tracer().startSpan(
          `${method} ${resource}${watch ? ' watch' : ''}`,
          {
            kind: SpanKind.CLIENT,
            attributes: { 'http.request.method': method, 'url.path': options.path!.split('?')[0]! },
          },
          context.active(),
        )
      : undefined;
    if (span) addHeader(options, 'traceparent', formatTraceparent(span.spanContext()));
    const watching: Watching = {
      answered(status) {
        restClientRequests.inc({ code: String(status), method, host });
        const result = component === 'scheduler' && scheduleResult(method, resource, status);
        if (result) scheduleAttempts.inc({ result, profile: 'default-scheduler' });
        span?.setAttribute('http.response.status_code', status);
        if (watch) span?.end();
      },
      ended(error) {
        if (error) span?.recordException(error);
        if (!watch) span?.end();
      },
      ...(watch && span ? { line: (line: string) => recordWatchEvent(line, resource) } : {}),
    };
    return send(options, watchedHandler(handler as Handler, watching));
  });
}
