// Small, valid example objects for tests and lessons: a pod, a deployment, a service. Each test
// states only what it is about and starts from one of these, so a change to the rules of a kind
// (a new required field, say) is made here once.
import type {
  DaemonSet,
  Deployment,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  ReplicaSet,
  Service,
  StatefulSet,
} from './types.ts';

/** A pod with one container named "app". */
export function examplePod(name: string, labels: Record<string, string> = { app: name }): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'app', image: 'kata/echo:1.0' }] },
  };
}

/** A deployment whose selector and template agree on app=<name>. */
export function exampleDeployment(name: string, replicas = 2): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'kata/echo:1.0' }] },
      },
    },
  };
}

/** A replica set whose selector and template agree on app=<name>. */
export function exampleReplicaSet(name: string, replicas = 2): ReplicaSet {
  const { spec } = exampleDeployment(name, replicas);
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, labels: { app: name } },
    spec: { replicas, selector: spec.selector, template: spec.template },
  };
}

/** A DaemonSet whose selector and template agree on app=<name>: one echo pod per node. */
export function exampleDaemonSet(name: string): DaemonSet {
  const { spec } = exampleDeployment(name);
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, labels: { app: name } },
    spec: { selector: spec.selector, template: spec.template },
  };
}

/** A StatefulSet of `replicas` echo pods, app=<name>, named by its headless Service <name>. */
export function exampleStatefulSet(name: string, replicas = 3): StatefulSet {
  const { spec } = exampleDeployment(name);
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, labels: { app: name } },
    spec: { replicas, serviceName: name, selector: spec.selector, template: spec.template },
  };
}

/** A service selecting app=<name>, port 80 to the pods' 8080. */
export function exampleService(name: string): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
  };
}

/** A Ready node offering `allocatable` (4 cores, 8 GiB and 110 pods unless told otherwise). */
export function exampleNode(name: string, allocatable: Record<string, string> = {}): Node {
  const offered = { cpu: '4', memory: '8Gi', pods: '110', ...allocatable };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: {},
    status: {
      capacity: offered,
      allocatable: offered,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
    },
  };
}

/** examplePod with its one container requesting `requests` (cpu, memory). */
export function podRequesting(name: string, requests: Record<string, string>): Pod {
  const pod = examplePod(name);
  pod.spec.containers[0]!.resources = { requests };
  return pod;
}

/**
 * A claim in default for `storage` (ReadWriteOnce) of class `className`: "" for none, null for a
 * claim that names no class (it gets the default one).
 */
export function exampleClaim(
  name: string,
  storage = '1Gi',
  className: string | null = '',
): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default' },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage } },
      ...(className === null ? {} : { storageClassName: className }),
    },
  };
}

/** A hostPath volume of `storage` (ReadWriteOnce, Retain) of class `className` ("" for none). */
export function exampleVolume(name: string, storage = '1Gi', className = ''): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: {
      capacity: { storage },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: className,
      hostPath: { path: `/tmp/kata-volumes/${name}` },
    },
  };
}
