// The API server's and the store's command lines (and the kubelet's and proxy's --network), read by the one parser every component uses
// (flags.ts): kube-apiserver's and etcd's flag names, their defaults, and a mistake as one line
// (a UsageError) that the program prints above its usage and answers with exit code 2.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { UsageError } from '../usage.ts';
import { main as apiServerMain, parseFlags as parseApiServerFlags } from './apiserver.ts';
import { parseFlags as parseKubeletFlags } from './kubelet.ts';
import { parseFlags as parseProxyFlags } from './proxy.ts';
import { main as storeMain, parseFlags as parseStoreFlags } from './store.ts';

/** The UsageError's message a parse throws, or "no error". */
function usageProblem(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error, 'a mistake on the command line is a UsageError').toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  return 'no error';
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('The API server command line', () => {
  test("without flags, kube-apiserver's defaults and the kata's own ranges", () => {
    const flags = parseApiServerFlags([]);
    expect(
      { ...flags, etcdServers: flags.etcdServers.map(String) },
      'the flags of an empty command line',
    ).toEqual({
      etcdServers: ['http://127.0.0.1:2379/'],
      securePort: 6443,
      bindAddress: '127.0.0.1',
      advertiseAddress: undefined,
      serviceClusterIpRange: process.platform === 'darwin' ? '127.96.0.0/24' : '127.96.0.0/12',
      serviceNodePortRange: '30000-32767',
      defaultWatchCacheSize: 1000,
      storageInitializationTimeoutMs: 300_000,
      encryptionProviderConfig: undefined,
      authorizationModes: ['AlwaysAllow'],
      tokenAuthFile: undefined,
      enableBootstrapTokenAuth: false,
      tlsCertFile: undefined,
      tlsPrivateKeyFile: undefined,
      clientCaFile: undefined,
      serviceAccountSigningKeyFile: undefined,
      serviceAccountIssuer: 'https://kubernetes.default.svc.cluster.local',
      admissionPlugins: [],
      use: 'auto',
    });
  });

  test('--flag value and --flag=value, a single dash too; --etcd-servers is a list', () => {
    const flags = parseApiServerFlags([
      '--etcd-servers=http://a:1, http://b:2',
      '-secure-port',
      '0',
      '--advertise-address=10.0.0.1',
      '--default-watch-cache-size',
      '0',
      '--storage-initialization-timeout=1m30s',
      '--encryption-provider-config',
      '/etc/kata/encryption.yaml',
      '--use',
      'mine',
    ]);
    expect(flags.encryptionProviderConfig, 'the --encryption-provider-config file').toBe(
      '/etc/kata/encryption.yaml',
    );
    expect(
      [flags.etcdServers.map((url) => url.origin), flags.securePort, flags.advertiseAddress],
      'the servers, the port and the advertised address',
    ).toEqual([['http://a:1', 'http://b:2'], 0, '10.0.0.1']);
    expect(
      [flags.defaultWatchCacheSize, flags.storageInitializationTimeoutMs, flags.use],
      'the cache size, the timeout and where the code comes from',
    ).toEqual([0, 90_000, 'mine']);
  });

  test('each mistake is one line that names the flag', () => {
    const problems = [
      ['--bogus'],
      ['--secure-port'],
      ['--secure-port', 'x'],
      ['--secure-port=99999'],
      ['--etcd-servers', 'https://a'],
      ['--default-watch-cache-size', '-1'],
      ['--advertise-address', 'foo'],
      ['--use', 'x'],
      ['--storage-initialization-timeout', '5'],
    ].map((argv) => usageProblem(() => parseApiServerFlags(argv)));
    expect(problems, 'the messages of nine mistakes').toEqual([
      'unknown flag --bogus; the flags are --etcd-servers, --secure-port, --bind-address, --advertise-address, --service-cluster-ip-range, --service-node-port-range, --default-watch-cache-size, --storage-initialization-timeout, --encryption-provider-config, --authorization-mode, --token-auth-file, --enable-bootstrap-token-auth, --enable-admission-plugins, --tls-cert-file, --tls-private-key-file, --client-ca-file, --service-account-signing-key-file, --service-account-issuer, --kubelet-client-certificate, --kubelet-client-key, --kubelet-certificate-authority, --use',
      '--secure-port needs a value',
      '--secure-port must be a port number (0-65535), not "x"',
      '--secure-port must be a port number (0-65535), not "99999"',
      '--etcd-servers: "https://a" is not a usable URL (only http:// is supported)',
      '--default-watch-cache-size must be a whole number of changes (0 turns the cache off), not "-1"',
      '--advertise-address must be an IP address, not "foo"',
      '--use must be one of solutions, mine, auto, not "x"',
      '--storage-initialization-timeout takes a duration like 50s, 5m or 1m30s, not "5"',
    ]);
  });

  test('the program prints the mistake above its usage and exits with code 2', async () => {
    const printed: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((text: string) => void printed.push(text));
    expect(await apiServerMain(['--secure-port', 'x']), 'the exit code').toBe(2);
    expect(printed.join('\n').split('\n').slice(0, 2), 'what it printed first').toEqual([
      'kata apiserver: --secure-port must be a port number (0-65535), not "x"',
      'usage: kata run apiserver [--etcd-servers URLS] [--secure-port PORT] [--bind-address IP] [--advertise-address IP]',
    ]);
  });
});

