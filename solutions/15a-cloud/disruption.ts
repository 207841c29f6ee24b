// The disruption controller (kube-controller-manager's "disruption"). A PodDisruptionBudget says
// how many of a set of pods must stay up while someone takes nodes away on purpose: a drain, the
// cluster autoscaler's scale-down. The eviction subresource (chapter 03b) works out on each
// eviction whether one more pod may go; this controller keeps the same figures in the budget's
// status, so `kubectl get pdb` shows ALLOWED DISRUPTIONS and a drain can be planned: expectedPods,
// desiredHealthy, currentHealthy, disruptionsAllowed and the DisruptionAllowed condition. It
// watches budgets and pods; a pod's change queues the budgets that select it. A pod an eviction
// was granted for stays counted as disrupted for two minutes, so the budget is looked at again
// when that ends.
import { selects } from '../../harness/api/workload-validation.ts';
import type {
  Pod,
  PodDisruptionBudget,
  PodDisruptionBudgetStatus,
} from '../../harness/api/types.ts';
import { rfc3339, systemClock, type TimerClock } from '../../harness/clock.ts';
import type { Controller, Informer } from '../../harness/client/types.ts';
import type { DisruptionControllerOptions } from '../../harness/contracts/cloud.ts';

export type { DisruptionControllerOptions };

/** How long a pod an eviction was granted for counts as disrupted: kube's two minutes. */
export const disruptionTimeoutMs = 2 * 60 * 1000;

/** The budgets of `budgets` that select `pod` (a budget with no selector selects nothing). */
export function budgetsFor(pod: Pod, budgets: PodDisruptionBudget[]): PodDisruptionBudget[] {
  const labels = pod.metadata.labels ?? {};
  return budgets.filter(
    (budget) =>
      budget.metadata.namespace === pod.metadata.namespace &&
      budget.spec?.selector !== undefined &&
      selects(budget.spec.selector, labels),
  );
}

/**
 * `computed` with its DisruptionAllowed condition: True, SufficientPods while a disruption is
 * allowed, else False, InsufficientPods. The condition keeps its lastTransitionTime from
 * `previous` while its status stays the same.
 */
export function withCondition(
  computed: PodDisruptionBudgetStatus,
  previous: PodDisruptionBudgetStatus | undefined,
  now: number,
): PodDisruptionBudgetStatus {
  const allowed = computed.disruptionsAllowed > 0;
  const status = allowed ? ('True' as const) : ('False' as const);
  const before = previous?.conditions?.find((condition) => condition.type === 'DisruptionAllowed');
  const since =
    before?.status === status && before.lastTransitionTime
      ? before.lastTransitionTime
      : rfc3339(now);
  const condition = {
    type: 'DisruptionAllowed',
    status,
    reason: allowed ? 'SufficientPods' : 'InsufficientPods',
    message: '',
    lastTransitionTime: since,
    observedGeneration: computed.observedGeneration,
  };
  return { ...computed, conditions: [condition] };
}

/** Whether two statuses differ in anything a write would change (JSON equality). */
export function statusChanged(
  current: PodDisruptionBudgetStatus | undefined,
  next: PodDisruptionBudgetStatus,
): boolean {
  return JSON.stringify(current ?? {}) !== JSON.stringify(next);
}

/** In how many milliseconds the first disrupted pod stops counting as disrupted; none: undefined. */
export function nextExpiry(status: PodDisruptionBudgetStatus, now: number): number | undefined {
  const ends = Object.values(status.disruptedPods ?? {}).map(
    (at) => Date.parse(at) + disruptionTimeoutMs - now,
  );
  return ends.length > 0 ? Math.max(0, Math.min(...ends)) : undefined;
}

export class DisruptionController {
  private readonly options: DisruptionControllerOptions;
  private readonly clock: TimerClock;
  readonly budgets: Informer<PodDisruptionBudget>;
  readonly pods: Informer<Pod>;
  readonly controller: Controller;

  constructor(options: DisruptionControllerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    const { toolkit, client } = options;
    this.budgets = toolkit.createInformer(
      client.resource<PodDisruptionBudget>('poddisruptionbudgets'),
    );
    this.pods = toolkit.createInformer(client.resource<Pod>('pods'));
    this.controller = toolkit.createController({
      name: 'disruption-controller',
      reconcile: (key) => this.reconcile(key),
    });
    this.controller.watch(this.budgets);
    this.controller.watch(this.pods, (pod) => {
      const near = this.budgets.byIndex('namespace', pod.metadata.namespace!);
      return budgetsFor(pod, near).map((budget) => toolkit.keyOf(budget));
    });
  }

  run(signal: AbortSignal): Promise<void> {
    return this.controller.run(signal);
  }

  /** Writes the budget's status from the pods of its namespace when it changed. */
  async reconcile(key: string): Promise<void> {
    const budget = this.budgets.get(key);
    if (!budget) return;
    const now = this.clock.now();
    const pods = this.pods.byIndex('namespace', budget.metadata.namespace!);
    const computed = this.options.budgetStatus(budget, pods, now);
    const next = withCondition(computed, budget.status, now);
    if (statusChanged(budget.status, next)) {
      const budgets = this.options.client.resource<PodDisruptionBudget>(
        'poddisruptionbudgets',
        budget.metadata.namespace,
      );
      await budgets.updateStatus({ ...budget, status: next });
    }
    const expiry = nextExpiry(next, now);
    if (expiry !== undefined) this.controller.queue.addAfter(key, expiry + 1);
  }
}

export function createDisruptionController(
  options: DisruptionControllerOptions,
): DisruptionController {
  return new DisruptionController(options);
}
