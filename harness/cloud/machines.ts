// The kata cloud's machines: a machine is a kata node, a kubelet and a kube-proxy on a loopback
// address of their own, as `kata up` starts them for its first nodes. The cloud starts them as its
// own child processes with the same command lines (harness/cluster/arguments.ts), each with the
// identity a kubelet needs over TLS (a client certificate for system:node:<name>, from the cluster's
// CA in the data directory, as a cloud's node bootstrap would hand one out), and stops them with
// SIGTERM when the machine is deleted or the cloud ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  choosePort,
  kubeconfigPathFor,
  kubeletArguments,
  proxyArguments,
  type NodePlan,
} from '../cluster/arguments.ts';
import {
  componentIdentity,
  componentKubeconfig,
  kubeletServingCertificate,
  pkiDir,
} from '../cluster/pki.ts';
import type { Use } from '../components/implementation.ts';
import { nodeIp, podCidrForNode, type NetworkMode } from '../network.ts';
import { repoRoot } from '../paths.ts';
import { ProcessRuntime } from '../runtime/process-runtime.ts';

/** What the cloud knows of the cluster it serves: `kata up` writes it as <data dir>/cloud-config.json. */
export interface CloudConfig {
  dataDir: string;
  /** The API server's URL, for new kubelets' kubeconfigs. */
  apiserver: string;
  /** Whether the API server serves TLS (then each new kubelet gets a certificate of its own). */
  secure: boolean;
  network: NetworkMode;
  proxyMode: 'userspace' | 'iptables';
  clusterDns?: string;
  /** The machines `kata up` started: they are the cloud's too, outside any node group. */
  machines: { name: string; ip: string }[];
  /** The node address index of `kata up`'s first node: machine k is node-k at nodeIp(base + k - 1). */
  nodeIndexBase: number;
  /** The node group the autoscaler may grow: at most maxSize machines beyond kata up's. */
  nodeGroup: { id: string; minSize: number; maxSize: number };
  /** Where load balancers get their addresses: 127.50.0.0/16. */
  externalCidr: string;
  /** The code new machines run (--use of their kubelet and proxy). */
  use: { kubelet: Use; proxy: Use };
}

/** A machine of the kata cloud. */
export interface Machine {
  name: string;
  ip: string;
  zone: string;
  /** The node group it belongs to; none for the machines `kata up` started. */
  group?: string;
  processes: ChildProcess[];
  /** Its kubelet's root directory and pod range (the cloud's machines only): where its containers are. */
  rootDir?: string;
  podCidr?: string;
}

/** The cloud's zones, in turn by the machine's number: kata-1a, kata-1b, kata-1c. */
export function zoneOf(index: number): string {
  return `kata-1${'abc'[index % 3]}`;
}

/** What a kata machine offers, as its kubelet reports it (harness/components/kubelet.ts). */
export function machineCapacity(): Record<string, string> {
  return {
    cpu: String(os.cpus().length),
    memory: `${Math.floor(os.totalmem() / 1024 / 1024)}Mi`,
    pods: '110',
  };
}

/** Starts `kata run <kind>` with `args`, its output appended to <data dir>/logs/<name>.log. */
function launch(config: CloudConfig, kind: string, name: string, args: string[], use: Use) {
  const file = path.join(repoRoot, 'harness', 'components', `${kind}.ts`);
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args, '--use', use], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  const logDir = path.join(config.dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  return child;
}

/** Starts machine number `number` (node-<number>): its kubelet and its kube-proxy. */
export async function startMachine(
  config: CloudConfig,
  number: number,
  group?: string,
): Promise<Machine> {
  const name = `node-${number}`;
  const index = config.nodeIndexBase + number - 1;
  const ip = nodeIp(index);
  const node: NodePlan = {
    name,
    ip,
    podCidr: podCidrForNode(index),
    kubeletPort: await choosePort(ip, 10250),
    proxyHealthzPort: await choosePort(ip, 0),
    rootDir: path.join(config.dataDir, 'nodes', name),
    network: config.network,
    proxyMode: config.proxyMode,
  };
  const kubelet = config.secure
    ? await componentKubeconfig(
        config.dataDir,
        config.apiserver,
        componentIdentity('kubelet', name),
      )
    : kubeconfigPathFor(config.dataDir, undefined);
  if (config.secure) await kubeletServingCertificate(config.dataDir, node.rootDir, node);
  const caFile = config.secure ? path.join(pkiDir(config.dataDir), 'ca.crt') : undefined;
  const proxy = kubeconfigPathFor(
    config.dataDir,
    config.secure ? componentIdentity('proxy') : undefined,
  );
  const processes = [
    launch(
      config,
      'kubelet',
      `kubelet-${name}`,
      kubeletArguments(kubelet, node, config.clusterDns, caFile),
      config.use.kubelet,
    ),
    launch(config, 'proxy', `proxy-${name}`, proxyArguments(proxy, node), config.use.proxy),
  ];
  return {
    name,
    ip,
    zone: zoneOf(index),
    group,
    processes,
    rootDir: node.rootDir,
    podCidr: node.podCidr,
  };
}

/**
 * Stops a machine: its processes (SIGTERM, then SIGKILL after `graceMs`), then the containers its
 * kubelet left running (they run detached, so that a kubelet may restart under its pods; a machine
 * that is deleted takes them with it). Resolves once all have ended.
 */
export async function stopMachine(machine: Machine, graceMs = 10_000): Promise<void> {
  await Promise.all(
    machine.processes.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  const stateDir = machine.rootDir && path.join(machine.rootDir, 'runtime');
  if (stateDir && existsSync(stateDir))
    await new ProcessRuntime({ stateDir, podCidr: machine.podCidr! })
      .close({ stopAll: true })
      .catch(() => {});
}
