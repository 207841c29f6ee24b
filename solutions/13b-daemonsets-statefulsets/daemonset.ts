// The DaemonSet controller: one pod of the DaemonSet on every node that should run it, a new node
// included, none on the others. A chapter 04 controller over DaemonSets, their pods, their
// ControllerRevisions and the nodes: any node that comes, goes or changes wakes every DaemonSet.
//
// reconcile(key), one step toward the spec:
//   1. the current revision: the ControllerRevision of today's template (made if new);
//   2. manage: a pod created, pinned, on each node that should run one and has none; the pods
//      deleted from nodes where they may not stay, and the surplus where a node has two alike;
//   3. when nothing was left to manage, the rolling update (RollingUpdate only; OnDelete waits
//      for someone to delete old pods by hand): old pods replaced a few nodes at a time;
//   4. status: desired, current, misscheduled, ready, updated, available, unavailable.
// Like the ReplicaSet controller, it remembers the pods it created until its informer shows them,
// so a slow watch never makes it create a second pod on a node.
import type {
  ControllerRevision,
  DaemonSet,
  DaemonSetStatus,
  Node,
  Pod,
} from '../../harness/api/types.ts';
import { controllerOf } from '../../harness/api/owners.ts';
import { isConflict, isNotFound } from '../../harness/client/errors.ts';
import type {
  ApiClient,
  EventHandlers,
  Informer,
  Toolkit,
  WorkQueue,
} from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import { revisionsToPrune, syncCurrentRevision } from './controller-revisions.ts';
import {
  daemonPod,
  daemonPodFor,
  nodeFit,
  ownerReferenceTo,
  revisionHashLabel,
  type NodeFit,
} from './daemon-pods.ts';

/** Whether a pod still counts: not being deleted, and not finished. */
export function isActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return !pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

export function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Ready for at least `minReadySeconds` at `now`, by its Ready condition's lastTransitionTime. */
export function isAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (!isReady(pod)) return false;
  if (minReadySeconds === 0) return true;
  const since = pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
  return since !== undefined && now - Date.parse(since) >= minReadySeconds * 1000;
}

/**
 * The node a daemon pod is on: its spec.nodeName once bound; before that, the node it is pinned
 * to by its matchFields metadata.name affinity.
 */
export function nodeOfPod(pod: Pod): string | undefined {
  if (pod.spec.nodeName) return pod.spec.nodeName;
  const terms =
    pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
      ?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    const field = term.matchFields?.find((f) => f.key === 'metadata.name' && f.operator === 'In');
    if (field?.values?.length === 1) return field.values[0];
  }
  return undefined;
}

/**
 * A count given as a number or a percentage of `total` ("25%"), rounded up as the DaemonSet's
 * maxUnavailable and maxSurge are.
 */
export function scaledValue(value: number | string | undefined, total: number): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const percent = Number.parseInt(value.replace('%', ''), 10);
  return value.endsWith('%') ? Math.ceil((percent * total) / 100) : percent;
}

/** One node as the DaemonSet sees it: whether its pod belongs there, and the pods it has there. */
export interface NodeView {
  name: string;
  fit: NodeFit;
  pods: Pod[];
}

/**
 * Each node with its fit for the DaemonSet's pod and the DaemonSet's active pods on it; plus a
 * view with fit false for each node that has pods but no longer exists.
 */
export function nodeViews(ds: DaemonSet, nodes: Node[], pods: Pod[]): NodeView[] {
  const template = daemonPod(ds, '');
  const views = nodes.map((node) => ({
    name: node.metadata.name!,
    fit: nodeFit(template, node),
    pods: [] as Pod[],
  }));
  const byName = new Map(views.map((view) => [view.name, view]));
  const gone: NodeFit = { shouldRun: false, shouldContinueRunning: false };
  for (const pod of pods) {
    const name = nodeOfPod(pod);
    if (name === undefined) continue;
    let view = byName.get(name);
    if (!view) views.push((view = { name, fit: gone, pods: [] }));
    byName.set(name, view);
    view.pods.push(pod);
  }
  return views;
}

/** What one pass does: create a pod on these nodes, delete these pods. */
export interface DaemonPlan {
  create: string[];
  delete: Pod[];
}

/** The older of two pods first, by creationTimestamp and then name. */
function olderFirst(a: Pod, b: Pod): number {
  const created = (pod: Pod) => Date.parse(pod.metadata.creationTimestamp ?? '') || 0;
  return created(a) - created(b) || (a.metadata.name! < b.metadata.name! ? -1 : 1);
}

