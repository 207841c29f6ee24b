// `kata components`, `kata kill NAME` and `kata restart NAME`: questions to the control endpoint of
// the cluster running from a data directory (harness/cluster/control.ts), for failure drills.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readKubeconfig } from '../../client/kubeconfig.ts';
import { credentialsFor, presentCredentials } from '../../client/tls.ts';
import { defaultDataDir } from '../../cluster/options.ts';
import { processAlive, readClusterState, type ClusterState } from '../../cluster/state.ts';
import { KataError } from '../output.ts';

type Flags = Record<string, string | boolean | undefined>;

/** The data directory a verb's --data-dir names, or the default `.kata/cluster`. */
export function dataDirOf(flags: Flags): string {
  const given = flags['data-dir'];
  return path.resolve(typeof given === 'string' ? given : defaultDataDir);
}

/**
 * The record of the cluster running from a data directory, or a one-line error. Over TLS, this
 * process presents the admin's certificate to its API server from now on (its kubeconfig, read).
 */
export function runningCluster(dataDir: string): ClusterState {
  const shown = path.relative(process.cwd(), dataDir) || '.';
  const state = readClusterState(dataDir);
  if (!state) throw new KataError(`no cluster runs from ${shown}; start one with \`npm start\``);
  if (!processAlive(state.pid))
    throw new KataError(
      `the cluster of ${shown} is not running (process ${state.pid} is gone); start it with \`npm start\``,
    );
  if (state.kubeconfig && existsSync(state.kubeconfig)) readKubeconfig(state.kubeconfig);
  return state;
}

/** The control endpoint of the cluster running from a data directory, or a one-line error. */
function controlOf(flags: Flags): string {
  return runningCluster(dataDirOf(flags)).control;
}

/** One question to a control endpoint; its JSON answer, or a one-line KataError. */
export async function ask(url: string, method: 'GET' | 'POST'): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { method });
  } catch (error) {
    throw new KataError(
      `cannot reach the cluster's control endpoint ${url}: ${(error as Error).message}`,
    );
  }
  const body = (await response.json()) as { message?: string };
  if (!response.ok) throw new KataError(body.message ?? `HTTP ${response.status}`);
  return body;
}

/** A component as the control endpoint lists it (harness/cluster/control.ts). */
export interface ListedComponent {
  name: string;
  pid?: number;
  state: string;
  restarts: number;
  /** The URL it is waited for at: /readyz, /healthz or the store's /health. */
  health?: string;
  chapters: string[];
  /** Whose code it runs: mine, solutions or auto. */
  use?: string;
  /** When its current process started (ISO 8601). */
  startedAt?: string;
  /** For a component that runs as a pod (--kubeadm): kube-system/<pod name>. */
  pod?: string;
}

/**
 * What a component's health endpoint says now, in a word or two: "ok" (200), the status code
 * when it answers otherwise (a 500 names its failed checks in its body: `curl` it), "no answer"
 * within `timeoutMs`, "-" when it has none.
 */
export async function healthOf(url: string | undefined, timeoutMs = 2000): Promise<string> {
  if (!url) return '-';
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.ok ? 'ok' : `HTTP ${response.status}`;
  } catch {
    return 'no answer';
  }
}

/**
 * The table `kata components` prints, columns padded to their widest cell. A component that runs
 * as a pod (--kubeadm) shows pod/<name> in the PID column.
 */
export function componentTable(rows: ListedComponent[], health: string[]): string[] {
  const table = [
    ['COMPONENT', 'STATE', 'HEALTH', 'PID', 'RESTARTS', 'CHAPTERS'],
    ...rows.map((row, index) => [
      row.name,
      row.state,
      health[index] ?? '-',
      // A component that runs as a pod shows its pod: its process is the kubelet's to know.
      String(row.pid ?? (row.pod ? `pod/${row.pod.split('/')[1]}` : '-')),
      String(row.restarts),
      row.chapters.join(', '),
    ]),
  ];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return table.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('   ')
      .trimEnd(),
  );
}

/** `kata components`: each process of the running cluster, and what its health endpoint says. */
export async function listComponents(flags: Flags): Promise<number> {
  const cluster = runningCluster(dataDirOf(flags));
  const rows = (await ask(`${cluster.control}/components`, 'GET')) as ListedComponent[];
  // A kubelet serves /healthz on its TLS port to clients the cluster's CA signed, as the API
  // server does: the kubeconfig's credentials (the admin's) are shown there too.
  const admin = cluster.apiserver ? credentialsFor(cluster.apiserver) : undefined;
  for (const row of rows) {
    const origin = row.health?.startsWith('https:') ? new URL(row.health).origin : undefined;
    if (admin && origin && !credentialsFor(origin)) presentCredentials(origin, admin);
  }
  // A component that is down or killed is not asked: its state already says it.
  const health = await Promise.all(
    rows.map((row) => (row.state === 'running' ? healthOf(row.health) : Promise.resolve('-'))),
  );
  for (const line of componentTable(rows, health)) console.log(line);
  return 0;
}

/** `kata kill NAME` and `kata restart NAME`. */
export async function controlComponent(
  verb: 'kill' | 'restart',
  name: string,
  flags: Flags,
  print: (line: string) => void = console.log,
): Promise<number> {
  const url = `${controlOf(flags)}/${verb}/${encodeURIComponent(name)}`;
  const { message } = (await ask(url, 'POST')) as { message: string };
  print(message);
  return 0;
}