describe('The store command line', () => {
  test("without flags, etcd's defaults; the data directory follows --name", () => {
    const flags = parseStoreFlags(['--name', 'n']);
    expect(
      {
        ...flags,
        listenClientUrls: flags.listenClientUrls.map((url) => url.origin),
        advertiseClientUrls: flags.advertiseClientUrls.map((url) => url.origin),
        listenPeerUrls: flags.listenPeerUrls.map((url) => url.origin),
      },
      'the flags of --name n',
    ).toEqual({
      name: 'n',
      dataDir: 'n.etcd',
      listenClientUrls: ['http://127.0.0.1:2379'],
      advertiseClientUrls: ['http://127.0.0.1:2379'],
      listenPeerUrls: ['http://127.0.0.1:2380'],
      listenMetricsUrls: [],
      initialClusterState: 'new',
      initialClusterToken: 'etcd-cluster',
      heartbeatInterval: 100,
      snapshotCount: 100000,
      use: 'auto',
    });
    expect(parseStoreFlags([]).dataDir, 'the data directory of the default name').toBe(
      'default.etcd',
    );
  });

  test('URL lists are comma-separated; --advertise-client-urls defaults to the listen URLs', () => {
    const flags = parseStoreFlags([
      '--listen-client-urls=http://a:1,http://b:2',
      '--data-dir',
      '/x',
      '-use=solutions',
    ]);
    expect(
      [flags.listenClientUrls, flags.advertiseClientUrls].map((urls) => urls.map((u) => u.origin)),
      'the client URLs it listens on and advertises',
    ).toEqual([
      ['http://a:1', 'http://b:2'],
      ['http://a:1', 'http://b:2'],
    ]);
    expect([flags.dataDir, flags.use], 'the data directory and the code').toEqual([
      '/x',
      'solutions',
    ]);
  });

  test('each mistake is one line that names the flag', () => {
    const problems = [
      ['--bogus'],
      ['--name'],
      ['--listen-client-urls', 'https://x'],
      ['--advertise-client-urls', ''],
      ['--listen-peer-urls', 'bad'],
      ['--use', 'q'],
      ['--snapshot-count', '0'],
    ].map((argv) => usageProblem(() => parseStoreFlags(argv)));
    expect(problems, 'the messages of seven mistakes').toEqual([
      'unknown flag --bogus; the flags are --name, --data-dir, --listen-client-urls, --advertise-client-urls, --listen-peer-urls, --listen-metrics-urls, --restore-from, --initial-cluster, --initial-advertise-peer-urls, --initial-cluster-state, --initial-cluster-token, --heartbeat-interval, --snapshot-count, --use',
      '--name needs a value',
      '--listen-client-urls: "https://x" is not a usable URL (only http:// is served)',
      '--advertise-client-urls: "" is not a usable URL (Invalid URL)',
      '--listen-peer-urls: "bad" is not a usable URL (Invalid URL)',
      '--use must be one of solutions, mine, auto, not "q"',
      '--snapshot-count must be a whole number of entries above 0, not "0"',
    ]);
  });

  test('the program prints the mistake above its usage and exits with code 2', async () => {
    const printed: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((text: string) => void printed.push(text));
    expect(await storeMain(['--bogus']), 'the exit code').toBe(2);
    expect(printed.join('\n').split('\n').slice(0, 2), 'what it printed first').toEqual([
      'kata store: unknown flag --bogus; the flags are --name, --data-dir, --listen-client-urls, --advertise-client-urls, --listen-peer-urls, --listen-metrics-urls, --restore-from, --initial-cluster, --initial-advertise-peer-urls, --initial-cluster-state, --initial-cluster-token, --heartbeat-interval, --snapshot-count, --use',
      'usage: kata run store [--name NAME] [--data-dir DIR] [--listen-client-urls URLS]',
    ]);
  });
});