/**
 * Manage: a pod for every node that should run one and has none; every pod off a node where it
 * may not stay; on a node with more than one pod of the same revision, all but the oldest.
 */
export function manage(views: NodeView[]): DaemonPlan {
  const plan: DaemonPlan = { create: [], delete: [] };
  for (const { name, fit, pods } of views) {
    if (!fit.shouldContinueRunning) {
      plan.delete.push(...pods);
    } else if (pods.length === 0) {
      if (fit.shouldRun) plan.create.push(name);
    } else {
      const seen = new Set<string>();
      for (const pod of [...pods].sort(olderFirst)) {
        const hash = pod.metadata.labels?.[revisionHashLabel] ?? '';
        if (seen.has(hash)) plan.delete.push(pod);
        seen.add(hash);
      }
    }
  }
  return plan;
}

/**
 * The rolling update's step toward revision `hash`. Without surge, old pods are deleted (manage
 * then creates their replacements): the unavailable ones at once, the available ones while fewer
 * than maxUnavailable nodes are without an available pod. With maxSurge, a new pod is started
 * beside the old one on up to maxSurge nodes at once, and the old one deleted once the new one is
 * available.
 */
export function rollingUpdate(
  ds: DaemonSet,
  views: NodeView[],
  hash: string,
  now: number,
): DaemonPlan {
  const plan: DaemonPlan = { create: [], delete: [] };
  const minReady = ds.spec.minReadySeconds ?? 0;
  const available = (pod: Pod) => isAvailable(pod, minReady, now);
  const desired = views.filter((view) => view.fit.shouldContinueRunning);
  const strategy = ds.spec.updateStrategy?.rollingUpdate;
  const maxSurge = scaledValue(strategy?.maxSurge, desired.length);
  const maxUnavailable = scaledValue(strategy?.maxUnavailable ?? 1, desired.length) || 1;
  const isNew = (pod: Pod) => pod.metadata.labels?.[revisionHashLabel] === hash;
  let unavailable = desired.filter((view) => !view.pods.some(available)).length;
  let surging = desired.filter(
    (view) => view.pods.some((p) => !isNew(p)) && view.pods.some((p) => isNew(p) && !available(p)),
  ).length;
  for (const view of desired) {
    const old = view.pods.filter((pod) => !isNew(pod));
    const fresh = view.pods.find(isNew);
    if (old.length === 0) continue;
    if (maxSurge === 0) {
      if (!old.some(available)) plan.delete.push(...old);
      else if (unavailable < maxUnavailable) {
        plan.delete.push(...old);
        unavailable++;
      }
    } else if (fresh && available(fresh)) {
      plan.delete.push(...old);
    } else if (!fresh && (!old.some(available) || surging < maxSurge)) {
      plan.create.push(view.name);
      if (old.some(available)) surging++;
    }
  }
  return plan;
}

/** The status the views give the DaemonSet at `now`, for the pods of revision `hash`. */
export function daemonSetStatus(
  ds: DaemonSet,
  views: NodeView[],
  hash: string,
  now: number,
): DaemonSetStatus {
  const minReady = ds.spec.minReadySeconds ?? 0;
  const desired = views.filter((view) => view.fit.shouldRun);
  const scheduled = desired.filter((view) => view.pods.length > 0);
  const available = desired.filter((view) =>
    view.pods.some((pod) => isAvailable(pod, minReady, now)),
  );
  return {
    desiredNumberScheduled: desired.length,
    currentNumberScheduled: scheduled.length,
    numberMisscheduled: views.filter((view) => !view.fit.shouldRun && view.pods.length > 0).length,
    numberReady: desired.filter((view) => view.pods.some(isReady)).length,
    updatedNumberScheduled: desired.filter((view) =>
      view.pods.some((pod) => pod.metadata.labels?.[revisionHashLabel] === hash),
    ).length,
    numberAvailable: available.length,
    numberUnavailable: desired.length - available.length,
    observedGeneration: ds.metadata.generation,
  };
}

/** How long the changes of a DaemonSet's pods are gathered before its key is worked on. */
export const POD_UPDATES_BATCH_MS = 250;

/**
 * The pods informer's handlers, batched: each change hands the queue its DaemonSet's key (the old
 * owner's and the new one's for an update) due `batchMs` later. The queue keeps the earliest due
 * time of a key, so every change until then shares one pass.
 */
