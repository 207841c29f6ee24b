// Every break-fix drill, from easy to hard. A drill is a Task (harness/kata/tasks/task.ts) in a file
// of its own here; `kata drill list` shows them in this order, and harness/e2e/drills.test.ts runs
// each on a real cluster.
import type { Task } from '../../tasks/task.ts';
import { crashLoop } from './crash-loop.ts';
import { kubeconfigServer } from './kubeconfig-server.ts';
import { kubeletStopped } from './kubelet-stopped.ts';
import { kubeletUpgrade } from './kubelet-upgrade.ts';
import { missingImage } from './missing-image.ts';
import { nodePortTaken } from './nodeport-taken.ts';
import { readinessProbe } from './readiness-probe.ts';
import { requestsTooBig } from './requests-too-big.ts';
import { schedulerDown } from './scheduler-down.ts';
import { serviceSelector } from './service-selector.ts';
import { storeLeaderLost } from './store-leader-lost.ts';
import { storeStopped } from './store-stopped.ts';
import { stuckRollout } from './stuck-rollout.ts';
import { untoleratedTaint } from './untolerated-taint.ts';
import { wrongTargetPort } from './wrong-target-port.ts';

export const drills: Task[] = [
  missingImage,
  crashLoop,
  requestsTooBig,
  serviceSelector,
  kubeletStopped,
  schedulerDown,
  kubeconfigServer,
  wrongTargetPort,
  readinessProbe,
  untoleratedTaint,
  nodePortTaken,
  kubeletUpgrade,
  stuckRollout,
  storeStopped,
  storeLeaderLost,
];

export function findDrill(name: string): Task | undefined {
  return drills.find((drill) => drill.name === name);
}
