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
// calls them, then validates and stores the parent with a compare on its resourceVersion.
import { ApiError } from '../../harness/api/errors.ts';
import type { Subresource } from '../../harness/api/machinery.ts';
import type { Binding, KubeObject, PodCondition, Scale } from '../../harness/api/types.ts';
import { labelSelectorText } from './selectors.ts';

/** RFC 3339 in UTC with seconds precision. */
const timestamp = (milliseconds: number) =>
  new Date(milliseconds).toISOString().replace(/\.\d{3}Z$/, 'Z');

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
      lastTransitionTime: timestamp(context.clock.now()),
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

/** The subresources the API server is given; each resource says which of them it has. */
export function createSubresources(): Subresource[] {
  return [statusSubresource, scaleSubresource, bindingSubresource];
}