export function batchedPodEvents(
  keysFor: (pod: Pod) => string[],
  queue: Pick<WorkQueue, 'addAfter'>,
  batchMs: number,
): EventHandlers<Pod> {
  const later = (pod: Pod) => {
    for (const key of keysFor(pod)) queue.addAfter(key, batchMs);
  };
  return {
    add: later,
    update: (old, pod) => {
      later(old);
      later(pod);
    },
    delete: later,
  };
}

export interface DaemonSetControllerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  clock?: TimerClock;
  workers?: number;
}

/** How long a created pod is waited for before the controller stops expecting it. */
const CREATION_TIMEOUT_MS = 30_000;

export class DaemonSetController {
  private readonly options: DaemonSetControllerOptions;
  private readonly clock: TimerClock;
  private readonly daemonSets: Informer<DaemonSet>;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly revisions: Informer<ControllerRevision>;
  /** Per DaemonSet key: the pods created and not seen yet ("namespace/name"), and since when. */
  private readonly expected = new Map<string, { keys: Set<string>; since: number }>();
  /**
   * Per DaemonSet key: this controller's status writes the informer has not shown yet: the
   * resourceVersions they replaced (stale now), and the DaemonSet the last one stored.
   */
  private readonly written = new Map<string, { stale: Set<string>; result: DaemonSet }>();

  constructor(options: DaemonSetControllerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    const { toolkit, client } = options;
    const clock = this.clock;
    const byOwner = { indexers: { ownerUid: toolkit.indexers.ownerUid }, clock };
    this.daemonSets = toolkit.createInformer(client.resource<DaemonSet>('daemonsets'), { clock });
    this.pods = toolkit.createInformer(client.resource<Pod>('pods'), byOwner);
    this.nodes = toolkit.createInformer(client.resource<Node>('nodes'), { clock });
    this.revisions = toolkit.createInformer(
      client.resource<ControllerRevision>('controllerrevisions'),
      byOwner,
    );
  }

  async run(signal: AbortSignal): Promise<void> {
    const controller = this.options.toolkit.createController({
      name: 'daemonset-controller',
      workers: this.options.workers ?? 2,
      reconcile: (key) => this.reconcile(key),
    });
    const ownerKey = (object: Pod | ControllerRevision) => {
      const owner = controllerOf(object);
      return owner?.kind === 'DaemonSet' ? [`${object.metadata.namespace}/${owner.name}`] : [];
    };
    const everyDaemonSet = () => this.daemonSets.list().map((ds) => this.options.toolkit.keyOf(ds));
    controller.watch(this.daemonSets);
    // A hundred pods coming up would wake their DaemonSet two hundred times, each pass a status
    // write: their changes are batched instead (the pods informer still syncs before any work).
    controller.watch(this.pods, () => []);
    this.pods.addEventHandlers(batchedPodEvents(ownerKey, controller.queue, POD_UPDATES_BATCH_MS));
    controller.watch(this.revisions, ownerKey);
    controller.watch(this.nodes, everyDaemonSet);
    await controller.run(signal);
  }

  /** Whether every pod created for `key` has been seen (or waited for long enough). */
  creationsObserved(key: string): boolean {
    const expected = this.expected.get(key);
    if (!expected) return true;
    for (const podKey of expected.keys) if (this.pods.get(podKey)) expected.keys.delete(podKey);
    const done =
      expected.keys.size === 0 || this.clock.now() - expected.since > CREATION_TIMEOUT_MS;
    if (done) this.expected.delete(key);
    return done;
  }

  /**
   * The DaemonSet to work from: the informer's copy `cached`, unless that copy is one this
   * controller's own status writes have replaced and the informer does not show yet; then the one
   * its last write stored. A status written over the stale copy would only conflict (409) and cost
   * a read and a second write, on every pass while pods come up.
   */
  newestOf(cached: DaemonSet): DaemonSet {
    const key = `${cached.metadata.namespace}/${cached.metadata.name}`;
    const written = this.written.get(key);
    if (!written) return cached;
    if (written.stale.has(cached.metadata.resourceVersion!)) return written.result;
    this.written.delete(key);
    return cached;
  }

