// The rules in the kernel: as root with iptables, each test makes a network namespace of its own
// (harness/testing/netns.ts) and hands the proxy the iptables programs of that namespace, never
// the host's. Pods are servers inside it that answer with their address; real TCP goes through
// ClusterIPs and NodePorts. Elsewhere these tests skip, saying why in one line.
import { describe, expect, test } from 'vitest';
import type {
  EndpointSlice,
  NetworkPolicy,
  Pod,
  Service,
  ServiceSpec,
} from '../../harness/api/types.ts';
import { kernelTestsSkipReason, NetworkNamespace } from '../../harness/testing/netns.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createIptablesProxy } from './iptables-proxy.ts';

const scope = testScope();
const skip = kernelTestsSkipReason();
if (skip) console.log(`In the kernel: ${skip}`);

/** The Service `name` in default with ClusterIP `ip`, port 80 named http, plus `spec`. */
function service(name: string, ip: string, spec: Partial<ServiceSpec> = {}): Service {
  return {
    metadata: { name, namespace: 'default' },
    spec: { clusterIP: ip, ports: [{ name: 'http', port: 80 }], ...spec },
  };
}

/** The slice of the Service `name`: its endpoints' IPs, port http 8080, all ready. */
function slice(name: string, ips: string[]): EndpointSlice {
  return {
    metadata: { name: `${name}-slice`, labels: { 'kubernetes.io/service-name': name } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
  };
}

/**
 * A namespace with pods serving on `podIps` port 8080, an API server, and an iptables proxy
 * writing into the namespace. `synced(text)` waits for rules that contain `text`.
 */
async function setUp(podIps: string[]) {
  const namespace = await NetworkNamespace.start();
  for (const ip of podIps) await namespace.serve(`${ip}:8080`);
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  let rules = '';
  const proxy = createIptablesProxy({
    toolkit,
    client,
    nodeName: 'node-1',
    iptables: namespace.iptables,
    onSync: (text) => (rules = text),
  });
  const stop = scope.stopper();
  const running = proxy.run(stop.signal);
  inBackground(running);
  // The namespace ends once the proxy has taken its rules away (or failed to start).
  const stopNamespace = () => namespace.stop();
  scope
    .stopper()
    .signal.addEventListener('abort', () => void running.then(stopNamespace, stopNamespace));
  const synced = (text: string, what: string) => waitFor(() => rules.includes(text), what);
  return {
    namespace,
    synced,
    stopProxy: async () => {
      stop.abort();
      await running;
    },
    services: client.resource<Service>('services', 'default'),
    slices: client.resource<EndpointSlice>('endpointslices', 'default'),
    pods: client.resource<Pod>('pods', 'default'),
    policies: client.resource<NetworkPolicy>('networkpolicies', 'default'),
  };
}

/** How many of `answers` each pod gave. */
function tally(answers: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers) counts[answer] = (counts[answer] ?? 0) + 1;
  return counts;
}

