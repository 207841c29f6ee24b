// The kubelet's own objects: the Node it registers, and the Lease it renews as a heartbeat.
//
// A node joins a cluster by creating its Node object: its addresses, what it can offer pods
// (capacity, and allocatable: capacity minus what the system keeps), its podCIDR, and conditions
// with Kubernetes' reasons, Ready above all. From then on the kubelet proves it is alive by renewing
// a Lease named after the node in the kube-node-lease namespace, every 10 seconds: a cheap write of
// one small object, instead of rewriting the whole Node status that often. The node lifecycle
// controller (chapter 07) watches those Leases and marks a silent node NotReady.
import type { Lease, Node, NodeCondition } from '../../harness/api/types.ts';

export interface NodeConfig {
  nodeName: string;
  nodeIp: string;
  /** The range this node's pods take their IPs from: 127.244.0.0/24 for node 0. */
  podCidr: string;
  /** What the node has; allocatable is the same here (a real kubelet keeps some back). */
  capacity: { cpu: string; memory: string; pods: string };
  /** The port of the kubelet's own API (logs). 10250. */
  port?: number;
}

/** The version the kubelet reports; kubectl prints it in `get nodes`. */
export const kubeletVersion = 'v1.32.0-kata';

/** A healthy node's four conditions: type, status, reason, message, in Kubernetes' words. */
const healthy: [string, 'True' | 'False', string, string][] = [
  [
    'MemoryPressure',
    'False',
    'KubeletHasSufficientMemory',
    'kubelet has sufficient memory available',
  ],
  ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
];

/** The conditions of a healthy node, each heard from and last changed `now`. */
export function healthyConditions(now: string): NodeCondition[] {
  return healthy.map(([type, status, reason, message]) => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
  }));
}

/**
 * Node.js names platforms its own way (x64, win32); Kubernetes uses Go's (amd64, windows), in the
 * labels kubernetes.io/os and kubernetes.io/arch and in status.nodeInfo alike.
 */
export function goPlatform(platform: string, arch: string): { os: string; arch: string } {
  const goArch: Record<string, string> = { x64: 'amd64', ia32: '386' };
  const goOs: Record<string, string> = { win32: 'windows' };
  return { os: goOs[platform] ?? platform, arch: goArch[arch] ?? arch };
}

/** The Node as the kubelet registers it. `now`: an RFC 3339 time. */
export function nodeObject(config: NodeConfig, now: string): Node {
  const { os, arch } = goPlatform(process.platform, process.arch);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: config.nodeName,
      labels: {
        'kubernetes.io/hostname': config.nodeName,
        'kubernetes.io/os': os,
        'kubernetes.io/arch': arch,
      },
    },
    spec: { podCIDR: config.podCidr, podCIDRs: [config.podCidr] },
    status: {
      capacity: { ...config.capacity },
      allocatable: { ...config.capacity },
      conditions: healthyConditions(now),
      addresses: [
        { type: 'InternalIP', address: config.nodeIp },
        { type: 'Hostname', address: config.nodeName },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: config.port ?? 10250 } },
      nodeInfo: {
        kubeletVersion,
        kubeProxyVersion: kubeletVersion,
        operatingSystem: os,
        architecture: arch,
        osImage: 'kata',
        kernelVersion: '',
        containerRuntimeVersion: 'kata-process://1',
      },
    },
  };
}

/** The node's heartbeat Lease, in kube-node-lease, renewed at `renewTime` (a MicroTime). */
export function nodeLease(nodeName: string, renewTime: string, durationSeconds = 40): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: nodeName, namespace: 'kube-node-lease' },
    spec: { holderIdentity: nodeName, leaseDurationSeconds: durationSeconds, renewTime },
  };
}