  async reconcile(key: string): Promise<void> {
    const cached = this.daemonSets.get(key);
    if (!cached || cached.metadata.deletionTimestamp || !this.creationsObserved(key)) return;
    const ds = this.newestOf(cached);
    const uid = ds.metadata.uid!;
    const revisions = this.revisions.byIndex('ownerUid', uid);
    const current = await syncCurrentRevision(
      this.options.client,
      ds,
      ownerReferenceTo(ds),
      revisions,
    );
    const hash = current.metadata.labels![revisionHashLabel]!;
    const pods = this.pods.byIndex('ownerUid', uid).filter(isActive);
    const views = nodeViews(ds, this.nodes.list(), pods);
    const now = this.clock.now();
    let plan = manage(views);
    const rolling = (ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    if (rolling && plan.create.length === 0 && plan.delete.length === 0) {
      plan = rollingUpdate(ds, views, hash, now);
    }
    await this.createPods(ds, key, hash, plan.create);
    await this.deletePods(ds, plan.delete);
    await this.pruneRevisions(ds, revisions, current, pods);
    await this.writeStatus(ds, daemonSetStatus(ds, views, hash, now));
  }

  /** Creates the pods pinned to `nodeNames`, expecting each until the informer shows it. */
  async createPods(ds: DaemonSet, key: string, hash: string, nodeNames: string[]): Promise<void> {
    if (nodeNames.length === 0) return;
    const api = this.options.client.resource<Pod>('pods', ds.metadata.namespace);
    const expected = { keys: new Set<string>(), since: this.clock.now() };
    this.expected.set(key, expected);
    // Slow start, as kube's syncNodes: batches of 1, 2, 4, ... so the first pods are on their way
    // to their nodes while the rest are sent, and a broken template fails once, not a hundred times.
    for (let start = 0, size = 1; start < nodeNames.length; start += size, size *= 2) {
      const results = await Promise.allSettled(
        nodeNames.slice(start, start + size).map(async (node) => {
          const pod = await api.create(daemonPodFor(ds, hash, node));
          expected.keys.add(`${pod.metadata.namespace}/${pod.metadata.name}`);
        }),
      );
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    }
  }

  async deletePods(ds: DaemonSet, victims: Pod[]): Promise<void> {
    const api = this.options.client.resource<Pod>('pods', ds.metadata.namespace);
    await Promise.all(victims.map((pod) => api.delete(pod.metadata.name!).catch(ignoreNotFound)));
  }

  /** Deletes the oldest revisions past revisionHistoryLimit that no pod runs. */
  async pruneRevisions(
    ds: DaemonSet,
    revisions: ControllerRevision[],
    current: ControllerRevision,
    pods: Pod[],
  ): Promise<void> {
    const inUse = new Set([current.metadata.name!]);
    for (const pod of pods)
      inUse.add(`${ds.metadata.name}-${pod.metadata.labels?.[revisionHashLabel]}`);
    const api = this.options.client.resource('controllerrevisions', ds.metadata.namespace);
    for (const revision of revisionsToPrune(revisions, ds.spec.revisionHistoryLimit ?? 10, inUse)) {
      await api.delete(revision.metadata.name!).catch(ignoreNotFound);
    }
  }

  /**
   * Writes the status, unless every field is already so: one PUT of the DaemonSet with the new
   * status (as kube's storeDaemonSetStatus does), remembered for newestOf; only when that
   * conflicts, read and retry.
   */
  async writeStatus(ds: DaemonSet, status: DaemonSetStatus): Promise<void> {
    const before: Partial<DaemonSetStatus> = ds.status ?? {};
    const same = Object.entries(status).every(
      ([field, value]) => before[field as keyof DaemonSetStatus] === value,
    );
    if (same) return;
    const api = this.options.client.resource<DaemonSet>('daemonsets', ds.metadata.namespace);
    const key = `${ds.metadata.namespace}/${ds.metadata.name}`;
    try {
      const result = await api.updateStatus({ ...ds, status: { ...ds.status, ...status } });
      const stale = this.written.get(key)?.stale ?? new Set<string>();
      this.written.set(key, { stale: stale.add(ds.metadata.resourceVersion!), result });
    } catch (error) {
      if (!isConflict(error)) return ignoreNotFound(error);
      await this.options.toolkit
        .updateWithRetry(
          api,
          ds.metadata.name!,
          (latest) => {
            latest.status = { ...latest.status, ...status };
          },
          { status: true },
        )
        .catch(ignoreNotFound);
    }
  }
}

function ignoreNotFound(error: unknown): undefined {
  if (isNotFound(error)) return undefined;
  throw error;
}

export function createDaemonSetController(
  options: DaemonSetControllerOptions,
): DaemonSetController {
  return new DaemonSetController(options);
}
