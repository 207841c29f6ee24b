// The reverse proxy: the part of an Ingress controller that carries the traffic. Each request is
// read far enough to know its host and path, matched to a route (routes.ts), sent to one of the
// backend's pods in turn (backends.ts) with X-Forwarded-* headers saying who really asked and
// how, and the pod's answer is streamed back. When nothing can answer, the proxy says so with the
// status a client understands: 404 when no rule takes the request and there is no default
// backend, 503 when the backend has no ready endpoint, 502 when the pod cannot be reached.
import http from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { IngressServiceBackend } from '../../harness/api/types.ts';
import { RoundRobin } from './backends.ts';
import { chooseRoute, requestHost, type Route } from './routes.ts';

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
  const socket = request.socket as Partial<TLSSocket>;
  const client = socket.remoteAddress ?? '';
  const earlier = request.headers['x-forwarded-for'];
  return {
    'x-forwarded-for': earlier ? `${earlier}, ${client}` : client,
    'x-forwarded-host': request.headers.host ?? '',
    'x-forwarded-proto': socket.encrypted ? 'https' : 'http',
    'x-forwarded-port': String(socket.localPort ?? ''),
  };
}

/** Answers a request the proxy itself must refuse, with a short text body. */
function refuse(response: http.ServerResponse, code: number, text: string) {
  response.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(`${text}\n`);
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
  const agent = new http.Agent({ keepAlive: true });
  const turns = new RoundRobin();
  const handle = (request: http.IncomingMessage, response: http.ServerResponse) => {
    const current = table();
    const route = chooseRoute(
      current.routes,
      requestHost(request.headers.host),
      request.url ?? '/',
    );
    const target = route ?? current.defaultBackend;
    if (!target) return refuse(response, 404, 'default backend - 404');
    const { namespace, backend } = target;
    const key = `${namespace}/${backend.name}:${backend.port?.number ?? backend.port?.name}`;
    const address = turns.next(key, current.endpoints(namespace, backend));
    if (!address) return refuse(response, 503, 'Service Unavailable');
    const separator = address.lastIndexOf(':');
    const upstream = http.request({
      agent,
      host: address.slice(0, separator),
      port: Number(address.slice(separator + 1)),
      method: request.method,
      path: request.url,
      headers: { ...request.headers, ...forwardedHeaders(request) },
    });
    upstream.on('response', (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => {
      if (!response.headersSent) refuse(response, 502, 'Bad Gateway');
      else response.destroy();
    });
    request.pipe(upstream);
  };
  return { handle, close: () => agent.destroy() };
}
