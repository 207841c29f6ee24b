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
import { formatTraceparent, tracer } from './tracing.ts';

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

/**
 * The handler fetch gave, with the span ended when the answer ends and, on a watch, a "watch
 * event" span for each event line. Unwatched methods are the original's (the prototype).
 */
function tracedHandler(handler: Handler, span: Span, resource: string, watching: boolean) {
  const traced = Object.create(handler) as Handler;
  let partial = '';
  traced.onHeaders = function (this: Handler, status, ...rest) {
    span.setAttribute('http.response.status_code', status);
    if (watching) span.end();
    return handler.onHeaders!.call(this, status, ...rest);
  };
  if (watching) {
    traced.onData = function (this: Handler, chunk) {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop()!;
      for (const line of lines) recordWatchEvent(line, resource);
      return handler.onData!.call(this, chunk);
    };
  }
  traced.onComplete = function (this: Handler, ...rest) {
    if (!watching) span.end();
    return handler.onComplete!.call(this, ...rest);
  };
  traced.onError = function (this: Handler, error) {
    span.recordException(error);
    if (!watching) span.end();
    return handler.onError!.call(this, error);
  };
  return traced;
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

/** Records a client span for each API request of this process, and sends its traceparent. */
export function traceClientRequests(): void {
  observeRequests((options, handler, send) => {
    const resource = resourceOfPath(options.path ?? '');
    if (!resource) return send(options, handler);
    const method = options.method ?? 'GET';
    const watching = /[?&]watch=(true|1)/.test(options.path ?? '');
    const span = tracer().startSpan(
      `${method} ${resource}${watching ? ' watch' : ''}`,
      {
        kind: SpanKind.CLIENT,
        attributes: { 'http.request.method': method, 'url.path': options.path!.split('?')[0]! },
      },
      context.active(),
    );
    addHeader(options, 'traceparent', formatTraceparent(span.spanContext()));
    return send(options, tracedHandler(handler as Handler, span, resource, watching));
  });
}
