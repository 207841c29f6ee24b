// The store's /metrics, where etcd serves them besides its client URLs: on --listen-metrics-urls
// (kubeadm runs etcd with http://127.0.0.1:2381, which Prometheus scrapes). Prometheus' text
// format through prom-client, with etcd's names for what the kata store has:
//
//   etcd_mvcc_db_total_size_in_bytes      the data directory's size on disk (etcd: its bolt
//                                         database file; here the log and snapshot files)
//   etcd_debugging_mvcc_current_revision  the store's revision
//   etcd_server_has_leader                1: a single member leads itself
//
// and process_* and nodejs_* (prom-client's defaults). GET /health answers there too, as etcd's.
import { readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import client from 'prom-client';
import { metricsText, registry } from './prometheus.ts';

/** What the metrics read from the running store. */
export interface MeteredStore {
  dataDir: string;
  /** The store's current revision. */
  revision(): number;
}

/** The bytes of every file under `folder` (0 when it is not there). */
export function bytesUnder(folder: string): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const inside = path.join(folder, entry.name);
    if (entry.isDirectory()) total += bytesUnder(inside);
    else if (entry.isFile()) total += statSync(inside, { throwIfNoEntry: false })?.size ?? 0;
  }
  return total;
}

/** Registers the store's gauges in this process's registry (once per process). */
function registerStoreGauges(store: MeteredStore): void {
  for (const name of [
    'etcd_mvcc_db_total_size_in_bytes',
    'etcd_debugging_mvcc_current_revision',
    'etcd_server_has_leader',
  ]) {
    registry.removeSingleMetric(name);
  }
  new client.Gauge({
    name: 'etcd_mvcc_db_total_size_in_bytes',
    help: 'Total size of the underlying database physically allocated in bytes.',
    registers: [registry],
    collect() {
      this.set(bytesUnder(store.dataDir));
    },
  });
  new client.Gauge({
    name: 'etcd_debugging_mvcc_current_revision',
    help: 'The current revision of store.',
    registers: [registry],
    collect() {
      this.set(store.revision());
    },
  });
  const leader = new client.Gauge({
    name: 'etcd_server_has_leader',
    help: 'Whether or not a leader exists. 1 is existence, 0 is not.',
    registers: [registry],
  });
  leader.set(1);
}

export interface MetricsListeners {
  /** The URLs served (a port of 0 replaced by the one chosen). */
  urls: string[];
  close(): Promise<void>;
}

/** Serves /metrics and /health on each URL; throws a one-line Error naming the flag. */
export async function serveStoreMetrics(
  urls: URL[],
  store: MeteredStore,
): Promise<MetricsListeners> {
  registerStoreGauges(store);
  const servers: http.Server[] = [];
  const served: string[] = [];
  const close = () =>
    Promise.all(
      servers.map((server) => {
        server.closeAllConnections();
        return new Promise((resolve) => server.close(resolve));
      }),
    ).then(() => {});
  for (const url of urls) {
    const server = http.createServer((request, response) => {
      const asked = new URL(request.url ?? '/', 'http://store').pathname;
      if (asked === '/health') {
        response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        return void response.end('{"health":"true"}');
      }
      if (asked !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        return void response.end('404 page not found\n');
      }
      metricsText().then(
        ({ contentType, body }) => {
          response.writeHead(200, { 'content-type': contentType });
          response.end(body);
        },
        (error: Error) => {
          response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          response.end(`${error.message}\n`);
        },
      );
    });
    servers.push(server);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(Number(url.port || 80), host, () => resolve());
      });
    } catch (error) {
      await close();
      throw new Error(
        `cannot serve metrics on ${url.origin} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check --listen-metrics-urls`,
      );
    }
    const { port } = server.address() as AddressInfo;
    served.push(`http://${url.hostname}:${port}`);
  }
  return { urls: served, close };
}
