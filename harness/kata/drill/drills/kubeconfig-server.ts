// A kubeconfig whose server is wrong: kubectl with it cannot connect. The fix is the API server's
// address in the file; verify reads the file and asks the server it names.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { kubeconfigFor, readKubeconfig } from '../../../client/kubeconfig.ts';
import { credentialsFor } from '../../../client/tls.ts';
import type { Task, TaskScene } from '../../tasks/task.ts';
import { verdictOf } from '../../tasks/workloads.ts';

/** The broken kubeconfig, beside the data directory: `.kata/drill-kubeconfig` by default. */
export function drillKubeconfig(scene: TaskScene): string {
  return path.join(path.dirname(scene.dataDir), 'drill-kubeconfig');
}

/** The same address, one port off: an easy slip to make, and nothing listens there. */
function wrongServer(apiserver: string): string {
  const url = new URL(apiserver);
  const port = Number(url.port);
  url.port = String(port === 65535 ? port - 1 : port + 1);
  return url.origin;
}

/** The admin's kubeconfig (its CA and certificate, over TLS) naming `server`. */
function adminKubeconfig(scene: TaskScene, server: string): string {
  return kubeconfigFor(server, 'kata', credentialsFor(scene.cluster.apiserver));
}

export const kubeconfigServer: Task = {
  name: 'kubeconfig-server',
  statement:
    '`kubectl --kubeconfig .kata/drill-kubeconfig get nodes` fails to connect (the file is beside ' +
    "the cluster's data directory). Fix the file so it reaches the running cluster.",
  domain: 'CKA: Cluster Architecture, Installation and Configuration',
  difficulty: 'medium',
  minutes: 5,
  async prepare(scene) {
    writeFileSync(
      drillKubeconfig(scene),
      adminKubeconfig(scene, wrongServer(scene.cluster.apiserver)),
    );
  },
  async verify(scene) {
    let server: string;
    try {
      server = readKubeconfig(drillKubeconfig(scene)).server;
    } catch (error) {
      return verdictOf([(error as Error).message]);
    }
    try {
      const response = await fetch(`${server}/api`, { signal: AbortSignal.timeout(3_000) });
      if (!response.ok) return verdictOf([`${server}/api answers HTTP ${response.status}`]);
    } catch {
      return verdictOf([`the kubeconfig's server ${server} does not answer`]);
    }
    return verdictOf([]);
  },
  hint: '`kubectl config view --kubeconfig …` shows the server; `kata components` or .kata/kubeconfig where the API server really is.',
  explanation:
    "The file's cluster entry named a port where nothing listens, so kubectl's connection was " +
    "refused before any request was made. kubectl reads the current context, then its cluster's " +
    'server, as the client of chapter 04 does (kubeconfig.ts). Every component of this cluster finds ' +
    'the API server the same way, each through its own kubeconfig in .kata/cluster/kubeconfigs/ ' +
    '(with its client certificate, as kubeadm writes scheduler.conf and kubelet.conf).',
  async fix(scene) {
    writeFileSync(drillKubeconfig(scene), adminKubeconfig(scene, scene.cluster.apiserver));
  },
  async cleanUp(scene) {
    rmSync(drillKubeconfig(scene), { force: true });
  },
};
