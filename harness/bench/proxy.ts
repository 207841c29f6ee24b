// Benchmark of chapter 09's proxy (the reference), run with `npx kata bench proxy`. The same client
// talks to the same server twice in one run, once directly at the pod address and once through a
// ClusterIP served by the proxy, and prints:
//
//   1. bulk throughput (256 MiB written to a sink that answers when it has read them all), as a
//      ratio of through-the-proxy to direct (target at least 0.5x; Kubernetes' old userspace proxy
//      managed about 0.36x);
//   2. 64-byte request/response round trips per second on one connection, as a ratio (target at
//      least 0.65x), and the p50 latency the proxy adds; beside it, the same through a plain Node
//      relay (programs/plain-relay.ts), nothing but read and write, as a yardstick: a round trip
//      through any relay pays two more hops, each costing what the relay's runtime spends on a
//      read and a write, and a proxy written in Node cannot do better than that relay.
//
// The proxy runs as `kata run proxy` in a process of its own, and so does the pod; the client is
// this one.
//
// Then, as root with iptables, chapter 09b's iptables mode (programs/iptables-row.ts, in a network
// namespace of its own, so this machine's tables are never touched):
//
//   3. bulk throughput and 64-byte request/response through a ClusterIP whose rules the kernel
//      runs, against direct in the same namespace (target at least 0.9x for both: the kernel's
//      NAT costs next to nothing);
//   4. with 1,000 Services, the time from an EndpointSlice's change to the rules in place, p50 and
//      p99 (target p99 under 1 s), with the system's iptables and with the legacy backend.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EndpointSlice, Service } from '../api/types.ts';
import { childEndsWithProgram } from '../lifetime.ts';
import { startApiServer } from '../testing/apiserver.ts';
import { kernelTestsSkipReason } from '../testing/netns.ts';
import { toolkit } from '../components/reference-toolkit.ts';
import { BULK_BYTES, bulk, connect, median, requestResponse } from './programs/tcp-measure.ts';

const podIp = '127.244.99.2';
const clusterIp = '127.96.99.10';
const componentFile = fileURLToPath(new URL('../components/proxy.ts', import.meta.url));

// The pod runs as a process of its own, as a real pod does: a client and pod sharing one event
// loop would make the direct path free of the process hops that the proxy path pays.
const pod = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    fileURLToPath(new URL('./programs/proxy-pod.ts', import.meta.url)),
    podIp,
    String(BULK_BYTES),
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const endPod = childEndsWithProgram(pod);
const { sink: sinkPort, echo: echoPort } = await new Promise<{ sink: number; echo: number }>(
  (resolve) => pod.stdout.once('data', (line: Buffer) => resolve(JSON.parse(line.toString()))),
);

// The yardstick: a plain Node relay to the same echo port.
const relay = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    fileURLToPath(new URL('./programs/plain-relay.ts', import.meta.url)),
    '127.0.0.1',
    `${podIp}:${echoPort}`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const endRelay = childEndsWithProgram(relay);
const relayPort = await new Promise<number>((resolve) =>
  relay.stdout.once('data', (line: Buffer) => resolve(JSON.parse(line.toString()))),
);

