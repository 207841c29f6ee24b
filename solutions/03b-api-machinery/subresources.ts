// Subresources: paths under an object that read or write one part of it, so that each writer
// touches only its own part.
//
//   pods/web/status, deployments/web/status   the status half: kubelets and controllers write it;
//                                             the spec half stays as its owner wrote it
//   deployments/web/scale                     just the replica count, as an autoscaling/v1 Scale:
//                                             what `kubectl scale` and autoscalers use
//   pods/web/binding                          POST a Binding to put the pod on a node: what the
//                                             scheduler does, once, and never twice
//   pods/web/eviction                         POST an Eviction to delete the pod only if its
//                                             PodDisruptionBudget allows: what `kubectl drain` does
//
// Each is a plain object of functions (harness/api/machinery.ts): the API server reads the parent,
// calls them, then validates and stores the parent with a compare on its resourceVersion.
import { ApiError } from '../../harness/api/errors.ts';
import type { Subresource, SubresourceActions } from '../../harness/api/machinery.ts';
import { resourceForKind } from '../../harness/api/resources.ts';
import type {
  Binding,
  Eviction,
  KubeObject,
  Pod,
  PodCondition,
  PodDisruptionBudget,
  PodDisruptionBudgetStatus,
  Scale,
} from '../../harness/api/types.ts';
import { rfc3339 } from '../../harness/clock.ts';
import { labelSelectorText, matchesLabels, parseLabelSelector } from './selectors.ts';

/**
 * status: GET shows the whole object (as Kubernetes does); PUT keeps everything of the stored
 * object but its status, which it takes from the body.
 */
export const statusSubresource: Subresource = {
  name: 'status',
  get: (parent) => parent,
  update: (parent, body) => {
    const updated = structuredClone(parent);
    if (body.status === undefined) delete updated.status;
    else updated.status = structuredClone(body.status);
    return updated;
  },
};

/**
 * scale (deployments, replicasets): the parent's replicas as an autoscaling/v1 Scale, with the
 * parent's identity; status.replicas is how many there are now and status.selector the parent's
 * selector as text. Writing it changes only the parent's spec.replicas, which must be a whole
 * number of at least 0 (else 422).
 */
export const scaleSubresource: Subresource = {
  name: 'scale',
  get: (parent): Scale => {
    const spec = parent.spec as {
      replicas?: number;
      selector?: Parameters<typeof labelSelectorText>[0];
    };
    const status = parent.status as { replicas?: number } | undefined;
    const { name, namespace, uid, resourceVersion, creationTimestamp } = parent.metadata;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
      spec: { replicas: spec.replicas ?? 0 },
      status: { replicas: status?.replicas ?? 0, selector: labelSelectorText(spec.selector) },
    };
  },
  update: (parent, body) => {
    const replicas = (body.spec as { replicas?: unknown } | undefined)?.replicas;
    if (!Number.isInteger(replicas) || (replicas as number) < 0) {
      throw new ApiError(
        422,
        'Invalid',
        `Scale.autoscaling "${parent.metadata.name}" is invalid: spec.replicas: Invalid value: ` +
          `${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`,
        {
          name: parent.metadata.name,
          group: 'autoscaling',
          kind: 'Scale',
          causes: [
            {
              reason: 'FieldValueInvalid',
              message: 'must be greater than or equal to 0',
              field: 'spec.replicas',
            },
          ],
        },
      );
    }
    const updated = structuredClone(parent);
    (updated.spec as { replicas: number }).replicas = replicas as number;
    return updated;
  },
};

/**
 * binding (pods): POST a Binding { target: { name: <node> } } to assign the pod to that node. It
 * sets spec.nodeName, adds the Binding's annotations, and marks the condition PodScheduled True.
 * A pod already on a node, or being deleted, cannot be bound: 409 Conflict. Answers 201 with a
 * Success Status.
 */
