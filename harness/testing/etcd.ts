// A real etcd for tests and benchmarks: started on free ports in a temporary directory, stopped and
// removed afterwards. Conformance suites run the same requests against it and against the kata
// store; benchmarks use it as the baseline. When no `etcd` is on PATH, `etcdVersion()` says so and
// the suites skip (CI installs Debian's etcd-server, so there they always run).
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.ts';
import { spawnTethered, stopTethered } from './tethered.ts';
import { waitFor } from './wait.ts';

export interface RunningEtcd {
  /** The client URL, e.g. http://127.0.0.1:41234. */
  url: string;
  dataDir: string;
  /** Everything etcd printed, for a failing test to show. */
  log(): string;
  stop(): Promise<void>;
}

/** The `etcd` on PATH's version ("3.4.23"), or undefined when there is none. */
export function etcdVersion(): string | undefined {
  const result = spawnSync('etcd', ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  return /etcd Version: (\S+)/.exec(result.stdout)?.[1];
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`);
    return (await response.text()).includes('"true"');
  } catch {
    return false;
  }
}

/**
 * Starts a single-member etcd with its defaults (fsync on, 2 s minimum lease TTL), on free ports
 * and in a fresh temporary data directory, and waits until it answers /health.
 */
export async function startEtcd(extraFlags: string[] = []): Promise<RunningEtcd> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'kata-etcd-'));
  // Another process may take a free port before etcd does; try a few times.
  for (let attempt = 1; ; attempt++) {
    const [clientPort, peerPort] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${clientPort}`;
    const peer = `http://127.0.0.1:${peerPort}`;
    const child = spawnTethered('etcd', [
      '--name=kata',
      `--data-dir=${path.join(dataDir, `data-${attempt}`)}`,
      `--listen-client-urls=${url}`,
      `--advertise-client-urls=${url}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=kata=${peer}`,
      '--log-level=error',
      '--logger=zap',
      ...extraFlags,
    ]);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let gone = false;
    void exited.then(() => (gone = true));
    try {
      await waitFor(async () => gone || (await healthy(url)), 'etcd to answer /health', 15_000);
    } catch (error) {
      await stopTethered(child);
      throw error;
    }
    if (!gone) {
      return {
        url,
        dataDir,
        log: () => output,
        stop: async () => {
          await stopTethered(child);
          await rm(dataDir, { recursive: true, force: true });
        },
      };
    }
    if (attempt === 3) {
      await rm(dataDir, { recursive: true, force: true });
      throw new Error(`etcd exited before it was ready:\n${output}`);
    }
  }
}
