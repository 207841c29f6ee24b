// Components start in any order (issue #20): a cluster's programs, started by hand as `kata run`
// starts them and in the wrong order, each wait for what they need and say so, and the cluster
// comes up once the store is there. The API server starts before the store; the scheduler, the
// controller-manager, a kubelet and a proxy before the API server; then the store. The node turns
// Ready and a Deployment's pod runs. The store, then the API server, stop and start again under
// the running cluster, which goes on working; and once everything is stopped, no process of it is
// left.
//
// Ports are chosen free before anything starts (the early components must be told where the late
// ones will be), the data directory is temporary, and the node's addresses are the suite's own
// block (suiteNodeIndexBase.startOrder), so a learner's cluster is never disturbed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { exampleDeployment } from '../api/examples.ts';
import type { Node, Pod } from '../api/types.ts';
import { readKubeconfig } from '../client/kubeconfig.ts';
import { nodeIp, podCidrForNode } from '../network.ts';
import { isAlive, ProcessRuntime } from '../runtime/process-runtime.ts';
import { freePort } from '../testing/free-port.ts';
import { processesOf } from '../testing/processes.ts';
import { waitFor } from '../testing/wait.ts';
import { repoRoot } from '../paths.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { suiteNodeIndexBase } from './kubectl-cluster.ts';

const index = suiteNodeIndexBase.startOrder;
const podCidr = podCidrForNode(index);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kata-start-order-'));
const runtimeDir = path.join(dataDir, 'nodes', 'node-1', 'runtime');

/** One program of the cluster: `kata run <kind>`, its output kept line by line. */
interface Program {
  kind: string;
  child: ChildProcess;
  lines: string[];
  exited: Promise<void>;
}

const programs: Program[] = [];

/** Starts `npx kata run <kind> ...args` on the reference code. */
function run(kind: string, args: string[]): Program {
  const child = spawn(
    process.execPath,
    ['harness/bin/kata.mjs', 'run', kind, ...args, '--use', 'solutions'],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } },
  );
  const program: Program = {
    kind,
    child,
    lines: [],
    exited: new Promise((resolve) => child.once('exit', () => resolve())),
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      program.lines.push(...lines);
    });
  }
  programs.push(program);
  return program;
}

/** Whether a program has printed a line matching `pattern`. */
const said = (program: Program, pattern: RegExp) => program.lines.some((l) => pattern.test(l));

/** What a program said, for a failure message. */
const output = (program: Program) => `${program.kind} said:\n${program.lines.join('\n')}`;

/** SIGTERM, SIGKILL after 10 s; resolves once it has exited. */
async function stopProgram(program: Program): Promise<void> {
  if (program.child.exitCode !== null || program.child.signalCode !== null) return;
  const timer = setTimeout(() => program.child.kill('SIGKILL'), 10_000);
  program.child.kill('SIGTERM');
  await program.exited;
  clearTimeout(timer);
}

/** As `kata up` stops a cluster: nodes first, the store last, then the pods' processes. */
async function stopEverything(): Promise<void> {
  const order = ['proxy', 'kubelet', 'scheduler', 'controller-manager', 'apiserver', 'store'];
  for (const kind of order)
    await Promise.all(programs.filter((p) => p.kind === kind).map(stopProgram));
  await new ProcessRuntime({ stateDir: runtimeDir, podCidr }).close({ stopAll: true });
}

