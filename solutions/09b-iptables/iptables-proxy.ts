// kube-proxy's iptables mode, the rules applied: a loop that watches Services, EndpointSlices and
// NetworkPolicies, and after every change (and every sync period, in case someone edited the
// tables) writes the whole rule set with `iptables-restore --noflush`.
//
// --noflush: iptables-restore then replaces only the chains the text declares (ours) and leaves
// every other chain of the table alone, as kube-proxy must on a node where the network plugin,
// the firewall and Docker keep rules of their own. Rules in the built-in chains (OUTPUT jumping to
// KUBE-SERVICES) cannot be written that way without piling up, so they are checked with
// `iptables -C` and inserted only when missing. On exit the proxy takes all of it away again.
//
// Changing the kernel's tables needs the CAP_NET_ADMIN capability: without it, or without the
// iptables program, the proxy says so in one line and stops; the userspace mode (chapter 09) needs
// neither. The commands go through an `Iptables` runner, so tests can run them inside a network
// namespace of their own (`ip netns exec`), never on the host's tables.
import { spawn } from 'node:child_process';
import type {
  EndpointSlice,
  Namespace,
  NetworkPolicy,
  Pod,
  Service,
} from '../../harness/api/types.ts';
import type { Controller, Informer } from '../../harness/client/types.ts';
import type {
  Iptables,
  IptablesProxyOptions,
  IptablesResult,
} from '../../harness/contracts/proxy.ts';
import { policiesChain, policyRules } from './network-policy.ts';
import { proxyRules, restoreText, savedChains } from './rules.ts';

export type { Iptables, IptablesProxyOptions, IptablesResult };

/**
 * The real programs, each started after `prefix` (["ip", "netns", "exec", "name"] runs them in a
 * network namespace): the system's default, or those of one backend (iptables-legacy-restore,
 * iptables-nft-restore, ...). A program that cannot be started answers code 127 and says why.
 */
