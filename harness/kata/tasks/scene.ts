// The scene a task plays on: the cluster `kata up` runs from a data directory (its record,
// harness/cluster/state.ts), a client for its API server, and its control endpoint's kill and
// restart (harness/cluster/control.ts), which drills use to stop a component and learners to bring
// it back.
import { existsSync } from 'node:fs';
import { readKubeconfig } from '../../client/kubeconfig.ts';
import { toolkit } from '../../components/reference-toolkit.ts';
import { ask, dataDirOf, runningCluster } from '../cluster/components.ts';
import type { TaskScene } from './task.ts';

export { dataDirOf };

/**
 * The running cluster of a data directory with a client for it, or a one-line KataError. The
 * client is the admin's: reading the cluster's kubeconfig makes this process present the admin's
 * certificate over TLS (harness/client/tls.ts).
 */
export function sceneFrom(dataDir: string): TaskScene {
  const cluster = runningCluster(dataDir);
  const admin = existsSync(cluster.kubeconfig)
    ? readKubeconfig(cluster.kubeconfig)
    : { server: cluster.apiserver };
  const client = toolkit.createClient({ ...admin, userAgent: 'kata-task' });
  return { cluster, client, dataDir };
}

/** A component as the control endpoint lists it. */
export interface ComponentStatus {
  name: string;
  /** What it is: store, apiserver, kubelet, ... (several members of a replicated store are stores). */
  kind?: string;
  /** The health endpoint it is waited for at (a store member's is its client URL's /health). */
  health?: string;
  state: 'starting' | 'running' | 'exited' | 'killed';
  /** Whose code it runs: mine, solutions or auto. */
  use?: string;
  /** When its current process started (ISO 8601). */
  startedAt?: string;
}

function askControl(scene: TaskScene, method: 'GET' | 'POST', route: string) {
  return ask(`${scene.cluster.control}/${route}`, method);
}

/** Every component of the cluster and its state. */
export async function componentsOf(scene: TaskScene): Promise<ComponentStatus[]> {
  return (await askControl(scene, 'GET', 'components')) as ComponentStatus[];
}

/** SIGKILL to a component (`kata kill NAME`); it stays down. */
export async function killComponent(scene: TaskScene, name: string): Promise<void> {
  await askControl(scene, 'POST', `kill/${encodeURIComponent(name)}`);
}

/**
 * Starts a component again (`kata restart NAME`); resolves once it is up. With `use`, it runs that
 * code from then on (`kata upgrade kubelet`).
 */
export async function restartComponent(
  scene: TaskScene,
  name: string,
  use?: string,
): Promise<void> {
  const query = use ? `?use=${encodeURIComponent(use)}` : '';
  await askControl(scene, 'POST', `restart/${encodeURIComponent(name)}${query}`);
}

/** Restarts a component only if it is not running: cleaning up after a drill that killed it. */
export async function ensureRunning(scene: TaskScene, name: string): Promise<void> {
  const component = (await componentsOf(scene)).find((candidate) => candidate.name === name);
  if (component && component.state !== 'running') await restartComponent(scene, name);
}