const api = await startApiServer();
const client = toolkit.createClient({ server: api.url });
await client.resource<Service>('services', 'default').create({
  metadata: { name: 'bench', namespace: 'default' },
  spec: {
    clusterIP: clusterIp,
    ports: [
      { name: 'sink', port: 9000 },
      { name: 'echo', port: 9001 },
    ],
  },
});
// The proxy reads the Service's EndpointSlices (labelled with its name), as kube-proxy does.
await client.resource<EndpointSlice>('endpointslices', 'default').create({
  metadata: {
    name: 'bench-1',
    namespace: 'default',
    labels: { 'kubernetes.io/service-name': 'bench' },
  },
  addressType: 'IPv4',
  endpoints: [{ addresses: [podIp], conditions: { ready: true } }],
  ports: [
    { name: 'sink', port: sinkPort, protocol: 'TCP' },
    { name: 'echo', port: echoPort, protocol: 'TCP' },
  ],
});
// The proxy runs as its own program, `kata run proxy`, as kube-proxy is a process of its own.
const program = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    componentFile,
    '--master',
    api.url,
    '--node-name',
    'bench',
    '--healthz-bind-address',
    '127.0.0.1:0',
    '--use',
    'solutions',
  ],
  { stdio: 'ignore' },
);
const endProgram = childEndsWithProgram(program);
for (;;) {
  try {
    (await connect(clusterIp, 9001)).destroy();
    break;
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Warm up both paths, then measure them in turns, ROUNDS times each, and compare the medians: the
// machine's load drifts during a run, and turns spread the drift over both sides.
const ROUNDS = 5;
await bulk(podIp, sinkPort);
await bulk(clusterIp, 9000);
await requestResponse(podIp, echoPort);
await requestResponse(clusterIp, 9001);
await requestResponse('127.0.0.1', relayPort);
const bulkRates = { direct: [] as number[], proxied: [] as number[] };
const roundTrips = { direct: [] as number[], proxied: [] as number[], relayed: [] as number[] };
const latencies = { direct: [] as number[], proxied: [] as number[] };
for (let round = 0; round < ROUNDS; round++) {
  bulkRates.direct.push(await bulk(podIp, sinkPort));
  bulkRates.proxied.push(await bulk(clusterIp, 9000));
  for (const [side, host, port] of [
    ['direct', podIp, echoPort],
    ['proxied', clusterIp, 9001],
  ] as const) {
    const { rate, p50 } = await requestResponse(host, port);
    roundTrips[side].push(rate);
    latencies[side].push(p50);
  }
  roundTrips.relayed.push((await requestResponse('127.0.0.1', relayPort)).rate);
}
const directBulk = median(bulkRates.direct);
const proxiedBulk = median(bulkRates.proxied);
const direct = { rate: median(roundTrips.direct), p50: median(latencies.direct) };
const proxied = { rate: median(roundTrips.proxied), p50: median(latencies.proxied) };

const mib = (rate: number) => `${(rate / 1024 / 1024).toFixed(0)} MiB/s`;
console.log(
  `  bulk throughput: ${mib(proxiedBulk)} through the proxy, ${mib(directBulk)} direct: ` +
    `${(proxiedBulk / directBulk).toFixed(2)}x (target >= 0.5x)`,
);
// Each round measured both sides back to back; how far their ratios spread shows the machine's
// noise, which moves this figure more than anything in the proxy does.
const roundRatios = roundTrips.proxied.map((rate, round) => rate / roundTrips.direct[round]!);
console.log(
  `  64-byte request/response: ${proxied.rate.toFixed(0)}/s through the proxy, ` +
    `${direct.rate.toFixed(0)}/s direct: ${(proxied.rate / direct.rate).toFixed(2)}x (target >= 0.65x; ` +
    `rounds ${Math.min(...roundRatios).toFixed(2)}-${Math.max(...roundRatios).toFixed(2)}x)`,
);
const relayed = median(roundTrips.relayed);
console.log(
  `  the same through a plain Node relay: ${relayed.toFixed(0)}/s: ` +
    `${(relayed / direct.rate).toFixed(2)}x; the proxy makes ${(proxied.rate / relayed).toFixed(2)}x the plain relay's rate`,
);
console.log(
  `  p50 latency: ${proxied.p50.toFixed(0)} µs through the proxy, ${direct.p50.toFixed(0)} µs direct ` +
    `(+${(proxied.p50 - direct.p50).toFixed(0)} µs)`,
);

await endProgram();
await api.close();
await endPod();
await endRelay();

// The iptables rows, each run in a network namespace of its own.
const whyNot = kernelTestsSkipReason();
if (whyNot) {
  console.log(
    `  iptables mode: ${whyNot.replace('skipped: iptables tests', 'not measured: they')}`,
  );
} else {
  const row = (...args: string[]) => {
    const program = fileURLToPath(new URL('./programs/iptables-row.ts', import.meta.url));
    const child = spawnSync(
      'unshare',
      ['-n', process.execPath, '--import', 'tsx', program, ...args],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
  };
  const kernel = row('default', 'rates');
  console.log(
    `  iptables mode, bulk throughput: ${mib(kernel.bulkRules!)} through the ClusterIP, ` +
      `${mib(kernel.bulkDirect!)} direct: ${(kernel.bulkRules! / kernel.bulkDirect!).toFixed(2)}x (target >= 0.9x)`,
  );
  console.log(
    `  iptables mode, 64-byte request/response: ${kernel.rrRules!.toFixed(0)}/s through the ClusterIP, ` +
      `${kernel.rrDirect!.toFixed(0)}/s direct: ${(kernel.rrRules! / kernel.rrDirect!).toFixed(2)}x (target >= 0.9x)`,
  );
  const change = (figures: Record<string, number>, backend: string) =>
    console.log(
      `  iptables mode, EndpointSlice change to rules in place with 1,000 Services (${backend}, ` +
        `${figures.ruleLines} lines a sync): p50 ${figures.changeP50!.toFixed(0)} ms, ` +
        `p99 ${figures.changeP99!.toFixed(0)} ms (target p99 < 1000 ms)`,
    );
  change(kernel, "the system's iptables-restore");
  if (spawnSync('sh', ['-c', 'command -v iptables-legacy-restore']).status === 0)
    change(row('legacy'), 'iptables-legacy-restore');
}
