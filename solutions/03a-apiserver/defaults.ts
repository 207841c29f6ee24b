// Defaults: the fields a client may leave out, filled in the way Kubernetes fills them
// (k/k pkg/apis/core/v1/defaults.go, pkg/apis/apps/v1/defaults.go). The server stores the
// defaulted object, so every reader (kubectl, a controller, a kubelet) sees the same values and
// none of them has to guess: a pod without a restartPolicy restarts Always, a Deployment without a
// strategy rolls 25% at a time.
import { isObject } from '../../harness/api/json.ts';
import type { ResourceType } from '../../harness/api/resources.ts';
import type {
  Container,
  Deployment,
  KubeObject,
  Namespace,
  NetworkPolicy,
  Pod,
  PodSpec,
  PodTemplateSpec,
  ReplicaSet,
  Secret,
  Service,
} from '../../harness/api/types.ts';
import { workloadDefaults } from '../../harness/api/workload-defaults.ts';

/** `latest`, or no tag at all, may change under the same name, so it is pulled every time. */
function pullPolicyFor(image: string): Container['imagePullPolicy'] {
  if (image.includes('@')) return 'IfNotPresent';
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(container: Container): void {
  if (typeof container !== 'object' || container === null) return;
  if (typeof container.image === 'string' && container.imagePullPolicy === undefined) {
    container.imagePullPolicy = pullPolicyFor(container.image);
  }
  // Go writes a struct field it has no value for as {}: kube's stored containers all say so.
  container.resources ??= {};
  container.terminationMessagePath ??= '/dev/termination-log';
  container.terminationMessagePolicy ??= 'File';
  if (Array.isArray(container.ports)) {
    for (const port of container.ports) {
      if (typeof port === 'object' && port !== null) port.protocol ??= 'TCP';
    }
  }
}

/** A pod spec's defaults: used for pods and for the pod templates of ReplicaSets and Deployments. */
export function defaultPodSpec(spec: PodSpec): void {
  if (typeof spec !== 'object' || spec === null) return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  for (const list of [spec.containers, spec.initContainers]) {
    if (Array.isArray(list)) list.forEach(defaultContainer);
  }
}

/**
 * A pod template's defaults: its pod spec's, exactly as a pod's. A template that went through a
 * Go client (kubectl rollout undo copies a ReplicaSet's) says `creationTimestamp: null`, which
 * means no timestamp: it is dropped, so the template reads as the one first stored.
 */
export function defaultPodTemplate(template: PodTemplateSpec): void {
  if (typeof template !== 'object' || template === null) return;
  const metadata = template.metadata as Record<string, unknown> | undefined;
  if (isObject(metadata) && metadata.creationTimestamp === null) delete metadata.creationTimestamp;
  defaultPodSpec(template.spec);
}

/** The node taints every pod tolerates for 300 s unless it says otherwise (DefaultTolerationSeconds). */
export const defaultTolerationKeys = [
  'node.kubernetes.io/not-ready',
  'node.kubernetes.io/unreachable',
];

/**
 * What kube-apiserver's DefaultTolerationSeconds admission adds to every pod: a toleration of the
 * not-ready and the unreachable NoExecute taints for 300 s, each unless the pod already tolerates
 * that taint (a toleration of its key, or of every key, with effect NoExecute or any effect). So
 * a node that goes silent keeps its pods five minutes before they are evicted.
 */
export function defaultTolerations(spec: PodSpec): void {
  if (typeof spec !== 'object' || spec === null) return;
  if (spec.tolerations !== undefined && !Array.isArray(spec.tolerations)) return;
  const tolerations = spec.tolerations ?? [];
  for (const key of defaultTolerationKeys) {
    const covered = tolerations.some(
      (toleration) =>
        isObject(toleration) &&
        (!toleration.key || toleration.key === key) &&
        (!toleration.effect || toleration.effect === 'NoExecute'),
    );
    if (!covered) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
  }
  spec.tolerations = tolerations;
}

function defaultTemplate(spec: { template?: PodTemplateSpec } | undefined): void {
  if (spec?.template) defaultPodTemplate(spec.template);
}

const byResource: Record<string, (object: KubeObject) => void> = {
  pods: (object) => {
    defaultPodSpec((object as Pod).spec);
    defaultTolerations((object as Pod).spec);
  },
  replicasets: (object) => {
    const spec = (object as ReplicaSet).spec;
    if (typeof spec !== 'object' || spec === null) return;
    spec.replicas ??= 1;
    defaultTemplate(spec);
  },
  replicationcontrollers: (object) => byResource.replicasets!(object),
  deployments: (object) => {
    const spec = (object as Deployment).spec;
    if (typeof spec !== 'object' || spec === null) return;
    spec.replicas ??= 1;
    spec.strategy ??= {};
    spec.strategy.type ??= 'RollingUpdate';
    if (spec.strategy.type === 'RollingUpdate') {
      spec.strategy.rollingUpdate ??= {};
      spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
      spec.strategy.rollingUpdate.maxSurge ??= '25%';
    }
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    defaultTemplate(spec);
  },
  // Chapter 13b's DaemonSets and StatefulSets, given in harness/api/workload-defaults.ts.
  ...workloadDefaults(defaultTemplate),
  services: (object) => {
    const spec = (object as Service).spec;
    if (typeof spec !== 'object' || spec === null) return;
    spec.type ??= 'ClusterIP';
    spec.sessionAffinity ??= 'None';
    if (Array.isArray(spec.ports)) {
      for (const port of spec.ports) {
        if (typeof port !== 'object' || port === null) continue;
        port.protocol ??= 'TCP';
        port.targetPort ??= port.port;
      }
    }
  },
  namespaces: (object) => {
    const namespace = object as Namespace;
    namespace.spec ??= {};
    namespace.spec.finalizers ??= ['kubernetes'];
    namespace.status ??= {};
    namespace.status.phase ??= 'Active';
  },
  secrets: (object) => {
    (object as Secret).type ??= 'Opaque';
  },
  // Every policy isolates ingress unless it says otherwise; egress only when it has egress rules.
  networkpolicies: (object) => {
    const spec = (object as NetworkPolicy).spec;
    if (typeof spec !== 'object' || spec === null) return;
    if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0) return;
    spec.policyTypes = ['Ingress'];
    if (Array.isArray(spec.egress) && spec.egress.length > 0) spec.policyTypes.push('Egress');
  },
};

/**
 * Fills in the defaults of `object`'s kind, in place. Fields that are present are never changed,
 * and fields of the wrong type are left for validation to report.
 */
export function applyDefaults(resource: ResourceType, object: KubeObject): void {
  byResource[resource.resource]?.(object);
}
