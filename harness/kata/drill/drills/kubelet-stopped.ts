// A node's kubelet has stopped: the node stops renewing its Lease and goes NotReady, and nothing
// new runs there. The fix is to start the kubelet again.
import { componentsOf, ensureRunning, killComponent, restartComponent } from '../../tasks/scene.ts';
import type { Task, TaskScene } from '../../tasks/task.ts';
import { verdictOf } from '../../tasks/workloads.ts';

const node = 'node-2';
const kubelet = `kubelet-${node}`;

async function nodeReady(scene: TaskScene): Promise<boolean> {
  const found = (await scene.client.resource('nodes').get(node)) as {
    status?: { conditions?: { type: string; status: string }[] };
  };
  return found.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export const kubeletStopped: Task = {
  name: 'kubelet-stopped',
  statement: `Node \`${node}\` is NotReady (or soon will be) and runs no new pods. Make it Ready again.`,
  domain: 'CKA: Troubleshooting',
  difficulty: 'easy',
  minutes: 6,
  prepare: (scene) => killComponent(scene, kubelet),
  async verify(scene) {
    const reasons: string[] = [];
    const component = (await componentsOf(scene)).find((c) => c.name === kubelet);
    if (component?.state !== 'running') reasons.push(`the kubelet of ${node} is not running`);
    if (!(await nodeReady(scene))) reasons.push(`node ${node} is not Ready`);
    return verdictOf(reasons);
  },
  hint: 'Which process on a node reports its status to the API server? `kata components` lists them.',
  explanation:
    "The kubelet of node-2 was killed. A kubelet renews its node's Lease and status (chapter 06, " +
    'node.ts); when the renewals stop, the node-lifecycle controller ' +
    '(chapter 07) marks the node NotReady after the grace period and taints it. On a real node: ' +
    '`systemctl status kubelet`, `journalctl -u kubelet`; here `kata restart kubelet-node-2`.',
  fix: (scene) => restartComponent(scene, kubelet),
  cleanUp: (scene) => ensureRunning(scene, kubelet),
};
