// When a component is up: its health endpoint answers 200, as kubeadm waits for a control plane
// (the store's /health; the API server's, the controller-manager's and the scheduler's /readyz;
// a kubelet's and a kube-proxy's /healthz; each at the address the composer gave it). A process
// that exits first is not up. The cluster is up once every node is Ready, as its kubelet reports
// it.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Node } from '../api/types.ts';
import { toolkit } from '../components/reference-toolkit.ts';
import { ClusterError } from './options.ts';

/** How a component's start ended: up, gone, or silent past the deadline. */
export type Readiness = 'ready' | 'exited' | 'timed out';

/** How long a component has to answer its health endpoint, and the cluster's nodes to be Ready. */
export const readinessTimeoutMs = { component: 60_000, nodes: 90_000 };

/** Whether `url` answers 200 now. */
export async function answersOk(
  url: string,
  signal: AbortSignal = new AbortController().signal,
): Promise<boolean> {
  try {
    const response = await fetch(url, {
      signal: AbortSignal.any([signal, AbortSignal.timeout(5000)]),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** Asks `url` until it answers 200, closer at first and then every second, until the deadline. */
async function untilHealthy(url: string, signal: AbortSignal, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (
    let pause = 50;
    Date.now() < deadline && !signal.aborted;
    pause = Math.min(pause * 2, 1000)
  ) {
    if (await answersOk(url, signal)) return 'ready';
    await sleep(pause, undefined, { signal }).catch(() => {});
  }
  return 'timed out';
}

/**
 * Whether a component came up: its health endpoint answered, or its process exited first, or the
 * deadline passed.
 */
export async function readiness(
  health: string,
  exited: Promise<void>,
  timeoutMs = readinessTimeoutMs.component,
): Promise<Readiness> {
  const done = new AbortController();
  try {
    return await Promise.race([
      untilHealthy(health, done.signal, timeoutMs),
      exited.then(() => 'exited' as const),
    ]);
  } finally {
    done.abort();
  }
}

/** The taint a node keeps until the cloud-controller-manager has initialized it (chapter 15a). */
const uninitializedTaint = 'node.cloudprovider.kubernetes.io/uninitialized';

/**
 * Resolves once every named node is Ready and initialized by the cloud (its uninitialized taint
 * gone, so pods may land on it), watching them; rejects when `signal` aborts.
 */
export async function nodesReady(
  server: string,
  names: string[],
  signal: AbortSignal,
): Promise<void> {
  const client = toolkit.createClient({ server, userAgent: 'kata-up' });
  const informer = toolkit.createInformer(client.resource<Node>('nodes'));
  const stop = new AbortController();
  try {
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        const ready = informer
          .list()
          .filter(
            (node) =>
              node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') &&
              !node.spec?.taints?.some((taint) => taint.key === uninitializedTaint),
          )
          .map((node) => node.metadata.name);
        if (names.every((name) => ready.includes(name))) resolve();
      };
      informer.addEventHandlers({ add: check, update: check });
      const seconds = readinessTimeoutMs.nodes / 1000;
      const timer = setTimeout(
        () =>
          reject(
            new ClusterError(
              `the nodes were not all Ready and initialized within ${seconds} s; see the kubelets' and the cloud-controller-manager's logs`,
            ),
          ),
        readinessTimeoutMs.nodes,
      );
      stop.signal.addEventListener('abort', () => clearTimeout(timer));
      if (signal.aborted) reject(new ClusterError('the cluster is stopping'));
      signal.addEventListener('abort', () => reject(new ClusterError('the cluster is stopping')), {
        once: true,
      });
      informer.run(stop.signal);
      informer.waitForSync(stop.signal).then(check, () => {});
    });
  } finally {
    stop.abort();
  }
}
