// The whole cluster, end to end: `kata up`'s composer starts real processes (store, API server,
// controller-manager, scheduler, three kubelets and proxies) on ephemeral ports, a temporary data
// directory and node addresses of their own (127.20.0.201 on), so a learner's cluster on the
// default addresses is never disturbed. The scenario: the hello example Running and Ready; its
// NodePort answered on every node by more than one pod; the API server answering at the
// kubernetes Service; a rolling update; a pod's process killed and restarted; a node's kubelet
// stopped, the node NotReady, its pods back elsewhere; and the cluster stopped with no process
// left behind. It runs twice: on the reference solutions, and
// with the scheduler taken from a learner's chapters folder (a copy of the solution), to show
// that learner and reference components mix.
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import type { Deployment, Node, Pod, Service } from '../api/types.ts';
import { credentialsFor, presentCredentials } from '../client/tls.ts';
import {
  startCluster,
  type ClusterOptions,
  type RunningCluster,
  useEverywhere,
} from '../cluster/start.ts';
import { controlComponent } from '../kata/cluster/components.ts';
import { readManifests } from '../kata/cluster/object-verbs.ts';
import { nodeIp } from '../network.ts';
import { answeringPod } from '../testing/answering-pod.ts';
import { processesOf } from '../testing/processes.ts';
import { waitFor } from '../testing/wait.ts';
import { repoRoot } from '../paths.ts';
import { toolkit } from '../../solutions/04-client/index.ts';

const NODES = 3;
const NODE_INDEX_BASE = 200;
const temporary: string[] = [];
const running: RunningCluster[] = [];

// A test that failed midway left its cluster running on the suite's addresses: it stops before the
// next test starts one there (else the next one's DNS finds 127.100.0.10:53 taken).
afterEach(async () => {
  for (const cluster of running.splice(0)) await cluster.stop();
});

afterAll(async () => {
  for (const folder of temporary) rmSync(folder, { recursive: true, force: true });
  delete process.env.KATA_CHAPTERS_DIR;
});

function options(dataDir: string, use: ClusterOptions['use']): ClusterOptions {
  return {
    nodes: NODES,
    dataDir,
    fresh: true,
    use,
    storePort: 0,
    apiserverPort: 0,
    kubeletPort: 0,
    nodeIndexBase: NODE_INDEX_BASE,
    serviceClusterIpRange: '127.100.0.0/16',
    // Well above the kubelets' 10 s Lease renewal: a grace period shorter than the heartbeat
    // declares healthy nodes unreachable between two renewals, taints them and evicts their pods.
    nodeMonitorGracePeriod: '20s',
    print: () => {},
  };
}

const reference: ClusterOptions['use'] = useEverywhere('solutions');

/**
 * A learner's chapters folder in which chapters 04, 05 and 13c are done (copies of their
 * solutions, imports pointed back at the repository): the scheduler runs on the learner's toolkit
 * too, with the learner's VolumeBinding filter.
 */
function learnerChaptersWithScheduler(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'kata-e2e-chapters-'));
  temporary.push(folder);
  for (const name of ['04-client', '05-scheduler', '13c-storage']) {
    const chapter = path.join(folder, name);
    cpSync(path.join(repoRoot, 'solutions', name), chapter, { recursive: true });
    for (const file of readdirSync(chapter).filter((entry) => entry.endsWith('.ts'))) {
      const source = readFileSync(path.join(chapter, file), 'utf8');
      writeFileSync(path.join(chapter, file), source.replaceAll("'../../", `'${repoRoot}/`));
    }
  }
  return folder;
}

const nodeIps = Array.from({ length: NODES }, (_, n) => nodeIp(NODE_INDEX_BASE + n));

/** Whether this process may listen on a port: ports below 1024 need root, unless the sysctl allows. */
function mayListenOn(port: number): boolean {
  if (process.getuid?.() === 0) return true;
  const sysctl = '/proc/sys/net/ipv4/ip_unprivileged_port_start';
  return port >= (existsSync(sysctl) ? Number(readFileSync(sysctl, 'utf8')) : 1024);
}

/** The pid of a pod's running container process, from its node's runtime records. */
function containerPid(dataDir: string, pod: Pod): number {
  const containers = path.join(dataDir, 'nodes', pod.spec.nodeName!, 'runtime', 'containers');
  const started = readdirSync(containers)
    .map((id) => path.join(containers, id))
    .filter((folder) => {
      const record = JSON.parse(readFileSync(path.join(folder, 'container.json'), 'utf8')) as {
        labels: Record<string, string>;
      };
      return (
        record.labels['io.kubernetes.pod.name'] === pod.metadata.name &&
        existsSync(path.join(folder, 'started.json')) &&
        !existsSync(path.join(folder, 'exit.json'))
      );
    });
  const { pid } = JSON.parse(readFileSync(path.join(started[0]!, 'started.json'), 'utf8')) as {
    pid: number;
  };
  return pid;
}

/**
 * The whole story on the reference; with a learner's component mixed in, only as far as its part:
 * the cluster starts with it and the hello pods it places answer (healing is the reference's story).
 */
