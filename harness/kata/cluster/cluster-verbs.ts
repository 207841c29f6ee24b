// The `kata` verbs that talk to a running cluster rather than to the course: where the API server
// is (`kata kubeconfig` writes it down, as kubectl reads it), and `kata logs` and `kata rollout`,
// for machines without kubectl. They use the reference client (chapter 04's solution): a learner's half-built client
// must never stand between them and their cluster.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { kubeconfigFor, readKubeconfig } from '../../client/kubeconfig.ts';
import { defaultDataDir } from '../../cluster/options.ts';
import { readClusterState } from '../../cluster/state.ts';
import { toolkit } from '../../components/reference-toolkit.ts';
import { repoRoot } from '../../paths.ts';
import { KataError, UsageError } from '../output.ts';
import {
  rolloutHistory,
  rolloutPause,
  rolloutRestart,
  rolloutStatus,
  rolloutUndo,
} from './rollout.ts';

/** The kubeconfig `kata kubeconfig` writes, and the cluster verbs read. */
export const kubeconfigPath = path.join(repoRoot, '.kata', 'kubeconfig');

type Flags = Record<string, string | boolean | undefined>;

/** The API server: --server, else the written kubeconfig's, else the default port on loopback. */
export function serverFrom(flags: Flags): string {
  if (typeof flags.server === 'string') return flags.server;
  if (existsSync(kubeconfigPath)) return readKubeconfig(kubeconfigPath).server;
  return 'http://127.0.0.1:6443';
}

/** The one line for an API server that does not answer. */
export function unreachable(server: string): KataError {
  return new KataError(
    `cannot reach the API server at ${server}; start the cluster with \`npm start\`, or say where it is with --server`,
  );
}

/** Whether an error is a connection that failed, rather than an answer. */
export function isConnectionFailure(error: unknown): boolean {
  return /fetch failed|ECONNREFUSED/.test((error as Error)?.message ?? '');
}

/**
 * A request to the API server; a refused connection or an error answer becomes one line, with
 * the Status's message when the answer is a Status.
 */
export async function requestApi(url: string, init?: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch {
    throw unreachable(new URL(url).origin);
  }
  if (response.ok) return response;
  const text = await response.text();
  let message = text;
  try {
    message = (JSON.parse(text) as { message?: string }).message ?? text;
  } catch {
    // Not a Status: the text as it came.
  }
  throw new KataError(`Error from server: ${message.trim()}`);
}

/**
 * `kata kubeconfig`: .kata/kubeconfig for --server, or without it for the cluster running from
 * .kata/cluster (its admin's, with the CA and client certificate over TLS), else for
 * http://127.0.0.1:6443.
 */
export function writeKubeconfig(flags: Flags): number {
  const running = readClusterState(defaultDataDir);
  if (typeof flags.server !== 'string' && running && existsSync(running.kubeconfig)) {
    mkdirSync(path.dirname(kubeconfigPath), { recursive: true });
    copyFileSync(running.kubeconfig, kubeconfigPath);
    console.log(`Wrote ${path.relative(process.cwd(), kubeconfigPath)} for ${running.apiserver}.`);
    return 0;
  }
  const server = typeof flags.server === 'string' ? flags.server : 'http://127.0.0.1:6443';
  try {
    new URL(server);
  } catch {
    throw new UsageError(`--server: "${server}" is not a URL`);
  }
  mkdirSync(path.dirname(kubeconfigPath), { recursive: true });
  writeFileSync(kubeconfigPath, kubeconfigFor(server));
  console.log(`Wrote ${path.relative(process.cwd(), kubeconfigPath)} for ${server}. Try:`);
  console.log(`  kubectl --kubeconfig ${path.relative(process.cwd(), kubeconfigPath)} get nodes`);
  return 0;
}

/** `kata logs POD`: GET pods/<pod>/log, streamed to stdout. */
export async function logs(pod: string, flags: Flags): Promise<number> {
  const server = serverFrom(flags);
  const namespace = typeof flags.namespace === 'string' ? flags.namespace : 'default';
  const query = new URLSearchParams();
  if (typeof flags.container === 'string') query.set('container', flags.container);
  if (flags.follow === true) query.set('follow', 'true');
  if (typeof flags.tail === 'string') {
    if (!/^\d+$/.test(flags.tail))
      throw new UsageError(`--tail takes a number, not "${flags.tail}"`);
    query.set('tailLines', flags.tail);
  }
  const url = `${server}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log?${query}`;
  const response = await requestApi(url);
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    process.stdout.write(chunk);
  }
  return 0;
}

const rolloutActions = ['status', 'history', 'undo', 'pause', 'resume', 'restart'];

/** A revision flag's number, or a usage error naming the flag. */
function revisionFlag(flags: Flags, name: string): number | undefined {
  const text = flags[name];
  if (text === undefined) return undefined;
  if (typeof text !== 'string' || !/^\d+$/.test(text))
    throw new UsageError(`--${name} takes a revision number, not "${String(text)}"`);
  return Number(text);
}

/** `kata rollout ACTION deployment/NAME`: see rollout.ts. */
export async function rollout(
  action: string,
  target: string | undefined,
  flags: Flags,
): Promise<number> {
  if (!rolloutActions.includes(action))
    throw new UsageError(
      `unknown rollout action "${action}"; choose one of ${rolloutActions.join(', ')}`,
    );
  const match = /^(?:(?:deployments?|deploy)(?:\.apps)?\/)?([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(
    target ?? '',
  );
  if (!match)
    throw new UsageError(
      target
        ? `"${target}" is not a Deployment; name one as deployment/NAME`
        : `kata rollout ${action} needs a Deployment: deployment/NAME`,
    );
  const name = match[1]!;
  const namespace = typeof flags.namespace === 'string' ? flags.namespace : 'default';
  const server = serverFrom(flags);
  const client = toolkit.createClient({ server, userAgent: 'kata-rollout' });
  const print = (line: string) => console.log(line);
  try {
    switch (action) {
      case 'status': {
        const stop = new AbortController();
        const interrupt = () => stop.abort();
        process.once('SIGINT', interrupt);
        try {
          await rolloutStatus(client, namespace, name, print, stop.signal);
        } finally {
          process.off('SIGINT', interrupt);
        }
        break;
      }
      case 'history':
        await rolloutHistory(client, namespace, name, print, revisionFlag(flags, 'revision'));
        break;
      case 'undo':
        await rolloutUndo(client, namespace, name, print, revisionFlag(flags, 'to-revision'));
        break;
      case 'pause':
      case 'resume':
        await rolloutPause(client, namespace, name, print, action === 'pause');
        break;
      case 'restart':
        await rolloutRestart(client, namespace, name, print);
        break;
    }
  } catch (error) {
    if (error instanceof KataError) throw error;
    if (isConnectionFailure(error)) throw unreachable(server);
    throw new KataError(`${(error as Error).message} (from ${server})`);
  }
  return 0;
}
