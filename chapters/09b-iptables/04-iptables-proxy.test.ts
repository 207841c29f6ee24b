// The rules applied, with a recording stand-in for the iptables programs: what is run, in which
// order, and the one-line refusals; then the whole proxy against the reference API server
// (05-kernel.test.ts then lets the kernel run the rules). Services get their ClusterIPs by hand
// and slices are written by hand: no allocator, no controller.
import { describe, expect, test } from 'vitest';
import type { EndpointSlice, Service, ServiceSpec } from '../../harness/api/types.ts';
import type { Iptables, IptablesResult } from '../../harness/contracts/proxy.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import {
  checkIptables,
  cleanupText,
  createIptablesProxy,
  ensureJumps,
  iptablesCommand,
  jumpRules,
  jumpsPresent,
} from './iptables-proxy.ts';

const scope = testScope();

/** A stand-in for the iptables programs: records each call, answers with `answer`. */
function recording(
  answer: (program: string, args: string[]) => Partial<IptablesResult> = () => ({}),
) {
  const calls: Array<{ program: string; args: string[]; input?: string }> = [];
  const iptables: Iptables = async (program, args, input) => {
    calls.push({ program, args, input });
    return { code: 0, stdout: '', stderr: '', ...answer(program, args) };
  };
  return { calls, iptables };
}

/** The Service `name` in default with ClusterIP `ip`, port 80 named http. */
function service(name: string, ip: string, spec: Partial<ServiceSpec> = {}): Service {
  return {
    metadata: { name, namespace: 'default' },
    spec: { clusterIP: ip, ports: [{ name: 'http', port: 80 }], ...spec },
  };
}

/** The slice `name`-slice of the Service `name`: its endpoints' IPs, port http 8080, all ready. */
function slice(name: string, ips: string[]): EndpointSlice {
  return {
    metadata: { name: `${name}-slice`, labels: { 'kubernetes.io/service-name': name } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
  };
}

/** An API server and a client to it, with the default namespace's resources at hand. */
async function cluster() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  return {
    client,
    services: client.resource<Service>('services', 'default'),
    slices: client.resource<EndpointSlice>('endpointslices', 'default'),
  };
}