export function iptablesCommand(prefix: string[] = [], backend?: 'legacy' | 'nft'): Iptables {
  return (program, args, input) =>
    new Promise((resolve) => {
      const name = backend ? program.replace('iptables', `iptables-${backend}`) : program;
      const [command, ...rest] = [...prefix, name, ...args];
      const child = spawn(command!, rest, { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
      child.on('error', (error) => resolve({ code: 127, stdout, stderr: error.message }));
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
      child.stdin.on('error', () => {});
      child.stdin.end(input ?? '');
    });
}

/** A rule in a built-in chain that leads into ours. */
export interface JumpRule {
  table: 'nat' | 'filter';
  chain: string;
  rule: string[];
}

const portals = ['-m', 'comment', '--comment', 'kubernetes service portals'];
const newOnly = ['-m', 'conntrack', '--ctstate', 'NEW'];

/** The jumps from the built-in chains, as kube-proxy inserts them (and one for the policies). */
export const jumpRules: JumpRule[] = [
  { table: 'nat', chain: 'PREROUTING', rule: [...portals, '-j', 'KUBE-SERVICES'] },
  { table: 'nat', chain: 'OUTPUT', rule: [...portals, '-j', 'KUBE-SERVICES'] },
  {
    table: 'nat',
    chain: 'POSTROUTING',
    rule: ['-m', 'comment', '--comment', 'kubernetes postrouting rules', '-j', 'KUBE-POSTROUTING'],
  },
  { table: 'filter', chain: 'OUTPUT', rule: [...newOnly, ...portals, '-j', 'KUBE-SERVICES'] },
  { table: 'filter', chain: 'FORWARD', rule: [...newOnly, ...portals, '-j', 'KUBE-SERVICES'] },
  {
    table: 'filter',
    chain: 'INPUT',
    rule: [
      ...newOnly,
      ...['-m', 'comment', '--comment', 'kubernetes externally-visible service portals'],
      ...['-j', 'KUBE-EXTERNAL-SERVICES'],
    ],
  },
  { table: 'filter', chain: 'OUTPUT', rule: ['-j', policiesChain] },
  { table: 'filter', chain: 'FORWARD', rule: ['-j', policiesChain] },
];

/** Inserts each jump rule that is missing (`-C` checks, `-I` inserts first in the chain). */
export async function ensureJumps(iptables: Iptables): Promise<void> {
  for (const { table, chain, rule } of jumpRules) {
    if ((await iptables('iptables', ['-w', '-t', table, '-C', chain, ...rule])).code === 0)
      continue;
    const inserted = await iptables('iptables', ['-w', '-t', table, '-I', chain, ...rule]);
    if (inserted.code !== 0) throw new Error(`iptables -I ${chain}: ${inserted.stderr.trim()}`);
  }
}

/**
 * Whether `saved` (iptables-save's output) has every jump: in its table, a rule of its chain that
 * ends by jumping to the same target. Then a periodic sync need not run `iptables -C` eight times.
 */
export function jumpsPresent(saved: string): boolean {
  const lines = new Map<string, string[]>();
  let table = '';
  for (const line of saved.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    else if (line.startsWith('-A ')) lines.set(table, [...(lines.get(table) ?? []), line]);
  }
  return jumpRules.every(({ table: name, chain, rule }) =>
    (lines.get(name) ?? []).some(
      (line) => line.startsWith(`-A ${chain} `) && line.endsWith(` -j ${rule.at(-1)}`),
    ),
  );
}

/** The chains this proxy makes, fixed ones and per-Service ones: what it removes on exit. */
export function isOwnChain(chain: string): boolean {
  const fixed = ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'];
  const more = ['KUBE-EXTERNAL-SERVICES', policiesChain];
  return (
    [...fixed, ...more].includes(chain) ||
    ['KUBE-SVC-', 'KUBE-SEP-', 'KUBE-EXT-', 'KATA-NP-'].some((prefix) => chain.startsWith(prefix))
  );
}

/** The text that removes our chains that `saved` shows: each declared (so flushed), then -X. */
export function cleanupText(saved: string): string {
  const lines: string[] = [];
  for (const table of ['filter', 'nat']) {
    const ours = savedChains(saved, table).filter(isOwnChain);
    lines.push(`*${table}`, ...ours.map((chain) => `:${chain} - [0:0]`));
    lines.push(...ours.map((chain) => `-X ${chain}`), 'COMMIT');
  }
  return lines.join('\n') + '\n';
}

/** Takes everything away: the jumps first, then our chains. */
export async function removeRules(iptables: Iptables): Promise<void> {
  // ensureJumps never inserts a rule twice: one delete each (a missing one fails harmlessly).
  for (const { table, chain, rule } of jumpRules) {
    await iptables('iptables', ['-w', '-t', table, '-D', chain, ...rule]);
  }
  const saved = await iptables('iptables-save', []);
  await iptables('iptables-restore', ['-w', '--noflush'], cleanupText(saved.stdout));
}

/**
 * Whether the iptables mode can run: the programs exist and may read the tables. Throws one line
 * saying what is missing and what to do instead.
 */
export async function checkIptables(iptables: Iptables): Promise<void> {
  const saved = await iptables('iptables-save', ['-t', 'nat']);
  if (saved.code === 127) {
    throw new Error(
      'the iptables proxy mode needs the iptables programs (Debian: apt-get install iptables); use --proxy-mode userspace',
    );
  }
  if (saved.code !== 0) {
    throw new Error(
      'the iptables proxy mode needs CAP_NET_ADMIN (run as root); use --proxy-mode userspace: ' +
        saved.stderr.trim().split('\n')[0],
    );
  }
}

/** The one key of the sync loop: every change asks for the same whole sync. */
const syncKey = 'sync';

export class IptablesProxy {
  private readonly options: IptablesProxyOptions;
  private readonly iptables: Iptables;
  private readonly services: Informer<Service>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly policies: Informer<NetworkPolicy>;
  private readonly pods: Informer<Pod>;
  private readonly namespaces: Informer<Namespace>;
  private controller?: Controller;
  private written = '';
  /** When the tables were last read and the jumps checked (Date.now()). */
  private checkedAt = -Infinity;

  constructor(options: IptablesProxyOptions) {
    this.options = options;
    this.iptables = options.iptables ?? iptablesCommand();
    const { toolkit, client } = options;
    this.services = toolkit.createInformer(client.resource<Service>('services'));
    this.slices = toolkit.createInformer(client.resource<EndpointSlice>('endpointslices'));
    this.policies = toolkit.createInformer(client.resource<NetworkPolicy>('networkpolicies'));
    this.pods = toolkit.createInformer(client.resource<Pod>('pods'));
    this.namespaces = toolkit.createInformer(client.resource<Namespace>('namespaces'));
  }

  /** The restore text last put in place ('' before the first sync). */
  rules(): string {
    return this.written;
  }

  /**
   * Checks that iptables may run, then syncs after every change and every period until `signal`
   * aborts; then removes its rules and chains.
   */
  async run(signal: AbortSignal): Promise<void> {
    await checkIptables(this.iptables);
    const controller = this.options.toolkit.createController({
      name: `kube-proxy-iptables-${this.options.nodeName}`,
      reconcile: () => this.sync(),
    });
    this.controller = controller;
    for (const informer of [this.services, this.slices, this.policies, this.pods, this.namespaces])
      controller.watch(informer as Informer, () => [syncKey]);
    controller.queue.add(syncKey);
    try {
      await controller.run(signal);
    } finally {
      await removeRules(this.iptables);
    }
  }

  /**
   * One whole sync: the rules of every Service and policy, written with iptables-restore
   * --noflush (chains of ours that are no longer wanted are deleted in the same write), the jumps
   * into them ensured once a period, and the next periodic sync asked for.
   */
  async sync(): Promise<void> {
    const rules = proxyRules(this.services.list(), this.slices.list());
    const policy = policyRules(this.policies.list(), {
      pods: this.pods.list(),
      namespaces: this.namespaces.list(),
    });
    rules.filter.chains.push(...policy.chains);
    rules.filter.rules.push(...policy.rules);
    // At the first sync and once a period, what the tables really hold, and the jumps checked;
    // in between, the text written last says which of our chains exist: a sync is one command.
    const period = this.options.syncPeriodMs ?? 30_000;
    const full = Date.now() - this.checkedAt >= period;
    const saved = full ? (await this.iptables('iptables-save', [])).stdout : this.written;
    const text = restoreText(rules, saved);
    const restored = await this.iptables('iptables-restore', ['-w', '--noflush'], text);
    if (restored.code !== 0) throw new Error(`iptables-restore failed: ${restored.stderr.trim()}`);
    if (full) {
      if (!jumpsPresent(saved)) await ensureJumps(this.iptables);
      this.checkedAt = Date.now();
    }
    this.written = text;
    this.options.onSync?.(text);
    this.controller?.queue.addAfter(syncKey, period);
  }
}

/** A kube-proxy in iptables mode for one node; `run(signal)` starts it. */
export function createIptablesProxy(options: IptablesProxyOptions): IptablesProxy {
  return new IptablesProxy(options);
}
