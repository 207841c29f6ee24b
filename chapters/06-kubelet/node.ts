// The kubelet's own objects: the Node it registers, and the Lease it renews as a heartbeat.
//
// A node joins a cluster by creating its Node object: its addresses, what it can offer pods
// (capacity, and allocatable: capacity minus what the system keeps), its podCIDR, and conditions
// with Kubernetes' reasons, Ready above all. From then on the kubelet proves it is alive by renewing
// a Lease named after the node in the kube-node-lease namespace, every 10 seconds: a cheap write of
// one small object, instead of rewriting the whole Node status that often. The node lifecycle
// controller (chapter 07) watches those Leases and marks a silent node NotReady.
import type { Lease, Node, NodeCondition } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Registering the node';

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

/**
 * The four conditions of a healthy node, in this order, each with status, reason and message,
 * and `now` as lastHeartbeatTime and lastTransitionTime:
 * MemoryPressure False KubeletHasSufficientMemory "kubelet has sufficient memory available";
 * DiskPressure False KubeletHasNoDiskPressure "kubelet has no disk pressure";
 * PIDPressure False KubeletHasSufficientPID "kubelet has sufficient PID available";
 * Ready True KubeletReady "kubelet is posting ready status".
 */
export function healthyConditions(now: string): NodeCondition[] {
  throw new NotImplemented('healthyConditions', section);
}

/**
 * The platform in Go's names, as Kubernetes writes it: Node.js's x64 is amd64, ia32 is 386, win32
 * is windows; any other name (linux, darwin, arm64) is the same in both.
 */
export function goPlatform(platform: string, arch: string): { os: string; arch: string } {
  throw new NotImplemented('goPlatform', section);
}

/**
 * The Node as the kubelet registers it: metadata.name and the label kubernetes.io/hostname;
 * spec.podCIDR (and podCIDRs); status.capacity and status.allocatable (both the configured
 * capacity); healthyConditions(now); addresses InternalIP (nodeIp) then Hostname (nodeName);
 * daemonEndpoints.kubeletEndpoint.Port (config.port, 10250); nodeInfo.kubeletVersion; the labels
 * kubernetes.io/os and kubernetes.io/arch and nodeInfo.operatingSystem and architecture, all
 * goPlatform(process.platform, process.arch).
 */
export function nodeObject(config: NodeConfig, now: string): Node {
  throw new NotImplemented('nodeObject', section);
}

/**
 * The node's heartbeat Lease: named after the node, in kube-node-lease, holderIdentity the node,
 * leaseDurationSeconds, renewTime.
 */
export function nodeLease(nodeName: string, renewTime: string, durationSeconds = 40): Lease {
  throw new NotImplemented('nodeLease', section);
}
