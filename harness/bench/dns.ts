// Benchmark of chapter 12's DNS server (the reference), run with `npx kata bench dns`. It prints:
//
//   1. A-record questions answered per second, from the server's informer caches, beside a bare
//      UDP echo (programs/dgram-echo.ts) asked the same questions by the same client in the same
//      run: a ratio (target at least 0.5x);
//   2. the delay from a Service's creation (the create request sent) to its name resolving, over
//      many Services: p50 and p99 (target p99 under 100 ms).
//
// The DNS server runs as `kata run dns` in a process of its own, as CoreDNS is; so does the echo.
// The client is this process: it keeps WINDOW questions in flight on one socket.
import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import dnsPacket from 'dns-packet';
import type { Service } from '../api/types.ts';
import { childEndsWithProgram } from '../lifetime.ts';
import { startApiServer } from '../testing/apiserver.ts';
import { toolkit } from '../components/reference-toolkit.ts';

const QUESTIONS = 50_000;
const WINDOW = 32;
const ROUNDS = 3;
const SERVICES = 200;
const dnsAddress = '127.0.0.1';
const program = (file: string) => fileURLToPath(new URL(file, import.meta.url));

const echo = spawn(process.execPath, ['--import', 'tsx', program('./programs/dgram-echo.ts')], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const endEcho = childEndsWithProgram(echo);
const echoPort = await new Promise<number>((resolve) =>
  echo.stdout.once('data', (line: Buffer) => resolve(JSON.parse(line.toString()))),
);

const api = await startApiServer();
const client = toolkit.createClient({ server: api.url });
const services = client.resource<Service>('services', 'default');
await services.create({
  metadata: { name: 'web', namespace: 'default' },
  spec: { clusterIP: '127.96.0.20', ports: [{ port: 80 }] },
});

// The DNS server as its own program, on a port found free now.
const dnsPort = await new Promise<number>((resolve) => {
  const probe = createSocket('udp4');
  probe.bind(0, dnsAddress, () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
const dns = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    program('../components/dns.ts'),
    '--master',
    api.url,
    '--address',
    dnsAddress,
    '--port',
    String(dnsPort),
    '--health-bind-address',
    '127.0.0.1:0',
    '--use',
    'solutions',
  ],
  { stdio: 'ignore' },
);
const endDns = childEndsWithProgram(dns);

const socket = createSocket('udp4');
await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));

/** One question and its answer, decoded; retried every 200 ms until one comes. */
async function ask(name: string, port: number): Promise<dnsPacket.DecodedPacket> {
  const id = Math.floor(Math.random() * 65535);
  const query = dnsPacket.encode({ id, type: 'query', questions: [{ name, type: 'A' }] });
  return new Promise((resolve) => {
    const retry = setInterval(() => socket.send(query, port, dnsAddress), 200);
    const onMessage = (message: Buffer) => {
      if (message.readUInt16BE(0) !== id) return;
      clearInterval(retry);
      socket.off('message', onMessage);
      resolve(dnsPacket.decode(message));
    };
    socket.on('message', onMessage);
    socket.send(query, port, dnsAddress);
  });
}

/** Waits until the server answers web.default with its ClusterIP: it runs and has synced. */
while (((await ask('web.default.svc.cluster.local', dnsPort)).answers ?? []).length === 0) {
  await new Promise((resolve) => setTimeout(resolve, 50));
}

/**
 * QUESTIONS A questions for web.default to `port`, WINDOW in flight: answers per second. A lost
 * datagram is replaced by the next top-up (every 100 ms); the run ends when all are answered, or
 * when all are sent and nothing has come for 300 ms.
 */
function throughput(port: number): Promise<number> {
  const query = dnsPacket.encode({
    id: 7,
    type: 'query',
    questions: [{ name: 'web.default.svc.cluster.local', type: 'A' }],
  });
  return new Promise((resolve) => {
    let sent = 0;
    let answered = 0;
    const started = performance.now();
    let lastAnswer = started;
    const send = () => {
      sent++;
      socket.send(query, port, dnsAddress);
    };
    const finish = () => {
      clearInterval(topUp);
      socket.off('message', onMessage);
      resolve(answered / ((lastAnswer - started) / 1000));
    };
    const topUp = setInterval(() => {
      if (sent >= QUESTIONS && performance.now() - lastAnswer > 300) return finish();
      while (sent - answered < WINDOW && sent < QUESTIONS) send();
    }, 100);
    const onMessage = () => {
      answered++;
      lastAnswer = performance.now();
      if (answered >= QUESTIONS) return finish();
      if (sent < QUESTIONS) send();
    };
    socket.on('message', onMessage);
    for (let i = 0; i < WINDOW; i++) send();
  });
}

/**
 * Creates Service `name` and asks for its name until it resolves, each question sent as soon as
 * the last NXDOMAIN came back: milliseconds from the create request to the first answer.
 */
async function creationToResolving(name: string): Promise<number> {
  const started = performance.now();
  const created = services.create({
    metadata: { name, namespace: 'default' },
    spec: {
      clusterIP: `127.96.1.${(Number(name.split('-')[1]) % 250) + 1}`,
      ports: [{ port: 80 }],
    },
  });
  for (;;) {
    const answer = await ask(`${name}.default.svc.cluster.local`, dnsPort);
    if ((answer.answers ?? []).length > 0) break;
  }
  const delay = performance.now() - started;
  await created;
  return delay;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const rates = { dns: [] as number[], echo: [] as number[] };
for (let round = 0; round < ROUNDS; round++) {
  rates.dns.push(await throughput(dnsPort));
  rates.echo.push(await throughput(echoPort));
}
const delays: number[] = [];
for (let i = 0; i < SERVICES; i++) delays.push(await creationToResolving(`svc-${i}`));
delays.sort((a, b) => a - b);
const percentile = (p: number) =>
  delays[Math.min(delays.length - 1, Math.floor(p * delays.length))]!;

const dnsRate = median(rates.dns);
const echoRate = median(rates.echo);
console.log(
  `  cached A questions: ${dnsRate.toFixed(0)}/s from the DNS server, ${echoRate.toFixed(0)}/s from a bare UDP echo: ` +
    `${(dnsRate / echoRate).toFixed(2)}x (target >= 0.5x)`,
);
console.log(
  `  Service creation to its name resolving, ${SERVICES} Services: p50 ${percentile(0.5).toFixed(1)} ms, ` +
    `p99 ${percentile(0.99).toFixed(1)} ms (target p99 < 100 ms)`,
);

socket.close();
await endDns();
await api.close();
await endEcho();
