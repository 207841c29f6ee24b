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
// calls them, then validates and stores the parent with a compare on its resourceVersion. They
// return new objects (structuredClone the parent) and throw ApiErrors (harness/api/errors.ts).
import type { Subresource, SubresourceActions } from '../../harness/api/machinery.ts';
import type {
  KubeObject,
  Pod,
  PodDisruptionBudget,
  PodDisruptionBudgetStatus,
} from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Subresources';

/**
 * status: GET shows the whole object (as Kubernetes does); PUT keeps everything of the stored
 * object but its status, which it takes from the body.
 */
export const statusSubresource: Subresource = {
  name: 'status',
  get: () => {
    throw new NotImplemented('statusSubresource.get', section);
  },
  update: () => {
    throw new NotImplemented('statusSubresource.update', section);
  },
};

/**
 * scale (deployments, replicasets): GET shows the parent as an autoscaling/v1 Scale:
 *   { kind: "Scale", apiVersion: "autoscaling/v1",
 *     metadata: { name, namespace, uid, resourceVersion, creationTimestamp } (the parent's),
 *     spec: { replicas: spec.replicas },
 *     status: { replicas: status.replicas (0 if none), selector: labelSelectorText(spec.selector) } }
 * PUT changes only the parent's spec.replicas to the body's spec.replicas, which must be a whole
 * number of at least 0; otherwise a 422 Invalid (`Scale.autoscaling "<name>" is invalid:
 * spec.replicas: Invalid value: <value>: must be greater than or equal to 0`).
 */
export const scaleSubresource: Subresource = {
  name: 'scale',
  get: () => {
    throw new NotImplemented('scaleSubresource.get', section);
  },
  update: () => {
    throw new NotImplemented('scaleSubresource.update', section);
  },
};

/**
 * binding (pods): POST a Binding { target: { name: <node> } } to assign the pod to that node.
 * - No target name: 422 Invalid (`Binding "<pod>" is invalid: target.name: Required value`).
 * - The pod already has spec.nodeName: 409 Conflict, `Operation cannot be fulfilled on
 *   pods/binding "<pod>": pod <pod> is already assigned to node "<node>"`; being deleted
 *   (metadata.deletionTimestamp): 409 too.
 * - Otherwise the parent gets spec.nodeName, the Binding's metadata.annotations added to its
 *   own, and the condition { type: "PodScheduled", status: "True", lastProbeTime: null,
 *   lastTransitionTime: now (context.clock, RFC 3339 seconds) } in place of any older
 *   PodScheduled. The answer is { kind: "Status", apiVersion: "v1", metadata: {}, status:
 *   "Success", code: 201 }.
 */
export const bindingSubresource: Subresource = {
  name: 'binding',
  create: () => {
    throw new NotImplemented('bindingSubresource.create', section);
  },
};

// ---------------------------------------------------------------------------------------------
// Eviction and PodDisruptionBudgets (§ Eviction and disruption budgets)
// ---------------------------------------------------------------------------------------------

const evictionSection = '§ Eviction and disruption budgets';

/**
 * Whether a budget covers a pod: its spec.selector (an object-form selector; labelSelectorText,
 * parseLabelSelector and matchesLabels in ./selectors.ts) selects the pod's labels. An empty
 * selector {} selects every pod; a budget with no selector selects none.
 */
export function budgetSelects(budget: PodDisruptionBudget, pod: KubeObject): boolean {
  throw new NotImplemented('budgetSelects', evictionSection);
}

/**
 * A budget bound (minAvailable or maxUnavailable) as a number of pods: a number as it is; a
 * percentage ("50%") of `expected`, rounded up; any other string, 0.
 */
export function scaledBound(bound: number | string, expected: number): number {
  throw new NotImplemented('scaledBound', evictionSection);
}

/**
 * A budget's status worked out from the pods of its namespace at `now` (ms), as kube's
 * disruption controller keeps it:
 * - the selected pods are those budgetSelects; expectedPods, those not being deleted
 *   (no metadata.deletionTimestamp);
 * - disruptedPods: the budget's own status.disruptedPods, keeping only pods still selected and
 *   noted less than two minutes before `now`;
 * - desiredHealthy: with maxUnavailable, expectedPods less scaledBound(maxUnavailable), at
 *   least 0; else with minAvailable, scaledBound(minAvailable); else 0;
 * - currentHealthy: selected pods with the condition Ready True, not being deleted, not in
 *   disruptedPods;
 * - disruptionsAllowed: currentHealthy - desiredHealthy, at least 0;
 * - observedGeneration: the budget's metadata.generation.
 */
export function budgetStatus(
  budget: PodDisruptionBudget,
  pods: KubeObject[],
  now: number,
): PodDisruptionBudgetStatus {
  throw new NotImplemented('budgetStatus', evictionSection);
}

/**
 * Checks the budgets of the pod's namespace (actions.list of policy/v1 poddisruptionbudgets)
 * before it is evicted:
 * - none covers it (budgetSelects): fine.
 * - more than one: 500 InternalError, `Internal error occurred: This pod has more than one
 *   PodDisruptionBudget, which the eviction subresource does not support.`
 * - one: its budgetStatus over the namespace's pods (actions.list of actions.resource) at
 *   actions.clock.now(). A pod that is not healthy (not Ready, or in disruptedPods) may go when
 *   currentHealthy >= desiredHealthy. Otherwise disruptionsAllowed 0 is a 429 TooManyRequests
 *   `Cannot evict pod as it would violate the pod's disruption budget.` with details { causes:
 *   [{ reason: "DisruptionBudget", message: `The disruption budget <name> needs <desiredHealthy>
 *   healthy pods and has <currentHealthy> currently` }] }. Granted, and not a dry run:
 *   actions.updateStatus of the budget with that status, one disruption fewer, the pod in
 *   disruptedPods at now (RFC 3339 seconds), and the condition { type: "DisruptionAllowed",
 *   status "True" (reason SufficientPods) while disruptions remain, else "False"
 *   (InsufficientPods), message "", lastTransitionTime now, observedGeneration }.
 */
export async function checkBudgets(pod: Pod, actions: SubresourceActions): Promise<void> {
  throw new NotImplemented('checkBudgets', evictionSection);
}

/**
 * eviction (pods): act on POST of an Eviction (policy/v1, or v1beta1).
 * - Its metadata.name, when given, must be the pod's: 400 BadRequest `name in URL does not match
 *   name in Eviction object` otherwise.
 * - A pod being deleted, or in phase Succeeded, Failed or Pending, needs no budget; any other
 *   goes through checkBudgets. A 409 Conflict from it (the budget changed between its read and
 *   the write of its status) runs the check again, up to five times in all.
 * - Then actions.deleteParent(the Eviction's deleteOptions, or {}): the pod is deleted as a
 *   DELETE with those options would (grace period, preconditions, dry run).
 * - Answers { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 }.
 */
export const evictionSubresource: Subresource = {
  name: 'eviction',
  act: async () => {
    throw new NotImplemented('evictionSubresource.act', evictionSection);
  },
};

/**
 * The subresources the API server is given (status, scale, binding, eviction); each resource
 * says which of them it has.
 */
export function createSubresources(): Subresource[] {
  throw new NotImplemented('createSubresources', section);
}
