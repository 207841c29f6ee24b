// The reverse proxy: the part of an Ingress controller that carries the traffic. Each request is
// read far enough to know its host and path, matched to a route (routes.ts), sent to one of the
// backend's pods in turn (backends.ts) with X-Forwarded-* headers saying who really asked and
// how, and the pod's answer is streamed back. When nothing can answer, the proxy says so with the
// status a client understands: 404 when no rule takes the request and there is no default
// backend, 503 when the backend has no ready endpoint, 502 when the pod cannot be reached.
import http from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { IngressServiceBackend } from '../../harness/api/types.ts';
import type { Route } from './routes.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ The reverse proxy';

/** What the proxy routes by, as the controller last built it from the API. */
export interface ProxyTable {
  routes: Route[];
  /** Where requests no route takes go: the oldest served Ingress's spec.defaultBackend. */
  defaultBackend?: { namespace: string; backend: IngressServiceBackend };
  /** The "ip:port" addresses of a backend of an Ingress in `namespace`. */
  endpoints(namespace: string, backend: IngressServiceBackend): string[];
}

/**
 * The headers that tell the pod about the original request: X-Forwarded-For (the client's address
 * appended to any the request carried, so a chain of proxies stays visible), X-Forwarded-Host (the
 * Host it asked for), X-Forwarded-Proto ("https" when the client's connection was TLS, else
 * "http") and X-Forwarded-Port (the port the client connected to).
 */
export function forwardedHeaders(request: http.IncomingMessage): Record<string, string> {
  throw new NotImplemented('forwardedHeaders', section);
}

/** The proxy's request handler, for an HTTP and an HTTPS server alike; close() drops idle connections to pods. */
export interface IngressProxy {
  handle(request: http.IncomingMessage, response: http.ServerResponse): void;
  close(): void;
}

/**
 * A proxy that routes each request by `table()` (called per request, so it always sees the newest
 * rules), spreads each backend's requests over its addresses in turn, and keeps connections to the
 * pods open between requests.
 */
export function createIngressProxy(table: () => ProxyTable): IngressProxy {
  throw new NotImplemented('createIngressProxy', section);
}
