// The iptables rows of the proxy benchmark (../proxy.ts), run inside a network namespace of its
// own (`unshare -n`, as root): the kernel tables it changes are that namespace's, gone when it
// exits. Chapter 09b's reference proxy writes the rules; a pod (proxy-pod.ts) serves a sink and an
// echo; this program is the client, directly and through the ClusterIP, in turns (with the
// argument `rates`). Then 1,000 Services with a slice each, and the time from a slice's change to
// the rules holding it. It prints one line of JSON with the figures.
//
//   unshare -n node --import tsx iptables-row.ts [default|legacy|nft] [rates]
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EndpointSlice, Service } from '../../api/types.ts';
import { loadReference } from '../../components/implementation.ts';
import { toolkit } from '../../components/reference-toolkit.ts';
import { childEndsWithProgram } from '../../lifetime.ts';
import { startApiServer } from '../../testing/apiserver.ts';
import { BULK_BYTES, bulk, median, requestResponse } from './tcp-measure.ts';

const podIp = '127.244.99.2';
const clusterIp = '127.96.99.10';
const ROUNDS = 5;
const SERVICES = 1000;
const CHANGES = 100;
const backendArgument = process.argv[2] ?? 'default';
const backend = backendArgument === 'default' ? undefined : (backendArgument as 'legacy' | 'nft');
const withRates = process.argv[3] === 'rates';

spawnSync('ip', ['link', 'set', 'lo', 'up']);
const api = await startApiServer();
const client = toolkit.createClient({ server: api.url });
const services = client.resource<Service>('services', 'default');
const slices = client.resource<EndpointSlice>('endpointslices', 'default');

// The proxy, told of each rule set it puts in place.
let rules = '';
const waiting = new Set<() => void>();
const { createIptablesProxy, iptablesCommand } = await loadReference('09b', 'iptables-proxy.ts');
const proxy = createIptablesProxy({
  toolkit,
  client,
  nodeName: 'bench',
  iptables: iptablesCommand([], backend),
  onSync: (text) => {
    rules = text;
    for (const check of waiting) check();
  },
});
const stop = new AbortController();
const running = proxy.run(stop.signal);

/** Resolves with the time (performance.now()) at which rules holding `text` were in place. */
function rulesWith(text: string): Promise<number> {
  return new Promise((resolve) => {
    const check = () => {
      if (!rules.includes(text)) return;
      waiting.delete(check);
      resolve(performance.now());
    };
    waiting.add(check);
    check();
  });
}

/** A Service `name` with a ClusterIP and its slice, one endpoint per port. */
async function serviceWithSlice(
  name: string,
  ip: string,
  ports: Record<string, number>,
  at: string,
) {
  await services.create({
    metadata: { name, namespace: 'default' },
    spec: {
      clusterIP: ip,
      ports: Object.keys(ports).map((port, i) => ({ name: port, port: 9000 + i })),
    },
  });
  await slices.create({
    metadata: { name, labels: { 'kubernetes.io/service-name': name } },
    addressType: 'IPv4',
    ports: Object.entries(ports).map(([port, number]) => ({
      name: port,
      port: number,
      protocol: 'TCP',
    })),
    endpoints: [{ addresses: [at], conditions: { ready: true } }],
  });
}

// The pod, a process of its own, and the Service in front of it.
const pod = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    fileURLToPath(new URL('./proxy-pod.ts', import.meta.url)),
    podIp,
    String(BULK_BYTES),
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const endPod = childEndsWithProgram(pod);
const { sink, echo } = await new Promise<{ sink: number; echo: number }>((resolve) =>
  pod.stdout.once('data', (line: Buffer) => resolve(JSON.parse(line.toString()))),
);
await serviceWithSlice('bench', clusterIp, { sink, echo }, podIp);
await rulesWith(`--to-destination ${podIp}:${echo}`);

// Both paths, warmed up, then in turns.
const measured = {
  bulkDirect: [] as number[],
  bulkRules: [] as number[],
  rrDirect: [] as number[],
  rrRules: [] as number[],
};
if (withRates) {
  await bulk(podIp, sink);
  await bulk(clusterIp, 9000);
  await requestResponse(podIp, echo);
  await requestResponse(clusterIp, 9001);
  for (let round = 0; round < ROUNDS; round++) {
    measured.bulkDirect.push(await bulk(podIp, sink));
    measured.bulkRules.push(await bulk(clusterIp, 9000));
    measured.rrDirect.push((await requestResponse(podIp, echo)).rate);
    measured.rrRules.push((await requestResponse(clusterIp, 9001)).rate);
  }
}
await endPod();

// 1,000 Services, then changes to their slices, one at a time.
const address = (n: number) => `127.${245 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
for (let n = 1; n <= SERVICES; n++) {
  await serviceWithSlice(`svc-${n}`, `127.97.${n >> 8}.${n & 255}`, { http: 8080 }, address(n));
}
await rulesWith(`--to-destination ${address(SERVICES)}:8080`);
const delays: number[] = [];
for (let change = 1; change <= CHANGES; change++) {
  const name = `svc-${1 + ((change * 7) % SERVICES)}`;
  const moved = address(SERVICES + change);
  const current = await slices.get(name);
  const started = performance.now();
  await slices.update({
    ...current,
    endpoints: [{ addresses: [moved], conditions: { ready: true } }],
  });
  delays.push((await rulesWith(`--to-destination ${moved}:8080`)) - started);
}
delays.sort((a, b) => a - b);

stop.abort();
await running;
await api.close();
console.log(
  JSON.stringify({
    backend: backendArgument,
    ...(withRates
      ? {
          bulkDirect: median(measured.bulkDirect),
          bulkRules: median(measured.bulkRules),
          rrDirect: median(measured.rrDirect),
          rrRules: median(measured.rrRules),
        }
      : {}),
    ruleLines: rules.split('\n').length,
    changeP50: delays[Math.floor(delays.length / 2)],
    changeP99: delays[Math.ceil(delays.length * 0.99) - 1],
  }),
);
