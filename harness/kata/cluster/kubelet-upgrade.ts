// `kata upgrade kubelet --node NAME --use mine|solutions|auto`: one node's kubelet replaced the way
// a kubeadm node's kubelet is upgraded. On a real node that is a new kubelet package and `systemctl
// restart kubelet`, between `kubectl drain NODE --ignore-daemonsets` and `kubectl uncordon NODE`;
// here the kubelet is a process of `kata up`, and its control endpoint (harness/cluster/control.ts)
// stops it and starts it again running the other code. The node's pods keep running while no
// kubelet looks after them (its runtime's shim outlives it), and the new kubelet adopts them.
//
// It does not drain or uncordon: that stays the learner's part, as it is with kubeadm. It says
// when the node was not cordoned, and what comes next.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Node } from '../../api/types.ts';
import { readKubeconfig } from '../../client/kubeconfig.ts';
import type { ApiClient } from '../../client/types.ts';
import { isUse } from '../../components/implementation.ts';
import { toolkit } from '../../components/reference-toolkit.ts';
import { KataError, UsageError } from '../output.ts';
import { ask, dataDirOf, runningCluster, type ListedComponent } from './components.ts';

type Flags = Record<string, string | boolean | undefined>;

/** How long the node has to report Ready once its new kubelet runs. */
const readyTimeoutMs = 60_000;

function nodeReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** The Node, or a one-line error naming the nodes there are. */
async function nodeNamed(client: ApiClient, name: string): Promise<Node> {
  try {
    return await client.resource<Node>('nodes').get(name);
  } catch {
    const names = (await client.resource<Node>('nodes').list()).items.map((n) => n.metadata.name);
    throw new KataError(`no node "${name}" in the cluster; its nodes are ${names.join(', ')}`);
  }
}

/** Waits until the node's status says Ready. */
async function readyAgain(client: ApiClient, name: string): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (nodeReady(await nodeNamed(client, name))) return;
    await sleep(500);
  }
  throw new KataError(
    `node ${name} did not report Ready within ${readyTimeoutMs / 1000} s of its new kubelet: see logs/kubelet-${name}.log`,
  );
}

/** `kata upgrade kubelet --node NAME --use mine|solutions|auto [--data-dir DIR]`. */
export async function upgradeKubelet(flags: Flags): Promise<number> {
  const nodeName = flags.node;
  if (typeof nodeName !== 'string')
    throw new UsageError(
      'kata upgrade kubelet needs --node NAME: the node whose kubelet to replace',
    );
  const use = flags.use;
  if (typeof use !== 'string' || !isUse(use))
    throw new UsageError('kata upgrade needs --use mine, solutions or auto: whose code to run');
  const cluster = runningCluster(dataDirOf(flags));
  const config = readKubeconfig(cluster.kubeconfig);
  const client = toolkit.createClient({ ...config, userAgent: 'kata-upgrade' });
  const node = await nodeNamed(client, nodeName);
  const name = `kubelet-${nodeName}`;
  const listed = (await ask(`${cluster.control}/components`, 'GET')) as ListedComponent[];
  const kubelet = listed.find((component) => component.name === name);
  if (!kubelet)
    throw new KataError(
      `${nodeName}'s kubelet is not a process of this kata up (a node added by kata join runs its own: stop it and join again with --use ${use})`,
    );
  if (kubelet.use === use && kubelet.state === 'running') {
    console.log(`[upgrade/kubelet] ${name} already runs with --use ${use}: nothing to do`);
    return 0;
  }
  if (!node.spec?.unschedulable)
    console.log(
      `[upgrade/kubelet] note: ${nodeName} is not cordoned; kubeadm's flow drains it first (kubectl drain ${nodeName} --ignore-daemonsets)`,
    );
  console.log(`[upgrade/kubelet] restarting ${name} with --use ${use} (was ${kubelet.use})`);
  await ask(`${cluster.control}/restart/${encodeURIComponent(name)}?use=${use}`, 'POST');
  await readyAgain(client, nodeName);
  console.log(`[upgrade/kubelet] ${name} runs with --use ${use}; node ${nodeName} is Ready`);
  if (node.spec?.unschedulable)
    console.log(
      `[upgrade/kubelet] ${nodeName} is still cordoned: kubectl uncordon ${nodeName} lets pods back on it`,
    );
  return 0;
}