export const bindingSubresource: Subresource = {
  name: 'binding',
  create: (parent, body, context) => {
    const binding = body as Binding;
    const name = parent.metadata.name!;
    const node = binding.target?.name;
    if (typeof node !== 'string' || node === '') {
      throw new ApiError(
        422,
        'Invalid',
        `Binding "${name}" is invalid: target.name: Required value`,
        {
          name,
          kind: 'Binding',
          causes: [
            { reason: 'FieldValueRequired', message: 'Required value', field: 'target.name' },
          ],
        },
      );
    }
    const conflict = (why: string) =>
      new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on pods/binding "${name}": ${why}`,
        {
          name,
          kind: 'pods/binding',
        },
      );
    const spec = parent.spec as { nodeName?: string };
    if (spec.nodeName) throw conflict(`pod ${name} is already assigned to node "${spec.nodeName}"`);
    if (parent.metadata.deletionTimestamp)
      throw conflict(`pod ${name} is being deleted, cannot be assigned to a host`);

    const bound = structuredClone(parent) as KubeObject & {
      spec: { nodeName?: string };
      status?: { conditions?: PodCondition[] };
    };
    bound.spec.nodeName = node;
    if (binding.metadata.annotations) {
      bound.metadata.annotations = {
        ...bound.metadata.annotations,
        ...binding.metadata.annotations,
      };
    }
    const scheduled: PodCondition = {
      type: 'PodScheduled',
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: rfc3339(context.clock.now()),
    };
    bound.status ??= {};
    bound.status.conditions = [
      ...(bound.status.conditions ?? []).filter((condition) => condition.type !== 'PodScheduled'),
      scheduled,
    ];
    return {
      parent: bound,
      answer: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 },
    };
  },
};

// ---------------------------------------------------------------------------------------------
// Eviction and PodDisruptionBudgets
// ---------------------------------------------------------------------------------------------

const budgets = resourceForKind('policy/v1', 'PodDisruptionBudget')!;

/** How long a pod an eviction was granted for is counted as disrupted: kube's two minutes. */
const DISRUPTION_TIMEOUT_MS = 2 * 60 * 1000;

/** Whether a budget covers a pod: its selector selects the pod's labels ({} selects all). */
export function budgetSelects(budget: PodDisruptionBudget, pod: KubeObject): boolean {
  const selector = budget.spec?.selector;
  if (!selector) return false;
  const requirements = parseLabelSelector(labelSelectorText(selector));
  return matchesLabels(requirements, pod.metadata.labels ?? {});
}

/** A budget bound (3, or "50%") as a number of pods out of `expected`, rounding up. */
export function scaledBound(bound: number | string, expected: number): number {
  if (typeof bound === 'number') return bound;
  const percent = /^(\d+)%$/.exec(bound);
  return percent ? Math.ceil((Number(percent[1]) * expected) / 100) : 0;
}

/** Whether a pod counts as healthy: Ready, and not on its way out. */
function healthy(pod: Pod, disrupted: Record<string, string>): boolean {
  if (pod.metadata.deletionTimestamp || disrupted[pod.metadata.name!]) return false;
  const ready = pod.status?.conditions?.find((condition) => condition.type === 'Ready');
  return ready?.status === 'True';
}

/**
 * A budget's status worked out from the pods of its namespace, as kube's disruption controller
 * keeps it: the pods it expects (here, the selected pods not being deleted), how many must stay
 * healthy (minAvailable, or expected minus maxUnavailable), how many are healthy, and so how many
 * may be disrupted now. Pods granted an eviction within two minutes stay counted as disrupted.
 */
export function budgetStatus(
  budget: PodDisruptionBudget,
  pods: KubeObject[],
  now: number,
): PodDisruptionBudgetStatus {
  const selected = (pods as Pod[]).filter((pod) => budgetSelects(budget, pod));
  const present = new Set(selected.map((pod) => pod.metadata.name));
  const disruptedPods = Object.fromEntries(
    Object.entries(budget.status?.disruptedPods ?? {}).filter(
      ([name, at]) => present.has(name) && now - Date.parse(at) < DISRUPTION_TIMEOUT_MS,
    ),
  );
  const expectedPods = selected.filter((pod) => !pod.metadata.deletionTimestamp).length;
  const { minAvailable, maxUnavailable } = budget.spec ?? {};
  let desiredHealthy = 0;
  if (maxUnavailable !== undefined) {
    desiredHealthy = Math.max(0, expectedPods - scaledBound(maxUnavailable, expectedPods));
  } else if (minAvailable !== undefined) {
    desiredHealthy = scaledBound(minAvailable, expectedPods);
  }
  const currentHealthy = selected.filter((pod) => healthy(pod, disruptedPods)).length;
  return {
    observedGeneration: budget.metadata.generation,
    disruptedPods,
    disruptionsAllowed: Math.max(0, currentHealthy - desiredHealthy),
    currentHealthy,
    desiredHealthy,
    expectedPods,
  };
}

/** 429: the budget allows no disruption now, with kube's words and a DisruptionBudget cause. */
function budgetViolated(budget: PodDisruptionBudget, status: PodDisruptionBudgetStatus): ApiError {
  return new ApiError(
    429,
    'TooManyRequests',
    "Cannot evict pod as it would violate the pod's disruption budget.",
    {
      causes: [
        {
          reason: 'DisruptionBudget',
          message:
            `The disruption budget ${budget.metadata.name} needs ${status.desiredHealthy} ` +
            `healthy pods and has ${status.currentHealthy} currently`,
        },
      ],
    },
  );
}

/**
 * The status a budget is left with after it granted the eviction of `pod`: one disruption fewer,
 * the pod noted in disruptedPods, and the DisruptionAllowed condition.
 */
function afterEviction(status: PodDisruptionBudgetStatus, pod: string, now: number) {
  const allowed = status.disruptionsAllowed - 1;
  return {
    ...status,
    disruptionsAllowed: allowed,
    disruptedPods: { ...status.disruptedPods, [pod]: rfc3339(now) },
    conditions: [
      {
        type: 'DisruptionAllowed',
        status: allowed > 0 ? ('True' as const) : ('False' as const),
        reason: allowed > 0 ? 'SufficientPods' : 'InsufficientPods',
        message: '',
        lastTransitionTime: rfc3339(now),
        observedGeneration: status.observedGeneration,
      },
    ],
  };
}

/**
 * Checks the budgets that cover `pod` before it is evicted: none, fine; more than one, kube
 * refuses (500); one, it must allow a disruption (else 429), and then its status records the
 * eviction (not in a dry run). A pod that is not healthy may go while the budget is met.
 */
export async function checkBudgets(pod: Pod, actions: SubresourceActions): Promise<void> {
  const now = actions.clock.now();
  const all = (await actions.list(budgets, pod.metadata.namespace!)) as PodDisruptionBudget[];
  const covering = all.filter((budget) => budgetSelects(budget, pod));
  if (covering.length === 0) return;
  if (covering.length > 1) {
    throw new ApiError(
      500,
      'InternalError',
      'Internal error occurred: This pod has more than one PodDisruptionBudget, which the ' +
        'eviction subresource does not support.',
    );
  }
  const budget = covering[0]!;
  const pods = await actions.list(actions.resource, pod.metadata.namespace!);
  const status = budgetStatus(budget, pods, now);
  if (!healthy(pod, status.disruptedPods ?? {}) && status.currentHealthy >= status.desiredHealthy) {
    return;
  }
  if (status.disruptionsAllowed <= 0) throw budgetViolated(budget, status);
  if (actions.dryRun) return;
  const granted = afterEviction(status, pod.metadata.name!, now);
  await actions.updateStatus(budgets, { ...budget, status: granted });
}

/**
 * eviction (pods): POST an Eviction (policy/v1, or v1beta1) to delete a pod the way `kubectl
 * drain` does, politely: the pod's budget must allow it (checkBudgets), then the pod is deleted
 * with the Eviction's deleteOptions (grace period, preconditions) as a DELETE would. A pod that is
 * finished, not yet running or already being deleted needs no budget. When the budget changed
 * between its read and the write of its status (409), the check runs again, up to five times.
 * Answers 201 with Success.
 */
export const evictionSubresource: Subresource = {
  name: 'eviction',
  act: async (parent, body, actions) => {
    const eviction = body as Eviction;
    const pod = parent as Pod;
    if (eviction.metadata?.name && eviction.metadata.name !== pod.metadata.name) {
      throw new ApiError(400, 'BadRequest', 'name in URL does not match name in Eviction object');
    }
    const phase = pod.status?.phase;
    const needsBudget =
      !pod.metadata.deletionTimestamp && !['Succeeded', 'Failed', 'Pending'].includes(phase ?? '');
    // Another eviction may spend the budget between our read and our write (409): look again.
    for (let attempt = 1; needsBudget; attempt++) {
      try {
        await checkBudgets(pod, actions);
        break;
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 409) || attempt >= 5) throw error;
      }
    }
    await actions.deleteParent(eviction.deleteOptions ?? {});
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
  },
};

/** The subresources the API server is given; each resource says which of them it has. */
export function createSubresources(): Subresource[] {
  return [statusSubresource, scaleSubresource, bindingSubresource, evictionSubresource];
}
