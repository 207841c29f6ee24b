// Benchmark of chapter 15b's ingress controller (the reference), run with `npx kata bench ingress`.
// The same load (keep-alive GETs, 16 at a time, from a thread of their own) goes to the same pod
// twice per round: directly at the pod's address, and through the ingress controller with the
// Host header of an Ingress rule. Five rounds, interleaved, each round in another order (direct
// first, then the ingress first, then the relay first), so neither path always runs on a machine
// still busy with the one before and a busy moment of a shared machine falls on all; the load
// starts only once the controller answers the route, and after a round of each not counted
// (settled: synced, its code and connections warm). It prints the machine's load average, the
// median requests per second of each and their ratio (target at least 0.5x: every request
// through the controller pays one more HTTP hop, parsed and written
// again by a Node process, and a route and endpoint lookup). Beside them, a plain Node HTTP relay
// to the same pod, as a yardstick of what any Node reverse proxy can reach on this machine.
//
// The pod and the controller each run as a process of their own, as they do in a cluster; the API
// server they read is this process's.
import { spawn } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { EndpointSlice, Ingress, IngressClass, Service } from '../api/types.ts';
import { childEndsWithProgram } from '../lifetime.ts';
import { startApiServer } from '../testing/apiserver.ts';
import { toolkit } from '../components/reference-toolkit.ts';
import { requestsPerSecond } from './programs/get-load.ts';
import { median } from './programs/tcp-measure.ts';

const pod = spawn(
  process.execPath,
  [
    '-e',
    `const server = require('node:http').createServer((request, response) => response.end('hello from the pod\\n'));
     server.listen(0, '127.0.0.1', () => console.log(JSON.stringify(server.address().port)));`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const endPod = childEndsWithProgram(pod);
const podPort = await new Promise<number>((resolve) =>
  pod.stdout.once('data', (line: Buffer) => resolve(JSON.parse(line.toString()))),
);

const api = await startApiServer();
const client = toolkit.createClient({ server: api.url });
const namespace = 'default';
await client.resource<IngressClass>('ingressclasses').create({
  metadata: {
    name: 'kata',
    annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' },
  },
  spec: { controller: 'kubekata.dev/ingress' },
});
await client.resource<Service>('services', namespace).create({
  metadata: { name: 'web', namespace },
  spec: { clusterIP: '127.96.99.20', ports: [{ port: 80, targetPort: podPort }] },
});
await client.resource<EndpointSlice>('endpointslices', namespace).create({
  metadata: { name: 'web', namespace, labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  ports: [{ name: '', port: podPort, protocol: 'TCP' }],
  endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
});
await client.resource<Ingress>('ingresses', namespace).create({
  metadata: { name: 'web', namespace },
  spec: {
    rules: [
      {
        host: 'bench.example.com',
        http: {
          paths: [
            {
              path: '/',
              pathType: 'Prefix',
              backend: { service: { name: 'web', port: { number: 80 } } },
            },
          ],
        },
      },
    ],
  },
});

const controller = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    fileURLToPath(new URL('./programs/ingress-controller.ts', import.meta.url)),
    api.url,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const endController = childEndsWithProgram(controller);
const ingressUrl = await new Promise<string>((resolve) =>
  controller.stdout.once('data', (line: Buffer) => resolve(JSON.parse(line.toString()).http)),
);

// The yardstick: the plainest Node HTTP relay to the same pod (no routing, no headers added), in a
// process of its own. A reverse proxy written in Node pays what it pays; the controller's own cost
// is the gap between the two.
const relay = spawn(
  process.execPath,
  [
    '-e',
    `const http = require('node:http');
     const agent = new http.Agent({ keepAlive: true });
     const server = http.createServer((request, response) => {
       const upstream = http.request({ agent, host: '127.0.0.1', port: ${podPort}, method: request.method, path: request.url, headers: request.headers },
         (answer) => { response.writeHead(answer.statusCode, answer.headers); answer.pipe(response); });
       request.pipe(upstream);
     });
     server.listen(0, '127.0.0.1', () => console.log(JSON.stringify(server.address().port)));`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const endRelay = childEndsWithProgram(relay);
const relayPort = await new Promise<number>((resolve) =>
  relay.stdout.once('data', (line: Buffer) => resolve(JSON.parse(line.toString()))),
);

// Settled: the controller has read the Ingress and reaches the pod (up to 30 s). Node's fetch
// will not send a Host header of our choosing, so this asks with http.get.
const routedStatus = () =>
  new Promise<number>((resolve) => {
    http
      .get(`${ingressUrl}/`, { headers: { host: 'bench.example.com' } }, (answer) => {
        answer.resume();
        resolve(answer.statusCode ?? 0);
      })
      .on('error', () => resolve(0));
  });
for (let tries = 0; (await routedStatus()) !== 200; tries++) {
  if (tries >= 300)
    throw new Error(`the ingress controller at ${ingressUrl} never routed the bench`);
  await new Promise((resolve) => setTimeout(resolve, 100));
}

const load = { seconds: 2, concurrency: 16 };
const rounds = 5;
const relayed: number[] = [];
const direct: number[] = [];
const through: number[] = [];
const paths = [
  async () => direct.push(await requestsPerSecond(`http://127.0.0.1:${podPort}/`, load)),
  async () =>
    through.push(
      await requestsPerSecond(`${ingressUrl}/`, {
        ...load,
        headers: { host: 'bench.example.com' },
      }),
    ),
  async () => relayed.push(await requestsPerSecond(`http://127.0.0.1:${relayPort}/`, load)),
];
// One round of each path first, not counted: the controller's and the relay's code warm (JIT).
await requestsPerSecond(`${ingressUrl}/`, { ...load, headers: { host: 'bench.example.com' } });
await requestsPerSecond(`http://127.0.0.1:${relayPort}/`, load);
await requestsPerSecond(`http://127.0.0.1:${podPort}/`, load);
console.log(
  `load average at the start: ${os
    .loadavg()
    .map((each) => each.toFixed(2))
    .join(' ')}`,
);
for (let round = 1; round <= rounds; round++) {
  for (let turn = 0; turn < paths.length; turn++) await paths[(round - 1 + turn) % paths.length]!();
  console.log(
    `round ${round}: direct ${Math.round(direct.at(-1)!)} req/s, through the ingress ${Math.round(through.at(-1)!)} req/s, plain relay ${Math.round(relayed.at(-1)!)} req/s`,
  );
}
const [directRps, ingressRps] = [median(direct), median(through)];
const ratio = ingressRps / directRps;
console.log(
  `\nkeep-alive GETs, ${load.concurrency} at a time, median of ${rounds} interleaved rounds of ${load.seconds} s (load average now ${os.loadavg()[0]!.toFixed(2)}):`,
);
console.log(`  direct to the pod        ${Math.round(directRps)} req/s`);
console.log(`  through the ingress      ${Math.round(ingressRps)} req/s`);
console.log(
  `  ratio                    ${ratio.toFixed(2)}x (target at least 0.5x) ${ratio >= 0.5 ? 'ok' : 'BELOW TARGET'}`,
);
const relayRps = median(relayed);
console.log(
  `  yardstick: a plain Node HTTP relay ${Math.round(relayRps)} req/s, ${(relayRps / directRps).toFixed(2)}x direct; the ingress is ${(ingressRps / relayRps).toFixed(2)}x the relay`,
);

await endController();
await endRelay();
await endPod();
await api.close();