describe("The kubelet's and the proxy's --network", () => {
  const master = ['--master', 'http://127.0.0.1:6443', '--node-name', 'node-1'];
  test('single puts the node and its pods on 127.0.0.1; loopback is the default', () => {
    const single = parseKubeletFlags([...master, '--network', 'single']);
    expect([single.network, single.nodeIp, single.podCidr]).toEqual([
      'single',
      '127.0.0.1',
      '127.0.0.1/32',
    ]);
    const loopback = parseKubeletFlags(master);
    expect([loopback.network, loopback.nodeIp, loopback.podCidr]).toEqual([
      'loopback',
      '127.20.0.1',
      '127.244.0.0/24',
    ]);
    expect(parseProxyFlags([...master, '--network', 'single']).network).toBe('single');
  });

  test('anything else, auto included, is one line', () => {
    for (const parse of [parseKubeletFlags, parseProxyFlags])
      expect(usageProblem(() => parse([...master, '--network', 'auto']))).toBe(
        '--network takes loopback or single, not "auto"',
      );
  });

  test('KATA_NETWORK is the default; a wrong one is one line too', () => {
    vi.stubEnv('KATA_NETWORK', 'single');
    expect(parseKubeletFlags(master).nodeIp).toBe('127.0.0.1');
    expect(parseProxyFlags(master).network).toBe('single');
    expect(parseKubeletFlags([...master, '--network', 'loopback']).network).toBe('loopback');
    vi.stubEnv('KATA_NETWORK', 'one');
    expect(usageProblem(() => parseKubeletFlags(master))).toBe(
      'KATA_NETWORK takes loopback or single, not "one"',
    );
  });
});

describe("The kubelet's TLS flags", () => {
  const master = ['--master', 'https://127.0.0.1:6443', '--node-name', 'node-1'];
  const tls = ['--tls-cert-file', 'k.crt', '--tls-private-key-file', 'k.key'];
  test('all three files make the API HTTPS; Webhook and --anonymous-auth=false as kubeadm sets them', () => {
    const flags = parseKubeletFlags([
      ...master,
      ...tls,
      ...[
        '--client-ca-file',
        'ca.crt',
        '--authorization-mode',
        'Webhook',
        '--anonymous-auth=false',
      ],
    ]);
    expect(flags.tls, 'the kubelet with its certificate, key and client CA').toEqual({
      certFile: 'k.crt',
      keyFile: 'k.key',
      clientCaFile: 'ca.crt',
    });
    expect([flags.authorizationMode, flags.anonymousAuth], 'Webhook, no anonymous').toEqual([
      'Webhook',
      false,
    ]);
    const plain = parseKubeletFlags(master);
    expect([plain.tls, plain.authorizationMode, plain.anonymousAuth], "kube's defaults").toEqual([
      undefined,
      'AlwaysAllow',
      true,
    ]);
  });

  test('a part of them, or another authorization mode, is one line', () => {
    expect(
      usageProblem(() => parseKubeletFlags([...master, ...tls])),
      'no client CA',
    ).toBe(
      '--tls-cert-file, --tls-private-key-file, --client-ca-file go together (only --tls-cert-file, --tls-private-key-file given)',
    );
    expect(
      usageProblem(() => parseKubeletFlags([...master, '--authorization-mode', 'RBAC'])),
      'the kubelet with --authorization-mode RBAC',
    ).toBe('--authorization-mode must be Webhook or AlwaysAllow, not "RBAC"');
  });
});
