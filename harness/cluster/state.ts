// A running cluster's record, <data dir>/cluster.json: the process that runs it, its control
// endpoint, its API server and kubeconfig. `kata up` writes it once the cluster is up and removes
// it when the cluster stops; `kata components`, `kill` and `restart` read it to find the cluster,
// and a second `kata up` on the same data directory reads it to refuse.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface ClusterState {
  pid: number;
  control: string;
  apiserver: string;
  kubeconfig: string;
  /** The store's client URL (the kata store or --etcd-servers), for `kata history`. */
  store?: string;
}

export function stateFile(dataDir: string): string {
  return path.join(dataDir, 'cluster.json');
}

/** The record of the cluster of a data directory, if there is one (it may be stale). */
export function readClusterState(dataDir: string): ClusterState | undefined {
  const file = stateFile(dataDir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as ClusterState;
}

export function writeClusterState(dataDir: string, state: ClusterState): void {
  writeFileSync(stateFile(dataDir), JSON.stringify(state, null, 2));
}

export function removeClusterState(dataDir: string): void {
  rmSync(stateFile(dataDir), { force: true });
}

/** Whether a process of this machine still runs. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
