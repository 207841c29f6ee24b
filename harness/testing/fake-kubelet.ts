// A fake kubelet for controller tests: a test double that plays the scheduler and the kubelets of
// some nodes at once, through the API, with no processes. It binds every pod that has no node to
// one of its nodes in turn (a pod pinned to a node by matchFields metadata.name, as DaemonSet pods
// are, to that node), and reports each bound pod Running with an IP, ready unless the test
// says otherwise. Controllers see pods come alive as they would in a cluster, in milliseconds.
import type { Pod } from '../api/types.ts';
import type { ApiClient, Toolkit } from '../client/types.ts';
import { rfc3339 } from '../clock.ts';

export interface FakeKubeletOptions {
  toolkit: Toolkit;
  client: ApiClient;
  /** The nodes pods are bound to, in turn. */
  nodes?: string[];
  /** Whether a pod is reported ready; all are, unless the test says. */
  ready?: (pod: Pod) => boolean;
  /** How long a pod runs before it is ready, as a slow-starting container would. 0 by default. */
  readyDelayMs?: number;
}

export class FakeKubelet {
  private readonly options: FakeKubeletOptions;
  private readonly nodes: string[];
  private next = 0;
  private ips = 2;
  private readonly assigned = new Map<string, string>();
  /** When each pod was first reported Running, for readyDelayMs. */
  private readonly started = new Map<string, number>();
  private requeueAfter: (key: string, delayMs: number) => void = () => {};
  ready: (pod: Pod) => boolean;

  constructor(options: FakeKubeletOptions) {
    this.options = options;
    this.nodes = options.nodes ?? ['node-1'];
    this.ready = options.ready ?? (() => true);
  }

  /** Binds and reports pods until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const { toolkit, client } = this.options;
    const pods = toolkit.createInformer(client.resource<Pod>('pods'));
    const controller = toolkit.createController({
      name: 'fake-kubelet',
      reconcile: async (key) => {
        const pod = pods.get(key);
        if (pod) await this.sync(pod);
      },
    });
    controller.watch(pods);
    this.requeueAfter = (key, delayMs) => controller.queue.addAfter(key, delayMs);
    this.resync = () => pods.list().forEach((pod) => controller.queue.add(toolkit.keyOf(pod)));
    await controller.run(signal);
  }

  /** Reports every pod again (after the test changed `ready`). */
  resync: () => void = () => {};

  private async sync(pod: Pod): Promise<void> {
    if (pod.metadata.deletionTimestamp) {
      // Nothing runs, so nothing to stop: finish the graceful delete at once.
      await this.options.client
        .resource('pods', pod.metadata.namespace)
        .delete(pod.metadata.name!, { gracePeriodSeconds: 0 })
        .catch(() => {});
      return;
    }
    const pods = this.options.client.resource<Pod>('pods', pod.metadata.namespace);
    if (!pod.spec.nodeName) {
      const node = pinnedNode(pod) ?? this.nodes[this.next++ % this.nodes.length]!;
      await this.options.client
        .bind({
          metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace },
          target: { kind: 'Node', name: node },
        })
        .catch(() => {});
      return;
    }
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    let ip = this.assigned.get(key);
    if (!ip)
      this.assigned.set(
        key,
        (ip = `127.244.${Math.floor(this.ips / 250)}.${(this.ips++ % 250) + 2}`),
      );
    const startedAt = this.started.get(key) ?? Date.now();
    this.started.set(key, startedAt);
    const waiting = startedAt + (this.options.readyDelayMs ?? 0) - Date.now();
    if (waiting > 0) this.requeueAfter(key, waiting);
    const ready = this.ready(pod) && waiting <= 0 ? 'True' : 'False';
    const now = rfc3339(Date.now());
    const before = pod.status?.conditions?.find((c) => c.type === 'Ready');
    if (pod.status?.phase === 'Running' && before?.status === ready && pod.status.podIP === ip)
      return;
    await pods
      .updateStatus({
        ...pod,
        status: {
          phase: 'Running',
          podIP: ip,
          hostIP: '127.20.0.1',
          startTime: pod.status?.startTime ?? now,
          conditions: [
            { type: 'Ready', status: ready, lastTransitionTime: now },
            { type: 'ContainersReady', status: ready, lastTransitionTime: now },
            { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
          ],
          containerStatuses: pod.spec.containers.map((container) => ({
            name: container.name,
            image: container.image,
            ready: ready === 'True',
            restartCount: 0,
            state: { running: { startedAt: now } },
          })),
        },
      })
      .catch(() => {});
  }
}

/** The node a pod is pinned to by required node affinity on metadata.name, if it is. */
function pinnedNode(pod: Pod): string | undefined {
  const terms =
    pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
      ?.nodeSelectorTerms ?? [];
  const field = terms[0]?.matchFields?.find(
    (f) => f.key === 'metadata.name' && f.operator === 'In',
  );
  return terms.length === 1 && field?.values?.length === 1 ? field.values[0] : undefined;
}
