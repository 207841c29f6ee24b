// The store (the cluster's etcd) has stopped: the API server still answers, but every read and
// write fails. The fix is to start the store again.
import { componentsOf, ensureRunning, killComponent, restartComponent } from '../../tasks/scene.ts';
import type { Task } from '../../tasks/task.ts';
import { verdictOf } from '../../tasks/workloads.ts';

export const storeStopped: Task = {
  name: 'store-stopped',
  statement:
    '`kubectl get pods -A` answers with errors from the API server. Bring the cluster back.',
  domain: 'CKA: Troubleshooting',
  difficulty: 'hard',
  minutes: 8,
  prepare: (scene) => killComponent(scene, 'store'),
  async verify(scene) {
    const reasons: string[] = [];
    const store = (await componentsOf(scene)).find((component) => component.name === 'store');
    if (store && store.state !== 'running') reasons.push('the store is not running');
    try {
      await scene.client.resource('pods').list();
    } catch (error) {
      reasons.push(`listing pods fails: ${(error as Error).message.split('\n')[0]}`);
    }
    return verdictOf(reasons);
  },
  hint: 'The API server keeps no state of its own. Where does it read from, and is that running?',
  explanation:
    'The store was killed. The API server (chapter 03a) holds nothing itself: each request became a ' +
    "call to the store (chapters 01 and 02) that failed, which kubectl showed as the API server's " +
    'error (a 500 or 503). On a real control plane: `crictl ps` for etcd, its static pod manifest and ' +
    'its log. `kata restart store` brought it back on the same data, so nothing was lost.',
  fix: (scene) => restartComponent(scene, 'store'),
  cleanUp: (scene) => ensureRunning(scene, 'store'),
};