async function scenario(use: ClusterOptions['use'], part: 'whole' | 'placement' = 'whole') {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kata-e2e-'));
  temporary.push(dataDir);
  const cluster = await startCluster(options(dataDir, use));
  running.push(cluster);
  const components = (await (await fetch(`${cluster.controlUrl}/components`)).json()) as {
    name: string;
    chapters: string[];
  }[];
  expect(
    components.find((component) => component.name === 'scheduler')?.chapters,
    'whose scheduler runs',
  ).toEqual(
    ['05', '13c'].map(
      (chapter) => `${chapter} ${use.scheduler === 'mine' ? 'yours' : 'reference'}`,
    ),
  );
  expect(
    readFileSync(path.join(dataDir, 'logs', 'scheduler.log'), 'utf8'),
    "the scheduler's own account of whose code it runs",
  ).toMatch(use.scheduler === 'mine' ? /chapter 05, the scheduler: yours/ : /the reference/);
  const client = toolkit.createClient({ server: cluster.apiserver });
  const pods = client.resource<Pod>('pods', 'default');
  const deployments = client.resource<Deployment>('deployments', 'default');

  // The hello example, with pods that leave an unreachable node after 2 s.
  for (const object of readManifests(
    path.join(repoRoot, 'harness/examples/hello-fast-eviction.yaml'),
  )) {
    if (object.kind === 'Deployment') {
      const template = (object as Deployment).spec.template.spec;
      for (const toleration of template.tolerations ?? []) toleration.tolerationSeconds = 2;
    }
    await client
      .resource(object.kind === 'Service' ? 'services' : 'deployments', 'default')
      .create(object);
  }
  const ready = (pod: Pod) =>
    !pod.metadata.deletionTimestamp &&
    pod.status?.phase === 'Running' &&
    (pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
  const readyPods = async () => (await pods.list()).items.filter(ready);
  await waitFor(
    async () => (await readyPods()).length === 3,
    'three hello pods Running and Ready',
    60_000,
  );

  // The NodePort, on every node: more than one pod answers.
  for (const ip of nodeIps) {
    const answered = new Set<string>();
    let unanswered = 0;
    await waitFor(
      async () => {
        const pod = await answeringPod(ip, 30080);
        if (pod) answered.add(pod);
        else unanswered++;
        return answered.size >= 2;
      },
      `two different pods answering on ${ip}:30080`,
      30_000,
    ).catch((error: Error) => {
      // What the connections met, for whoever reads the failure: one pod only, or no answers.
      const met = [...answered].join(', ') || 'no pod';
      throw new Error(`${error.message}: met ${met}; ${unanswered} connections got no answer`);
    });
  }

  // The kubernetes Service leads to the API server, where pods look for it
  // (KUBERNETES_SERVICE_HOST): its proxy listener on port 443 needs the privilege to bind it.
  const kubernetes = await client.resource<Service>('services', 'default').get('kubernetes');
  const apiAddress = `${kubernetes.spec.clusterIP}:443`;
  if (mayListenOn(443)) {
    // Over TLS, as a pod would: the cluster CA vouches for the Service's IP too (a SAN).
    presentCredentials(`https://${apiAddress}`, credentialsFor(cluster.apiserver)!);
    await waitFor(
      async () =>
        (await fetch(`https://${apiAddress}/version`).catch(() => undefined))?.ok === true,
      `the API server answering at the kubernetes Service, ${apiAddress}`,
      30_000,
    );
  } else {
    console.log(`not checking ${apiAddress}: ports below 1024 need root here`);
  }

  if (part === 'placement') {
    await stopCleanly(cluster, dataDir);
    return;
  }

  // A rolling update to a new template.
  await deployments.patch('hello', {
    spec: { template: { metadata: { annotations: { 'kata.dev/rollout': 'two' } } } },
  });
  await waitFor(
    async () => {
      const hello = await deployments.get('hello');
      const status = hello.status ?? {};
      return (
        (status.observedGeneration ?? 0) >= (hello.metadata.generation ?? 0) &&
        status.updatedReplicas === 3 &&
        status.replicas === 3 &&
        status.availableReplicas === 3
      );
    },
    'the rolling update to finish',
    90_000,
  );

  // A pod's process killed: its kubelet starts it again.
  const [victim] = await readyPods();
  process.kill(containerPid(dataDir, victim!), 'SIGKILL');
  await waitFor(
    async () => {
      const pod = await pods.get(victim!.metadata.name!);
      return (pod.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 && ready(pod);
    },
    `${victim!.metadata.name} restarted and Ready again`,
    60_000,
  );

  // A node's kubelet stopped: the node goes NotReady and its pods come back on the others.
  const lost =
    (await readyPods()).find((pod) => pod.spec.nodeName === 'node-2')?.spec.nodeName ?? 'node-2';
  await controlComponent('kill', `kubelet-${lost}`, { 'data-dir': dataDir }, () => {});
  const nodes = client.resource<Node>('nodes');
  await waitFor(
    async () =>
      (await nodes.get(lost)).status?.conditions?.find((c) => c.type === 'Ready')?.status !==
      'True',
    `${lost} NotReady`,
    60_000,
  );
  await waitFor(
    async () => {
      const now = await readyPods();
      return now.length === 3 && now.every((pod) => pod.spec.nodeName !== lost);
    },
    `three Ready pods, none on ${lost}`,
    90_000,
  );

  await stopCleanly(cluster, dataDir);
}

/** Stopped: nothing of the cluster, nor of its pods, is left running. */
async function stopCleanly(cluster: RunningCluster, dataDir: string) {
  await cluster.stop();
  await waitFor(
    () => processesOf(dataDir).length === 0,
    'every process of the cluster to exit',
    30_000,
  );
}

describe('The cluster, end to end', () => {
  test('on the reference solutions: hello answers, rolls, heals, survives a node, and stops cleanly', async () => {
    await scenario(reference);
  }, 300_000);

  test("with the learner's scheduler (chapters 05 and 13c as copied from their solutions) mixed in: the pods it places answer", async () => {
    process.env.KATA_CHAPTERS_DIR = learnerChaptersWithScheduler();
    try {
      await scenario({ ...reference, scheduler: 'mine' }, 'placement');
    } finally {
      delete process.env.KATA_CHAPTERS_DIR;
    }
  }, 300_000);
});
