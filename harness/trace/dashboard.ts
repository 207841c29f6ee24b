// The dashboard's HTTP server (`kata dashboard`): one page, the cluster's view as JSON and as a
// stream of Server-Sent Events, and an object's trace and history on demand.
//
//   GET /                      the page (./dashboard.html)
//   GET /api/view              the view now (./cluster-view.ts), with the API server's metrics
//   GET /api/events            the view as Server-Sent Events: once at connect, then after changes
//   GET /api/trace?key=K       the waterfall of the last uncaused write of storage key K
//   GET /api/history?key=K     every stored revision of K: who wrote it and what changed
//
// Changes come in bursts (a Deployment scaled to 100 is hundreds of watch events), so the server
// sends the view at most once per `batchMs`: the page redraws once per batch, not once per event.
// Only /registry/ keys are read. The server listens on loopback unless told otherwise: it reads
// the cluster as its admin does, so it must not be reachable from elsewhere by accident.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DashboardView, ClusterView } from './cluster-view.ts';
import type { HistoryEntry } from './history.ts';
import type { Step } from './waterfall.ts';

/** A few numbers from the API server's /metrics, shown live: "API requests" → 1234. */
export type MetricsLine = { name: string; value: number };

/** Where the dashboard gets what it shows. */
export interface DashboardSources {
  view: ClusterView;
  /** The waterfall steps of the last uncaused write of a storage key ([] when none was traced). */
  trace(key: string): Step[];
  /** The key's stored revisions, oldest first. */
  history(key: string): Promise<HistoryEntry[]>;
  /** The numbers the metrics panel shows, as last scraped. */
  metrics?(): MetricsLine[];
}

export interface RunningDashboard {
  url: string;
  /** Tells the server the view changed: the page gets it within one batch. */
  changed(): void;
  close(): Promise<void>;
}

export interface DashboardOptions {
  port?: number;
  address?: string;
  /** At most one view per this many milliseconds to each page; 100. */
  batchMs?: number;
}

const page = readFileSync(new URL('./dashboard.html', import.meta.url), 'utf8');

/** How often an idle event stream gets a comment line, so nothing between closes it. */
const keepAliveMs = 20_000;

/** A storage key the dashboard may read: /registry/<resource>/[<namespace>/]<name>. */
export function isObjectKey(key: unknown): key is string {
  return typeof key === 'string' && /^\/registry\/[a-z0-9.-]+(\/[a-z0-9.-]+){1,2}$/.test(key);
}

function answerJson(response: http.ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

/** The view and the metrics, as the page receives them. */
function viewOf(sources: DashboardSources): DashboardView & { metrics: MetricsLine[] } {
  return { ...sources.view.view(), metrics: sources.metrics?.() ?? [] };
}

/** Starts the server; resolves once it listens. */
export function startDashboard(
  sources: DashboardSources,
  options: DashboardOptions = {},
): Promise<RunningDashboard> {
  const streams = new Set<http.ServerResponse>();
  const batchMs = options.batchMs ?? 100;
  let pending: NodeJS.Timeout | undefined;
  const send = () => {
    pending = undefined;
    const message = `event: view\ndata: ${JSON.stringify(viewOf(sources))}\n\n`;
    for (const stream of streams) stream.write(message);
  };
  const server = http.createServer((request, response) => {
    answer(sources, streams, request, response).catch((error: Error) => {
      if (!response.headersSent) answerJson(response, 500, { error: error.message });
      else response.end();
    });
  });
  const keepAlive = setInterval(() => {
    for (const stream of streams) stream.write(': keep-alive\n\n');
  }, keepAliveMs);
  return new Promise((resolve, reject) => {
    server.once('error', (error) => {
      clearInterval(keepAlive);
      reject(error);
    });
    server.listen(options.port ?? 0, options.address ?? '127.0.0.1', () => {
      const { address, port } = server.address() as AddressInfo;
      const host = address.includes(':') ? `[${address}]` : address;
      resolve({
        url: `http://${host}:${port}`,
        changed: () => {
          pending ??= setTimeout(send, batchMs);
        },
        close: async () => {
          clearInterval(keepAlive);
          clearTimeout(pending);
          for (const stream of streams) stream.end();
          server.closeAllConnections();
          await new Promise((done) => server.close(done));
        },
      });
    });
  });
}

/** Answers one request. */
async function answer(
  sources: DashboardSources,
  streams: Set<http.ServerResponse>,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://dashboard');
  if (request.method !== 'GET') {
    return answerJson(response, 405, { error: `${request.method} is not served; only GET` });
  }
  const key = url.searchParams.get('key');
  switch (url.pathname) {
    case '/':
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return void response.end(page);
    case '/api/view':
      return answerJson(response, 200, viewOf(sources));
    case '/api/events':
      response.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      response.write(`event: view\ndata: ${JSON.stringify(viewOf(sources))}\n\n`);
      streams.add(response);
      request.once('close', () => streams.delete(response));
      return;
    case '/api/trace':
    case '/api/history':
      if (!isObjectKey(key)) {
        return answerJson(response, 400, {
          error: `key must be an object's storage key, /registry/<resource>/[<namespace>/]<name>, not ${JSON.stringify(key)}`,
        });
      }
      return url.pathname === '/api/trace'
        ? answerJson(response, 200, { key, steps: sources.trace(key) })
        : answerJson(response, 200, { key, revisions: await sources.history(key) });
    default:
      return answerJson(response, 404, { error: `no such page: ${url.pathname}` });
  }
}
