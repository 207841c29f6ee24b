// Defaults: the fields a client may leave out, filled in the way Kubernetes fills them
// (k/k pkg/apis/core/v1/defaults.go, pkg/apis/apps/v1/defaults.go). The server stores the
// defaulted object, so every reader (kubectl, a controller, a kubelet) sees the same values and
// none of them has to guess: a pod without a restartPolicy restarts Always, a Deployment without a
// strategy rolls 25% at a time.
import type { ResourceType } from '../../harness/api/resources.ts';
import type { KubeObject, PodSpec, PodTemplateSpec } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Defaults';

/**
 * A pod spec's defaults, in place; used for pods and for the pod templates of ReplicaSets and
 * Deployments: restartPolicy "Always", terminationGracePeriodSeconds 30, dnsPolicy
 * "ClusterFirst", schedulerName "default-scheduler". For each container (and init container):
 * imagePullPolicy "Always" when the image has no tag or the tag "latest" (a tag follows the last
 * ":" after the last "/"; an image pinned by digest, with "@", is "IfNotPresent"), otherwise
 * "IfNotPresent"; resources {} (Go writes an empty struct as {}); terminationMessagePath
 * "/dev/termination-log"; terminationMessagePolicy "File"; every port's protocol "TCP". The pod
 * spec's securityContext is {} when unset, for the same reason.
 */
export function defaultPodSpec(spec: PodSpec): void {
  throw new NotImplemented('defaultPodSpec', section);
}

/**
 * A pod template's defaults, in place: its pod spec's, exactly as a pod's (defaultPodSpec), and a
 * `creationTimestamp: null` in its metadata (what a Go client such as kubectl writes for "none")
 * deleted, so a template sent back through kubectl reads as the one first stored.
 */
export function defaultPodTemplate(template: PodTemplateSpec): void {
  throw new NotImplemented('defaultPodTemplate', section);
}

/** The node taints every pod tolerates for 300 s unless it says otherwise (DefaultTolerationSeconds). */
export const defaultTolerationKeys = [
  'node.kubernetes.io/not-ready',
  'node.kubernetes.io/unreachable',
];

/**
 * What kube-apiserver's DefaultTolerationSeconds admission does to every pod, in place: for each
 * of defaultTolerationKeys that none of the pod's tolerations covers (a toleration covers it when
 * its key is unset or that key, and its effect unset or "NoExecute"), append
 * `{ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }`. Pods only, never
 * templates. Tolerations that are not a list are left for validation.
 */
export function defaultTolerations(spec: PodSpec): void {
  throw new NotImplemented('defaultTolerations', section);
}

/**
 * Fills in the defaults of `object`'s kind, in place. Fields that are present are never changed,
 * and fields of the wrong type (a spec that is a string, say) are left for validation to report.
 * - pods: defaultPodSpec(spec), then defaultTolerations(spec)
 * - replicasets, and replicationcontrollers alike: spec.replicas 1; the template
 *   (defaultPodTemplate)
 * - deployments: spec.replicas 1; strategy type "RollingUpdate" and, for a rolling update,
 *   rollingUpdate.maxUnavailable "25%" and maxSurge "25%"; revisionHistoryLimit 10;
 *   progressDeadlineSeconds 600; the template (defaultPodTemplate)
 * - services: spec.type "ClusterIP", sessionAffinity "None"; each port's protocol "TCP" and
 *   targetPort = its port
 * - namespaces: spec.finalizers ["kubernetes"], status.phase "Active"
 * - secrets: type "Opaque"
 * - networkpolicies: when spec.policyTypes is missing or empty, ["Ingress"], with "Egress" after
 *   it when spec.egress has at least one rule
 */
export function applyDefaults(resource: ResourceType, object: KubeObject): void {
  throw new NotImplemented('applyDefaults', section);
}