describe('The iptables proxy', () => {
  test('without the iptables programs, or without CAP_NET_ADMIN, it says so in one line', async () => {
    const missing = recording(() => ({ code: 127, stderr: 'spawn iptables-save ENOENT' }));
    await expect(checkIptables(missing.iptables), 'iptables-save cannot start').rejects.toThrow(
      /^the iptables proxy mode needs the iptables programs \(Debian: apt-get install iptables\); use --proxy-mode userspace$/,
    );
    const denied = recording(() => ({
      code: 1,
      stderr:
        'iptables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n',
    }));
    await expect(
      checkIptables(denied.iptables),
      'iptables-save refused for want of root',
    ).rejects.toThrow(
      /^the iptables proxy mode needs CAP_NET_ADMIN \(run as root\); use --proxy-mode userspace: [^\n]*Permission denied[^\n]*$/,
    );
  });

  test("iptablesCommand runs a program (or a backend's) after its prefix, feeding it the input; one that cannot start answers 127", async () => {
    const echo = iptablesCommand(['sh', '-c', 'cat; echo " $0 $1"; exit 3']);
    expect(
      await echo('iptables-save', ['-t'], 'fed'),
      'sh -c as the prefix: what it read, then its $0 and $1 (the program and its argument)',
    ).toEqual({ code: 3, stdout: 'fed iptables-save -t\n', stderr: '' });
    const legacy = iptablesCommand(['sh', '-c', 'echo $0'], 'legacy');
    expect(
      (await legacy('iptables-restore', [])).stdout,
      'the program started for iptables-restore with the legacy backend',
    ).toBe('iptables-legacy-restore\n');
    const missing = await iptablesCommand(['/nonexistent/kata-program'])('iptables-save', []);
    expect(missing.code, 'the code when the program cannot start').toBe(127);
    expect(missing.stderr, 'what it says then').toMatch(/ENOENT/);
  });

  test('the jumps from the built-in chains are inserted only when missing', async () => {
    let present = false;
    const { calls, iptables } = recording((_, args) => ({
      code: args.includes('-C') && !present ? 1 : 0,
    }));
    await ensureJumps(iptables);
    const inserted = calls.filter((call) => call.args.includes('-I'));
    expect(inserted.length, 'inserts on a node without them: one per jump rule').toBe(
      jumpRules.length,
    );
    expect(inserted[1]!.args, 'the second insert: nat OUTPUT to KUBE-SERVICES').toEqual([
      '-w',
      '-t',
      'nat',
      '-I',
      'OUTPUT',
      '-m',
      'comment',
      '--comment',
      'kubernetes service portals',
      '-j',
      'KUBE-SERVICES',
    ]);
    present = true;
    calls.length = 0;
    await ensureJumps(iptables);
    expect(
      calls.filter((call) => call.args.includes('-I')),
      'inserts once they are there',
    ).toEqual([]);
  });

  test('jumpsPresent reads the jumps from iptables-save output', () => {
    const all = [
      '*nat',
      '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
      'COMMIT',
      '*filter',
      '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
      '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      '-A FORWARD -j KATA-NETWORK-POLICIES',
      '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      '-A OUTPUT -j KATA-NETWORK-POLICIES',
      'COMMIT',
    ];
    expect(jumpsPresent(all.join('\n')), 'every jump saved').toBe(true);
    const noOutput = all.filter((line) => line !== '-A OUTPUT -j KATA-NETWORK-POLICIES');
    expect(
      jumpsPresent(noOutput.join('\n')),
      'without the filter OUTPUT jump to the policies',
    ).toBe(false);
    const wrongTable = all.map((line) => (line === '*nat' ? '*mangle' : line));
    expect(jumpsPresent(wrongTable.join('\n')), 'the nat jumps saved under mangle').toBe(false);
  });

  test("on exit, our chains are flushed and deleted; no one else's", () => {
    const saved = [
      '*nat',
      ':OUTPUT ACCEPT [0:0]',
      ':KUBE-SERVICES - [0:0]',
      ':KUBE-SEP-AAAAAAAAAAAAAAAA - [0:0]',
      ':DOCKER - [0:0]',
      'COMMIT',
      '*filter',
      ':KATA-NETWORK-POLICIES - [0:0]',
      'COMMIT',
    ].join('\n');
    expect(cleanupText(saved), 'cleanupText of a node with Docker chains too').toBe(
      [
        '*filter',
        ':KATA-NETWORK-POLICIES - [0:0]',
        '-X KATA-NETWORK-POLICIES',
        'COMMIT',
        '*nat',
        ':KUBE-SERVICES - [0:0]',
        ':KUBE-SEP-AAAAAAAAAAAAAAAA - [0:0]',
        '-X KUBE-SERVICES',
        '-X KUBE-SEP-AAAAAAAAAAAAAAAA',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  test('the proxy writes the rules with iptables-restore --noflush, again on each change, and cleans up on exit', async () => {
    const { services, slices, client } = await cluster();
    const { calls, iptables } = recording();
    const proxy = createIptablesProxy({ toolkit, client, nodeName: 'node-1', iptables });
    const stop = scope.stopper();
    const running = proxy.run(stop.signal);
    inBackground(running);
    await services.create(service('web', '127.96.0.10'));
    await slices.create(slice('web', ['127.244.0.2']));
    const restores = () => calls.filter((call) => call.program === 'iptables-restore');
    await waitFor(
      () => restores().some((call) => call.input?.includes('--to-destination 127.244.0.2:8080')),
      'a restore with the DNAT to 127.244.0.2:8080',
    );
    expect(restores()[0]!.args, 'the arguments of iptables-restore').toEqual(['-w', '--noflush']);
    const current = await slices.get('web-slice');
    await slices.update({ ...current, endpoints: slice('web', ['127.244.0.3']).endpoints });
    await waitFor(
      () => proxy.rules().includes('--to-destination 127.244.0.3:8080'),
      'rules in place (proxy.rules()) with the new endpoint once the slice changed',
    );
    expect(restores().at(-1)!.input, 'the last restore: the rules the proxy says it has').toBe(
      proxy.rules(),
    );
    stop.abort();
    await running;
    expect(
      calls.filter((call) => call.args.includes('-D')).length >= jumpRules.length,
      'on exit, each jump rule is deleted',
    ).toBe(true);
    expect(
      calls.at(-1)!.program,
      'the last command on exit: the restore that removes our chains',
    ).toBe('iptables-restore');
  });

  test('the proxy refuses to start, in one line, where iptables cannot run', async () => {
    const { client } = await cluster();
    const missing = recording(() => ({ code: 127, stderr: 'spawn iptables-save ENOENT' }));
    const proxy = createIptablesProxy({
      toolkit,
      client,
      nodeName: 'node-1',
      iptables: missing.iptables,
    });
    await expect(proxy.run(scope.stopper().signal), 'run without iptables').rejects.toThrow(
      /needs the iptables programs/,
    );
  });
});
