// Subresources: paths under an object that read or write one part of it, so that each writer
// touches only its own part.
//
//   pods/web/status, deployments/web/status   the status half: kubelets and controllers write it;
//                                             the spec half stays as its owner wrote it
//   deployments/web/scale                     just the replica count, as an autoscaling/v1 Scale:
//                                             what `kubectl scale` and autoscalers use
//   pods/web/binding                          POST a Binding to put the pod on a node: what the
//                                             scheduler does, once, and never twice
//
// Each is a plain object of functions (harness/api/machinery.ts): the API server reads the parent,
// calls them, then validates and stores the parent with a compare on its resourceVersion. They
// return new objects (structuredClone the parent) and throw ApiErrors (harness/api/errors.ts).
import type { Subresource } from '../../harness/api/machinery.ts';
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

/** The subresources the API server is given; each resource says which of them it has. */
export function createSubresources(): Subresource[] {
  throw new NotImplemented('createSubresources', section);
}
