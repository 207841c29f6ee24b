// Benchmark of chapter 10b (the reference), run with `npx kata bench streams`: the round trip of
// `kubectl exec bb -- true` on a one-node cluster, p50 and p99, beside what it is made of, each
// measured in the same run, taking turns:
//
//   1. spawn: the kubelet's own share, starting the command (`node busybox.mjs true`) as a plain
//      local process, no network;
//   2. kubelet: an exec over a WebSocket (v5.channel.k8s.io) straight to the kubelet's /exec, over
//      TLS as the admin (the kubelet checks the certificate and asks the API server, once: the
//      answer is kept);
//   3. apiserver: the same through the API server's pods/exec, which passes the connection on
//      over its own TLS connection to the kubelet (--kubelet-client-certificate);
//   4. kubectl get: `kubectl get pod bb -o name`, kubectl's own start and one API round trip;
//   5. kubectl exec: `kubectl exec bb -- true`, the whole thing.
//
// It prints each one's p50 and p99, and the ratios that say where the time goes: exec through the
// API server over exec at the kubelet (the cost of passing the connection on), and kubectl exec
// over kubectl get (what exec adds to any kubectl command).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { startProgramCluster } from '../cluster/for-program.ts';
import { useEverywhere } from '../cluster/start.ts';
import { credentialsFor } from '../client/tls.ts';
import { kubectlFor } from '../testing/kubectl.ts';
import { percentile } from './programs/percentile.ts';

const ROUNDS = { spawn: 50, kubelet: 50, apiserver: 50, kubectl: 30 };
const busybox = fileURLToPath(new URL('../runtime/images/busybox.mjs', import.meta.url));

const { cluster, end: endCluster } = await startProgramCluster('kata-bench-streams-', {
  nodes: 1,
  use: useEverywhere('solutions'),
  storePort: 0,
  apiserverPort: 0,
  kubeletPort: 0,
  nodeIndexBase: 118,
  serviceClusterIpRange: '127.107.0.0/24',
  print: () => {},
});
const kubectl = kubectlFor(cluster.apiserver, 60_000);
// The admin's certificate and the cluster CA, for the WebSockets to the kubelet and the API server.
const admin = credentialsFor(cluster.apiserver);

/** Runs kubectl, and fails the benchmark with what it printed when it does not exit 0. */
async function run(...args: string[]): Promise<string> {
  const result = await kubectl.run(...args);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/**
 * The times, in ms, of each kind of round trip: the kinds take turns, one round each, so that
 * whatever else the machine does meanwhile falls on all of them alike.
 */
async function timedInTurns(
  kinds: Record<string, { rounds: number; once: () => Promise<unknown> }>,
): Promise<Record<string, number[]>> {
  const times: Record<string, number[]> = Object.fromEntries(
    Object.keys(kinds).map((name) => [name, []]),
  );
  const most = Math.max(...Object.values(kinds).map((kind) => kind.rounds));
  for (let round = 0; round < most; round++)
    for (const [name, kind] of Object.entries(kinds)) {
      if (round >= kind.rounds) continue;
      const start = performance.now();
      await kind.once();
      times[name]!.push(performance.now() - start);
    }
  return times;
}

/** `true` started as a local process, as the kubelet starts it. */
function spawnTrue(): Promise<void> {
  return new Promise((resolve, reject) => {
    // The environment of a container: no NODE_OPTIONS (a loader would slow every start).
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    const child = spawn(process.execPath, [busybox, 'true'], { stdio: 'ignore', env });
    child.on('error', reject);
    child.on('exit', () => resolve());
  });
}

/** An exec of `true` over a WebSocket at `url`; resolves once the status came and it closed. */
function execTrue(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(
      `${url}?command=true&stdout=true&stderr=true`,
      ['v5.channel.k8s.io'],
      admin,
    );
    let status = '';
    socket.on('message', (message: Buffer) => {
      if (message[0] === 3) status += message.subarray(1).toString();
    });
    socket.on('error', reject);
    socket.on('close', () =>
      status.includes('"Success"') ? resolve() : reject(new Error(`exec ended with ${status}`)),
    );
  });
}

try {
  await run('run', 'bb', '--image=busybox', '--', 'sleep', 'infinity');
  await run('wait', '--for=condition=Ready', 'pod/bb', '--timeout=60s');
  const node = await run(
    'get',
    'node',
    '-o',
    'jsonpath={.items[0].status.addresses[0].address}:{.items[0].status.daemonEndpoints.kubeletEndpoint.Port}',
  );
  const atKubelet = `${admin ? 'wss' : 'ws'}://${node}/exec/default/bb/bb`;
  const throughApi = `${cluster.apiserver.replace('http', 'ws')}/api/v1/namespaces/default/pods/bb/exec`;
  // One of each first, so that nothing below pays for a first connection or a cold cache.
  await Promise.all([spawnTrue(), execTrue(atKubelet), execTrue(throughApi)]);
  await run('exec', 'bb', '--', 'true');
  const results = await timedInTurns({
    spawn: { rounds: ROUNDS.spawn, once: spawnTrue },
    kubelet: { rounds: ROUNDS.kubelet, once: () => execTrue(atKubelet) },
    apiserver: { rounds: ROUNDS.apiserver, once: () => execTrue(throughApi) },
    'kubectl get': { rounds: ROUNDS.kubectl, once: () => run('get', 'pod', 'bb', '-o', 'name') },
    'kubectl exec': { rounds: ROUNDS.kubectl, once: () => run('exec', 'bb', '--', 'true') },
  });
  const p50 = (name: string) => percentile(results[name]!, 0.5);
  console.log('exec of `true`, round trip (ms):');
  for (const [name, times] of Object.entries(results))
    console.log(
      `  ${name.padEnd(13)} p50 ${percentile(times, 0.5).toFixed(1).padStart(6)}  ` +
        `p99 ${percentile(times, 0.99).toFixed(1).padStart(6)}  (${times.length} rounds)`,
    );
  console.log(
    `through the API server / at the kubelet: ${(p50('apiserver') / p50('kubelet')).toFixed(2)}x (p50); ` +
      `at the kubelet / a plain spawn: ${(p50('kubelet') / p50('spawn')).toFixed(2)}x; ` +
      `kubectl exec / kubectl get: ${(p50('kubectl exec') / p50('kubectl get')).toFixed(2)}x`,
  );
} finally {
  kubectl.close();
  await endCluster();
}
