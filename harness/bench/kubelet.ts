// Benchmark of chapter 06's kubelet (the reference), run with `npx kata bench kubelet`. It prints
// pod start latency, from the moment a pod is bound to the node to the moment a watch shows it
// Running, the way Kubernetes' pod startup SLO measures it (p99 at most 5 s for stateless pods):
//
//   1. one kubelet on the fake runtime, 110 pods (a full node): p50 and p99, target p99 <= 500 ms,
//      and the ratio of p99 to the SLO;
//   2. one kubelet on the process runtime, 50 pods of kata/echo (real processes): p50, p99, and the
//      memory per pod (resident set size): kata/echo's own program, and the node's container shim
//      (one process for all the node's containers, see harness/runtime/README.md) shared out over
//      the pods, target at most 5 MiB. The baseline, measured in the same run, is the shim idle:
//      the least a shim per container, the design before it, cost each container.
//
// `npx kata bench kubelet --pods N` runs N pods in each instead (a quick run, or a test's). Every
// pod's processes are stopped before it ends, by an error or Ctrl-C too (harness/lifetime.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { examplePod } from '../api/examples.ts';
import { endsWithProgram } from '../lifetime.ts';
import type { Pod } from '../api/types.ts';
import type { ContainerRuntime } from '../runtime/cri.ts';
import { FakeRuntime } from '../runtime/fake-runtime.ts';
import { ProcessRuntime } from '../runtime/process-runtime.ts';
import { startApiServer } from '../testing/apiserver.ts';
import { toolkit } from '../components/reference-toolkit.ts';
import { loadReference } from '../components/implementation.ts';
import { percentile } from './programs/percentile.ts';

const { createKubelet } = await loadReference('06', 'kubelet.ts');

const SLO_MS = 5000;
const podsFlag = process.argv.indexOf('--pods');
const pods = podsFlag > 0 ? Number(process.argv[podsFlag + 1]) : undefined;
if (pods !== undefined && !(Number.isInteger(pods) && pods > 0 && pods <= 110)) {
  console.error('kata bench kubelet: --pods takes a whole number from 1 to 110');
  process.exit(2);
}

/** Starts `count` pods on one kubelet over `runtime`; resolves with each pod's start latency. */
async function startLatencies(runtime: ContainerRuntime, podCidr: string, count: number) {
  const server = await startApiServer();
  const client = toolkit.createClient({ server: server.url });
  const stop = new AbortController();
  const kubelet = createKubelet({
    nodeName: 'node-1',
    nodeIp: '127.20.0.1',
    podCidr,
    capacity: { cpu: '64', memory: '64Gi', pods: '110' },
    toolkit,
    client,
    runtime,
    relistMs: 200,
  }).run(stop.signal);

  const boundAt = new Map<string, number>();
  const latencies: number[] = [];
  let done!: () => void;
  const allRunning = new Promise<void>((resolve) => (done = resolve));
  const watcher = toolkit.createInformer(client.resource<Pod>('pods'));
  const observe = (pod: Pod) => {
    const name = pod.metadata.name!;
    if (pod.status?.phase !== 'Running' || !boundAt.has(name)) return;
    latencies.push(performance.now() - boundAt.get(name)!);
    boundAt.delete(name);
    if (latencies.length === count) done();
  };
  watcher.addEventHandlers({ add: observe, update: (_old, pod) => observe(pod) });
  watcher.run(stop.signal);
  await watcher.waitForSync();

  // The kubelet stops (and starts nothing more) before the API server goes.
  const close = endsWithProgram(async () => {
    stop.abort();
    await kubelet;
    await server.close();
  });
  const podsApi = client.resource<Pod>('pods', 'default');
  await Promise.all(
    Array.from({ length: count }, async (_, n) => {
      const pod = examplePod(`pod-${n}`);
      pod.spec.nodeName = 'node-1';
      pod.spec.containers[0]!.ports = [{ containerPort: 8080 }];
      boundAt.set(pod.metadata.name!, performance.now());
      await podsApi.create(pod);
    }),
  );
  await allRunning;
  return { latencies, close };
}

const ms = (value: number) => `${value.toFixed(0)} ms`;
const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;

/** The resident set size of these processes together, in KiB, from ps (Linux and macOS have it). */
function residentKiB(pids: number[]): number {
  if (pids.length === 0) return 0;
  return execFileSync('ps', ['-o', 'rss=', '-p', pids.join(',')], { encoding: 'utf8' })
    .split('\n')
    .reduce((sum, line) => sum + (Number(line.trim()) || 0), 0);
}

// 1. The fake runtime: the kubelet's own cost.
{
  const count = pods ?? 110;
  const { latencies, close } = await startLatencies(new FakeRuntime(), '127.244.0.0/24', count);
  const p99 = percentile(latencies, 0.99);
  console.log(
    `one kubelet, fake runtime, ${count} pods (from binding to Running, seen through a watch)`,
  );
  console.log(
    `  p50 ${ms(percentile(latencies, 0.5))}, p99 ${ms(p99)}  ->  ${(p99 / SLO_MS).toFixed(3)}x ` +
      `Kubernetes' SLO of 5 s (target: p99 at most 500 ms)`,
  );
  await close();
}

// 2. The process runtime: real processes.
{
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'kata-bench-kubelet-'));
  const runtime = new ProcessRuntime({ stateDir, podCidr: '127.244.210.0/24' });
  // Registered first, so it runs last: after the kubelet has stopped, every pod's processes.
  const stopPods = endsWithProgram(async () => {
    await runtime.close({ stopAll: true, timeoutSeconds: 2 });
    rmSync(stateDir, { recursive: true, force: true });
  });
  const count = pods ?? 50;
  // The shim starts with the first container; started before, it is measured idle: the baseline.
  const shim = await runtime.shimProcess();
  const idleShim = residentKiB([shim]);
  const { latencies, close } = await startLatencies(runtime, '127.244.210.0/24', count);
  const pids = (await runtime.listContainers()).map((container) => container.pid).filter(Boolean);
  const programs = residentKiB(pids) / pids.length;
  const busyShim = residentKiB([shim]);
  const shimPerPod = busyShim / count;
  console.log(`one kubelet, process runtime, ${count} kata/echo pods (real processes)`);
  console.log(`  p50 ${ms(percentile(latencies, 0.5))}, p99 ${ms(percentile(latencies, 0.99))}`);
  console.log(
    `  memory per pod: kata/echo's own program ${mib(programs)}; the node's shim ${mib(shimPerPod)} ` +
      `(target: at most 5 MiB)  ->  ${(shimPerPod / idleShim).toFixed(2)}x a shim per container`,
  );
  console.log(
    `  the node's shim: ${mib(busyShim)} for ${count} containers = ${mib(idleShim)} idle ` +
      `(a shim per container cost at least that each) + ${mib(Math.max(0, busyShim - idleShim) / count)} ` +
      'for each container',
  );
  await close();
  await stopPods();
}
