// The annotations a Deployment and its ReplicaSets carry, as kube-controller-manager and kubectl
// name them. The Deployment controller (chapter 08) writes them; `kata rollout` and
// `kubectl rollout` read them. Given vocabulary, so both sides spell them the same.
import type { KubeObject } from './types.ts';

/** On a Deployment and each of its ReplicaSets: which rollout this template is, "1", "2", ... */
export const revisionAnnotation = 'deployment.kubernetes.io/revision';
/** On a ReplicaSet: the Deployment's replicas when the controller last sized it. */
export const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
/** On a ReplicaSet: replicas + maxSurge when the controller last sized it. */
export const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
/** What `kubectl apply` remembers; never copied from a Deployment to its ReplicaSets. */
export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';
/** Set on the pod template by `rollout restart`: a new template, so a new rollout. */
export const restartedAtAnnotation = 'kubectl.kubernetes.io/restartedAt';
/** Why a revision was made, shown as CHANGE-CAUSE by `rollout history`. */
export const changeCauseAnnotation = 'kubernetes.io/change-cause';

/** The annotations the controller owns: never copied between a Deployment and its ReplicaSets. */
export const rolloutAnnotations = [
  revisionAnnotation,
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  lastAppliedAnnotation,
  'deployment.kubernetes.io/revision-history',
];

/** An object's revision annotation as a number; 0 when it has none. */
export function revisionOf(object: KubeObject): number {
  const revision = Number(object.metadata.annotations?.[revisionAnnotation] ?? 0);
  return Number.isInteger(revision) && revision > 0 ? revision : 0;
}
