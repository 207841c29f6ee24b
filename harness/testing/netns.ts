// Tests that touch the kernel's iptables tables, each in a network namespace of its own: a helper
// process started with `unshare -n` (netns-agent.mjs beside this file) runs the iptables programs,
// serves pod addresses and dials Service addresses inside it, so a test never changes the host's
// tables and nothing outlives the helper. They need root and Debian's iptables; elsewhere they
// skip with the one-line reason below.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Iptables, IptablesResult } from '../contracts/proxy.ts';

const agentPath = new URL('./netns-agent.mjs', import.meta.url).pathname;

/** Why the kernel tests cannot run here, or undefined when they can. */
export function kernelTestsSkipReason(): string | undefined {
  if (process.platform !== 'linux') return 'skipped: iptables tests need Linux';
  if (process.getuid?.() !== 0) return 'skipped: iptables tests need root (CAP_NET_ADMIN)';
  for (const program of ['iptables-restore', 'unshare']) {
    const found = spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;
    if (!found) return `skipped: ${program} is not on PATH (Debian: apt-get install iptables)`;
  }
  return undefined;
}

/** A network namespace and the helper inside it. */
export class NetworkNamespace {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly waiting = new Map<number, (answer: Record<string, unknown>) => void>();

  private constructor(child: ChildProcess) {
    this.child = child;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const answer = JSON.parse(line) as { id: number };
      this.waiting.get(answer.id)?.(answer);
      this.waiting.delete(answer.id);
    });
  }

  /** A new namespace with its loopback up. */
  static async start(): Promise<NetworkNamespace> {
    const child = spawn('unshare', ['-n', process.execPath, agentPath], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const namespace = new NetworkNamespace(child);
    await namespace.request({ op: 'run', program: 'true', args: [] });
    return namespace;
  }

  private request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.child.exitCode !== null || this.child.stdin!.writableEnded) {
        reject(new Error('the network namespace helper has ended'));
        return;
      }
      this.waiting.set(id, resolve);
      this.child.stdin!.write(JSON.stringify({ id, ...body }) + '\n');
    });
  }

  /** Runs iptables' programs inside the namespace: what the proxy is given instead of the host's. */
  readonly iptables: Iptables = async (program, args, input) =>
    (await this.request({ op: 'run', program, args, input })) as unknown as IptablesResult;

  /** A pod: listens on "ip:port" and answers each connection with that address. */
  async serve(address: string): Promise<void> {
    await this.request({ op: 'serve', address });
  }

  /** Stops serving an address. */
  async stopServing(address: string): Promise<void> {
    await this.request({ op: 'stop', address });
  }

  /**
   * Connects `count` times, one after the other (from the address `from`, when given), and
   * answers what each connection heard: the pod's address, or an error code ("ECONNREFUSED").
   */
  async dial(address: string, count = 1, from?: string): Promise<string[]> {
    return (await this.request({ op: 'dial', address, count, from })).answers as string[];
  }

  /** Ends the helper, and with it the namespace. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin!.end();
    await exited;
  }
}