afterAll(async () => {
  await stopEverything();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('Components started in any order', () => {
  let storeUrl = '';
  let apiserverUrl = '';
  let apiserver: Program;
  let store: Program;
  /** Programs stopped on purpose, and started again as new ones. */
  const replaced = new Set<Program>();
  const apiserverArgs = () => [
    '--etcd-servers',
    storeUrl,
    '--secure-port',
    new URL(apiserverUrl).port,
    '--service-cluster-ip-range',
    `127.${index - 40}.0.0/16`,
  ];
  const storeArgs = () => [
    '--data-dir',
    path.join(dataDir, 'store'),
    '--listen-client-urls',
    storeUrl,
  ];

  /** Scales the Deployment early (retrying while the cluster recovers) and waits for its pods. */
  async function scaledAndRunning(replicas: number): Promise<void> {
    const client = toolkit.createClient({ server: apiserverUrl });
    await waitFor(
      async () => {
        try {
          await client.resource('deployments', 'default').scale('early', replicas);
          return true;
        } catch {
          return false;
        }
      },
      'the API server to take writes again',
      60_000,
    );
    await waitFor(
      async () => (await runningPods(client, 'early')) === replicas,
      `the Deployment scaled to ${replicas} to have its pods Running`,
      90_000,
    );
  }

  /** Every program not stopped on purpose still runs. */
  function expectAllRunning(): void {
    for (const program of programs.filter((p) => !replaced.has(p)))
      expect(program.child.exitCode, `the ${program.kind} runs on; ${output(program)}`).toBeNull();
  }

  test('the API server started before the store waits for it, and says so', async () => {
    storeUrl = `http://127.0.0.1:${await freePort()}`;
    apiserverUrl = `http://127.0.0.1:${await freePort()}`;
    apiserver = run('apiserver', apiserverArgs());
    await waitFor(
      () => said(apiserver, /waiting for the store at/) || apiserver.child.exitCode !== null,
      'the API server to say it waits for the store',
      30_000,
    );
    expect(
      apiserver.child.exitCode,
      `the API server waits instead of exiting; ${output(apiserver)}`,
    ).toBeNull();
    expect(
      apiserver.lines.find((line) => line.includes('waiting for the store')),
      'the line names the address and why the last try failed',
    ).toContain(`${storeUrl} (connection refused`);
  }, 60_000);

  test('the scheduler, the controller-manager, a kubelet and a proxy started before the API server wait for it', async () => {
    const master = ['--master', apiserverUrl];
    const early = [
      run('scheduler', [...master, '--secure-port', '0']),
      run('controller-manager', [
        ...master,
        '--node-monitor-grace-period',
        '20s',
        '--secure-port',
        '0',
      ]),
      run('kubelet', [
        ...master,
        '--node-name',
        'node-1',
        '--node-ip',
        nodeIp(index),
        '--pod-cidr',
        podCidr,
        '--root-dir',
        path.join(dataDir, 'nodes', 'node-1'),
        '--port',
        '0',
      ]),
      run('proxy', [
        ...master,
        '--node-name',
        'node-1',
        '--node-ip',
        nodeIp(index),
        '--healthz-bind-address',
        `${nodeIp(index)}:0`,
      ]),
    ];
    for (const program of early) {
      await waitFor(
        () => said(program, /waiting for the API server at/) || program.child.exitCode !== null,
        `the ${program.kind} to say it waits for the API server`,
        30_000,
      );
      expect(program.child.exitCode, `the ${program.kind} waits; ${output(program)}`).toBeNull();
    }
  }, 90_000);

  test('once the store starts, the cluster comes up: the node Ready, a Deployment’s pod Running', async () => {
    store = run('store', storeArgs());
    await waitFor(
      () => said(apiserver, /serving the Kubernetes API on/) || apiserver.child.exitCode !== null,
      'the API server to serve once the store is there',
      60_000,
    );
    expect(said(apiserver, /the store at .* answered after/), output(apiserver)).toBe(true);
    const client = toolkit.createClient({ server: apiserverUrl });
    await waitFor(
      async () =>
        (await client.resource<Node>('nodes').list()).items.some(
          (node) =>
            node.metadata.name === 'node-1' &&
            node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        ),
      'node-1 to register and turn Ready',
      90_000,
    );
    await client.resource('deployments', 'default').create(exampleDeployment('early', 1));
    await waitFor(
      async () => (await runningPods(client, 'early')) === 1,
      'the Deployment early to have a pod Running',
      90_000,
    );
    for (const program of programs.filter((p) => p !== store))
      expect(
        said(program, /answered after/),
        `the ${program.kind} says when what it waited for answered; ${output(program)}`,
      ).toBe(true);
  }, 180_000);

  test('a store that stops and starts again under the running cluster: everything goes on', async () => {
    await stopProgram(store);
    replaced.add(store);
    store = run('store', storeArgs());
    await waitFor(() => said(store, /serving client requests on/), 'the store to serve', 30_000);
    await scaledAndRunning(2);
    expectAllRunning();
  }, 180_000);

  test('an API server that stops and starts again: the components it left go on', async () => {
    await stopProgram(apiserver);
    replaced.add(apiserver);
    apiserver = run('apiserver', apiserverArgs());
    await waitFor(
      () => said(apiserver, /serving the Kubernetes API on/),
      'the API server to serve again',
      60_000,
    );
    await scaledAndRunning(3);
    expectAllRunning();
  }, 180_000);

  test('stopped, nothing of the cluster is left', async () => {
    const containers = await new ProcessRuntime({ stateDir: runtimeDir, podCidr }).listContainers();
    const pids = containers.map((container) => container.pid).filter((pid) => pid > 0);
    expect(pids.length, 'the pods had processes').toBeGreaterThan(0);
    await stopEverything();
    expect(processesOf(dataDir), 'no component, shim or container of the cluster').toEqual([]);
    for (const pid of pids) expect(isAlive(pid), `the pod process ${pid}`).toBe(false);
  }, 60_000);
});

/** How many of a Deployment's pods (app=<name>) are Running and not being deleted. */
async function runningPods(
  client: ReturnType<typeof toolkit.createClient>,
  app: string,
): Promise<number> {
  const pods = await client.resource<Pod>('pods', 'default').list({ labelSelector: `app=${app}` });
  return pods.items.filter(
    (pod) => pod.status?.phase === 'Running' && !pod.metadata.deletionTimestamp,
  ).length;
}

describe('kata up stopped by a signal', () => {
  /** `npx kata up` of one node on its own ports, folder and addresses; its output kept. */
  function up() {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'kata-up-signal-'));
    const child = spawn(
      process.execPath,
      [
        'harness/bin/kata.mjs',
        'up',
        '--nodes',
        '1',
        '--data-dir',
        folder,
        '--use',
        'solutions',
        '--store-port',
        '0',
        '--apiserver-port',
        '0',
        '--kubelet-port',
        '0',
        '--node-index-base',
        String(index + 1),
        '--service-cluster-ip-range',
        `127.${index - 39}.0.0/16`,
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
    );
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { folder, child, exited, output: () => text };
  }

  test('a closed terminal (SIGHUP) stops the cluster and its pods', async () => {
    const cluster = up();
    try {
      await waitFor(
        () => cluster.output().includes('kata cluster is up') || cluster.child.exitCode !== null,
        'the cluster to come up',
        120_000,
      );
      const apiserver = /serving the Kubernetes API on (https?:\/\/[^\s;]+)/.exec(
        cluster.output(),
      )?.[1];
      expect(apiserver, `kata up said where the API server is:\n${cluster.output()}`).toBeDefined();
      // The admin's kubeconfig: over TLS, reading it makes this process present its certificate.
      const admin = readKubeconfig(path.join(cluster.folder, 'kubeconfig'));
      expect(admin.server, 'the kubeconfig names the server kata up announced').toBe(apiserver);
      const client = toolkit.createClient(admin);
      await client.resource('deployments', 'default').create(exampleDeployment('hup', 1));
      await waitFor(
        async () => (await runningPods(client, 'hup')) === 1,
        'a pod of the cluster to run',
        90_000,
      );
      cluster.child.kill('SIGHUP');
      expect(await cluster.exited, `kata up ends well:\n${cluster.output()}`).toBe(0);
      expect(processesOf(cluster.folder), 'no component, shim or container is left').toEqual([]);
    } finally {
      cluster.child.kill('SIGKILL');
      rmSync(cluster.folder, { recursive: true, force: true });
    }
  }, 240_000);

  test('SIGTERM while the cluster starts stops what has started', async () => {
    const cluster = up();
    try {
      await waitFor(
        () =>
          /serving client requests on/.test(cluster.output()) || cluster.child.exitCode !== null,
        'the store to have started',
        60_000,
      );
      cluster.child.kill('SIGTERM');
      expect(await cluster.exited, `kata up ends well:\n${cluster.output()}`).toBe(0);
      expect(processesOf(cluster.folder), 'no process of the cluster is left').toEqual([]);
    } finally {
      cluster.child.kill('SIGKILL');
      rmSync(cluster.folder, { recursive: true, force: true });
    }
  }, 120_000);
});
