// The GET load of the API server benchmarks (../apiserver.ts, ../authorization.ts): `concurrency`
// loops of back-to-back GETs of one URL for `seconds`, after a warm-up of 200, in a worker thread of
// their own. In the server's thread the load would compete with it for one event loop, and the
// figure would measure the client as much as the server; on its own thread (and core) it measures
// the server. The worker is plain JavaScript, so it needs no TypeScript loader.
import { Worker } from 'node:worker_threads';

const loadGenerator = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const { url, headers, seconds, concurrency } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const get = () => new Promise((resolve, reject) => {
  http.get(url, { agent, headers }, (response) => {
    response.resume();
    response.on('end', () => response.statusCode === 200 ? resolve() : reject(new Error('GET ' + url + ': ' + response.statusCode)));
  }).on('error', reject);
});
(async () => {
  for (let i = 0; i < 200; i++) await get();
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const loop = async () => { while (performance.now() < deadline) { await get(); done++; } };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  parentPort.postMessage(done / ((performance.now() - started) / 1000));
  agent.destroy();
})().catch((error) => { throw error; });
`;

export interface GetLoad {
  seconds: number;
  concurrency: number;
  /** Sent with every GET (a bearer token). */
  headers?: Record<string, string>;
}

/** Requests per second one load-generating thread gets from `url`; rejects on a non-200. */
export function requestsPerSecond(url: string, load: GetLoad): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(loadGenerator, {
      eval: true,
      workerData: { url, headers: load.headers ?? {}, ...load },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}