describe.skipIf(skip !== undefined)('In the kernel', () => {
  test('a connection to the ClusterIP reaches the pod, with nothing listening on the ClusterIP', async () => {
    const { namespace, services, slices, synced } = await setUp(['127.244.0.2']);
    await services.create(service('web', '127.96.0.10'));
    await slices.create(slice('web', ['127.244.0.2']));
    await synced('--to-destination 127.244.0.2:8080', 'the DNAT rule for web');
    expect(
      await namespace.dial('127.96.0.10:80'),
      'what a connection to 127.96.0.10:80 heard',
    ).toEqual(['127.244.0.2:8080']);
  });

  test('a NodePort Service answers on a local address and its nodePort', async () => {
    const { namespace, services, slices, synced } = await setUp(['127.244.0.2']);
    const ports = [{ name: 'http', port: 80, nodePort: 30080 }];
    await services.create(service('web', '127.96.0.10', { type: 'NodePort', ports }));
    await slices.create(slice('web', ['127.244.0.2']));
    // The Service alone already has a node port rule (a REJECT): wait for the endpoint's DNAT.
    await synced('--to-destination 127.244.0.2:8080', 'the DNAT rule for web');
    await synced('--dport 30080', 'the node port rule');
    expect(await namespace.dial('127.20.0.1:30080'), 'what 127.20.0.1:30080 heard').toEqual([
      '127.244.0.2:8080',
    ]);
  });

  test('90 connections spread over 3 endpoints, each getting at least 10', async () => {
    const ips = ['127.244.0.2', '127.244.0.3', '127.244.0.4'];
    const { namespace, services, slices, synced } = await setUp(ips);
    await services.create(service('web', '127.96.0.10'));
    await slices.create(slice('web', ips));
    await synced('--to-destination 127.244.0.4:8080', 'rules with all three endpoints');
    const counts = tally(await namespace.dial('127.96.0.10:80', 90));
    expect(Object.keys(counts).sort(), 'who answered 90 connections').toEqual(
      ips.map((ip) => `${ip}:8080`),
    );
    expect(
      Math.min(...Object.values(counts)),
      `the fewest one pod got, of ${JSON.stringify(counts)}`,
    ).toBeGreaterThanOrEqual(10);
  });

  test('an endpoint removed from its slice gets no new connections; no endpoints at all is refused', async () => {
    const { namespace, services, slices, synced } = await setUp(['127.244.0.2', '127.244.0.3']);
    await services.create(service('web', '127.96.0.10'));
    await slices.create(slice('web', ['127.244.0.2', '127.244.0.3']));
    await synced('--to-destination 127.244.0.3:8080', 'rules with both endpoints');
    const current = await slices.get('web-slice');
    await slices.update({ ...current, endpoints: slice('web', ['127.244.0.2']).endpoints });
    await waitFor(async () => {
      const answers = await namespace.dial('127.96.0.10:80', 20);
      return answers.every((answer) => answer === '127.244.0.2:8080');
    }, 'every connection to reach 127.244.0.2 only');
    await slices.delete('web-slice');
    await synced('has no endpoints', 'the REJECT rule');
    expect(
      await namespace.dial('127.96.0.10:80'),
      'a connection once web has no endpoints',
    ).toEqual(['ECONNREFUSED']);
  });

  test('sessionAffinity ClientIP keeps a client on one endpoint', async () => {
    const ips = ['127.244.0.2', '127.244.0.3', '127.244.0.4'];
    const { namespace, services, slices, synced } = await setUp(ips);
    await services.create(service('web', '127.96.0.10', { sessionAffinity: 'ClientIP' }));
    await slices.create(slice('web', ips));
    await synced('--rcheck', 'the affinity rules');
    const answers = await namespace.dial('127.96.0.10:80', 20);
    expect(
      new Set(answers).size,
      `pods that answered one client: ${JSON.stringify(tally(answers))}`,
    ).toBe(1);
  });

  test('a default-deny NetworkPolicy stops traffic to a pod; an allow rule lets one client back in', async () => {
    const { namespace, pods, policies, synced } = await setUp(['127.244.0.3']);
    const created = await pods.create({
      metadata: { name: 'backend', labels: { app: 'backend' } },
      spec: { containers: [{ name: 'app', image: 'kata/echo:1.0' }] },
    });
    await pods.updateStatus({ ...created, status: { phase: 'Running', podIP: '127.244.0.3' } });
    const frontend = await pods.create({
      metadata: { name: 'frontend', labels: { app: 'frontend' } },
      spec: { containers: [{ name: 'app', image: 'kata/echo:1.0' }] },
    });
    await pods.updateStatus({ ...frontend, status: { phase: 'Running', podIP: '127.244.0.2' } });
    expect(await namespace.dial('127.244.0.3:8080', 1, '127.244.0.2'), 'before any policy').toEqual(
      ['127.244.0.3:8080'],
    );
    await policies.create({ metadata: { name: 'default-deny' }, spec: { podSelector: {} } });
    await synced('default deny ingress', 'the default deny rules');
    expect(
      await namespace.dial('127.244.0.3:8080', 1, '127.244.0.2'),
      'with a default deny',
    ).toEqual(['ECONNREFUSED']);
    await policies.create({
      metadata: { name: 'frontend-to-backend' },
      spec: {
        podSelector: { matchLabels: { app: 'backend' } },
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { app: 'frontend' } } }],
            ports: [{ port: 8080 }],
          },
        ],
      },
    });
    await synced('default/frontend-to-backend', 'the allow rule');
    expect(
      [
        await namespace.dial('127.244.0.3:8080', 1, '127.244.0.2'),
        await namespace.dial('127.244.0.3:8080', 1, '127.244.0.9'),
      ],
      'the frontend (127.244.0.2), then another client (127.244.0.9)',
    ).toEqual([['127.244.0.3:8080'], ['ECONNREFUSED']]);
  });

  test('on exit the proxy removes its chains and the jumps into them', async () => {
    const { namespace, services, slices, synced, stopProxy } = await setUp(['127.244.0.2']);
    await services.create(service('web', '127.96.0.10'));
    await slices.create(slice('web', ['127.244.0.2']));
    await synced('--to-destination 127.244.0.2:8080', 'the DNAT rule for web');
    await stopProxy();
    const saved = await namespace.iptables('iptables-save', []);
    expect(saved.stdout, 'iptables-save after the proxy stopped').not.toMatch(/KUBE-|KATA-/);
  });
});
