// The disruption controller (kube-controller-manager's "disruption"). A PodDisruptionBudget says
// how many of a set of pods must stay up while someone takes nodes away on purpose: a drain, the
// cluster autoscaler's scale-down. The eviction subresource (chapter 03b) works out on each
// eviction whether one more pod may go; this controller keeps the same figures in the budget's
// status, so `kubectl get pdb` shows ALLOWED DISRUPTIONS and a drain can be planned: expectedPods,
// desiredHealthy, currentHealthy, disruptionsAllowed and the DisruptionAllowed condition. It
// watches budgets and pods; a pod's change queues the budgets that select it. A pod an eviction
// was granted for stays counted as disrupted for two minutes, so the budget is looked at again
// when that ends.
import type {
  Pod,
  PodDisruptionBudget,
  PodDisruptionBudgetStatus,
} from '../../harness/api/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import type { Controller, Informer } from '../../harness/client/types.ts';
import type { DisruptionControllerOptions } from '../../harness/contracts/cloud.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

export type { DisruptionControllerOptions };

const budgetsSection = '§ The disruption controller';

/** How long a pod an eviction was granted for counts as disrupted: kube's two minutes. */
export const disruptionTimeoutMs = 2 * 60 * 1000;

/**
 * The budgets of `budgets` in the pod's namespace whose selector selects the pod's labels
 * (`selects` in harness/api/workload-validation.ts); a budget with no selector selects nothing.
 */
export function budgetsFor(pod: Pod, budgets: PodDisruptionBudget[]): PodDisruptionBudget[] {
  throw new NotImplemented('budgetsFor', budgetsSection);
}

/**
 * `computed` with one condition, DisruptionAllowed: status True, reason SufficientPods while
 * disruptionsAllowed > 0, else False, InsufficientPods; message ''; observedGeneration copied
 * from `computed`; lastTransitionTime rfc3339(now), or the one `previous` had when its condition
 * had the same status.
 */
export function withCondition(
  computed: PodDisruptionBudgetStatus,
  previous: PodDisruptionBudgetStatus | undefined,
  now: number,
): PodDisruptionBudgetStatus {
  throw new NotImplemented('withCondition', budgetsSection);
}

/** Whether two statuses differ in anything a write would change (no status counts as {}). */
export function statusChanged(
  current: PodDisruptionBudgetStatus | undefined,
  next: PodDisruptionBudgetStatus,
): boolean {
  throw new NotImplemented('statusChanged', budgetsSection);
}

/**
 * In how many milliseconds the first pod of disruptedPods (name → when its eviction was granted)
 * stops counting as disrupted, never below 0; undefined when there is none.
 */
export function nextExpiry(status: PodDisruptionBudgetStatus, now: number): number | undefined {
  throw new NotImplemented('nextExpiry', budgetsSection);
}

export class DisruptionController {
  private readonly options: DisruptionControllerOptions;
  private readonly clock: TimerClock;

  constructor(options: DisruptionControllerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Informers on poddisruptionbudgets and pods (all namespaces), a controller whose key is a
   * budget's: a budget's event queues it, a pod's event queues the budgetsFor it among the budgets
   * of its namespace (the informer's "namespace" index). Runs until `signal` aborts.
   */
  run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('DisruptionController.run', budgetsSection);
  }

  /**
   * The budget under `key` from its informer (gone: nothing to do); its status is
   * options.budgetStatus(budget, the pods of its namespace, now) withCondition; written with
   * updateStatus when statusChanged. While it has disrupted pods, the key is queued again
   * (queue.addAfter) once the first of them expires.
   */
  async reconcile(key: string): Promise<void> {
    throw new NotImplemented('DisruptionController.reconcile', budgetsSection);
  }
}

export function createDisruptionController(
  options: DisruptionControllerOptions,
): DisruptionController {
  return new DisruptionController(options);
}
