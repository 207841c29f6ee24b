// Benchmark of the API server (chapter 03a's reference, with 03b's machinery), run with
// `npx tsx harness/bench/apiserver.ts` (or `npx kata bench apiserver`). It measures three things
// that decide whether a cluster built on it feels fast:
//
//   1. single-object GET requests per second, as a ratio to a bare node:http server answering the
//      same pod from memory, measured the same way in the same run (target: at least 0.6x); the
//      load comes from a worker thread, so client and server do not share one event loop. A bare
//      Express app answering the same bytes is measured too: it shows how much of the gap is the
//      framework alone;
//   2. the time to LIST 10,000 pods (target: under 1 s);
//   3. the delay from a write to its delivery to each of 100 concurrent watchers (p50 and p99).
//
// The store is chapter 01's, in process, so the figures are the API server's own cost: the path
// from HTTP to the store and back, not etcd's. Absolute numbers depend on the machine; the ratio
// and the targets are what to compare.
import http from 'node:http';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { examplePod } from '../api/examples.ts';
import { bytes } from '../store/bytes.ts';
import { startApiServer } from '../testing/apiserver.ts';
import { requestsPerSecond } from './programs/get-load.ts';
import { percentile } from './programs/percentile.ts';

const GET_SECONDS = 2;
const CONCURRENCY = 32;
const load = { seconds: GET_SECONDS, concurrency: CONCURRENCY };
const LIST_SIZE = 10_000;
const WATCHERS = 100;
const WRITES = 50;

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/** One GET on a kept-alive connection; resolves with the body's length. */
function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (response) => {
        let length = 0;
        response.on('data', (chunk: Buffer) => (length += chunk.length));
        response.on('end', () =>
          response.statusCode === 200
            ? resolve(length)
            : reject(new Error(`GET ${url}: ${response.statusCode}`)),
        );
      })
      .on('error', reject);
  });
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

const row = (what: string, figure: string, note: string) =>
  console.log(`${what.padEnd(44)} ${figure.padStart(14)}   ${note}`);

// ----------------------------------------------------------------------------------------------

const server = await startApiServer({ compactionIntervalMs: 0 });
const { store, url: apiUrl } = server;
const created = await fetch(`${apiUrl}/api/v1/namespaces/default/pods`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(examplePod('web')),
});
const podJson = await created.text();

// 1. Single-object GET, against a bare node:http server that answers the same bytes.
const bare = http.createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(podJson);
});
const bareUrl = await listen(bare);
const expressApp = express();
expressApp.use((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(podJson);
});
const bareExpress = http.createServer(expressApp);
const expressUrl = await listen(bareExpress);
// Each measured twice, alternating, and the better run kept: the first runs also warm the JIT.
const rates = { bare: 0, express: 0, api: 0 };
for (let round = 0; round < 2; round++) {
  rates.bare = Math.max(rates.bare, await requestsPerSecond(`${bareUrl}/`, load));
  rates.express = Math.max(rates.express, await requestsPerSecond(`${expressUrl}/`, load));
  rates.api = Math.max(
    rates.api,
    await requestsPerSecond(`${apiUrl}/api/v1/namespaces/default/pods/web`, load),
  );
}
const { bare: bareRate, express: expressRate, api: apiRate } = rates;
row('single-object GET, bare node:http', `${Math.round(bareRate)} req/s`, 'the baseline');
row(
  'single-object GET, bare Express, same bytes',
  `${Math.round(expressRate)} req/s`,
  `${(expressRate / bareRate).toFixed(2)}x the baseline (the framework alone)`,
);
row(
  'single-object GET, API server',
  `${Math.round(apiRate)} req/s`,
  `${(apiRate / bareRate).toFixed(2)}x the baseline (target at least 0.60x)`,
);
bare.close();
bareExpress.close();

// 2. LIST of 10,000 pods, stored directly in the store as the server stores them.
for (let i = 0; i < LIST_SIZE; i++) {
  const pod = examplePod(`pod-${String(i).padStart(5, '0')}`);
  pod.metadata.namespace = 'bulk';
  pod.metadata.uid = `uid-${i}`;
  store.put({
    key: bytes(`/registry/pods/bulk/${pod.metadata.name}`),
    value: bytes(JSON.stringify(pod)),
  });
}
const listUrl = `${apiUrl}/api/v1/namespaces/bulk/pods`;
const listed = (await (await fetch(listUrl)).json()) as { items: unknown[] };
if (listed.items.length !== LIST_SIZE)
  throw new Error(`the list has ${listed.items.length} pods, not ${LIST_SIZE}`);
const listBytes = await get(listUrl);
const listTimes: number[] = [];
for (let i = 0; i < 5; i++) {
  const started = performance.now();
  await get(listUrl);
  listTimes.push(performance.now() - started);
}
const listMs = percentile(listTimes, 0.5);
row(
  `LIST of ${LIST_SIZE.toLocaleString('en')} pods`,
  `${listMs.toFixed(0)} ms`,
  `median of 5, ${(listBytes / 1e6).toFixed(1)} MB (target under 1000 ms)`,
);

// 3. Write-to-delivery delay: 100 watchers of one namespace, 50 writes one after another.
const sentAt = new Map<string, number>();
const delays: number[] = [];
const streams: http.ClientRequest[] = [];
await Promise.all(
  Array.from(
    { length: WATCHERS },
    () =>
      new Promise<void>((resolve, reject) => {
        const request = http.get(
          `${apiUrl}/api/v1/namespaces/watched/pods?watch=true`,
          (response) => {
            let buffered = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => {
              buffered += chunk;
              let newline = buffered.indexOf('\n');
              while (newline >= 0) {
                const name = /"name":"([^"]+)"/.exec(buffered.slice(0, newline))?.[1];
                const sent = name === undefined ? undefined : sentAt.get(name);
                if (sent !== undefined) delays.push(performance.now() - sent);
                buffered = buffered.slice(newline + 1);
                newline = buffered.indexOf('\n');
              }
            });
            resolve();
          },
        );
        request.on('error', reject);
        streams.push(request);
      }),
  ),
);
await fetch(`${apiUrl}/api/v1/namespaces`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ metadata: { name: 'watched' } }),
});
for (let i = 0; i < WRITES; i++) {
  const name = `watched-${i}`;
  sentAt.set(name, performance.now());
  await fetch(`${apiUrl}/api/v1/namespaces/watched/pods`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(examplePod(name)),
  });
}
const deadline = Date.now() + 10_000;
while (delays.length < WATCHERS * WRITES && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 10));
}
row(
  `write to delivery, ${WATCHERS} watchers`,
  `p50 ${percentile(delays, 0.5).toFixed(1)} ms`,
  `p99 ${percentile(delays, 0.99).toFixed(1)} ms (${delays.length} of ${WATCHERS * WRITES} deliveries)`,
);

for (const stream of streams) stream.destroy();
agent.destroy();
await server.close();
