// What the real kubectl shows of EndpointSlices and NetworkPolicies is true (chapter 09b), on a
// two-node reference cluster: the hello example's slice lists its three pods under kube's
// columns, `kubectl describe svc` (which reads slices since kubectl 1.31) lists the endpoints and
// follows a scale-down (and lists the `kubernetes` Service's endpoint, a slice the API server
// writes), and `kubectl get netpol` shows a policy's pod selector, its policyTypes defaulted, and
// warns, as `describe netpol` does, that the userspace proxies do not enforce it. The kernel side
// of the iptables mode is chapter 09b's own kernel tests. Skipped, with the reason, without kubectl.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import type { Service } from '../api/types.ts';
import { readManifests } from '../kata/cluster/object-verbs.ts';
import { repoRoot } from '../paths.ts';
import { hasKubectl, noKubectl } from '../testing/kubectl.ts';
import { waitFor } from '../testing/wait.ts';
import { startKubectlCluster, suiteNodeIndexBase, type KubectlCluster } from './kubectl-cluster.ts';

let cluster: KubectlCluster | undefined;

beforeAll(async () => {
  if (hasKubectl)
    cluster = await startKubectlCluster(2, suiteNodeIndexBase.endpointSlices, '127.109.0.0/24');
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

/** kubectl's output; a non-zero exit fails the test with kubectl's stderr. */
const kubectl = (...args: string[]) => cluster!.kubectl.output(...args);

/** The `Endpoints:` line of `kubectl describe svc hello`, without the label. */
async function describedEndpoints(): Promise<string> {
  const described = await kubectl('describe', 'svc', 'hello');
  return /^Endpoints:\s+(.*)$/m.exec(described)?.[1]?.trim() ?? '';
}

describe.skipIf(!hasKubectl)(
  `EndpointSlices through kubectl${hasKubectl ? '' : ` (${noKubectl})`}`,
  () => {
    test('the hello Service gets a slice of its pods, and kubectl describe svc lists them', async () => {
      // The example as a ClusterIP Service: its NodePort 30080 would be bound on 127.0.0.1 too,
      // which a learner's cluster (and the doctor's single-address check) may be using.
      const objects = readManifests(path.join(repoRoot, 'harness', 'examples', 'hello.yaml'));
      for (const object of objects)
        if (object.kind === 'Service') {
          const spec = (object as Service).spec;
          spec.type = 'ClusterIP';
          for (const port of spec.ports ?? []) delete port.nodePort;
        }
      const manifest = path.join(cluster!.kubectl.home, 'hello.yaml');
      writeFileSync(manifest, objects.map((object) => stringify(object)).join('---\n'));
      await kubectl('apply', '-f', manifest);
      await waitFor(
        async () =>
          (await describedEndpoints()).split(',').filter((e) => e.endsWith(':8080')).length === 3,
        'kubectl describe svc hello to list three endpoints on port 8080',
        90_000,
      );
      const table = await kubectl(
        'get',
        'endpointslices',
        '-l',
        'kubernetes.io/service-name=hello',
      );
      const [header, row] = table.trim().split('\n');
      expect(header!.split(/\s+/), 'the columns of kubectl get endpointslices').toEqual([
        'NAME',
        'ADDRESSTYPE',
        'PORTS',
        'ENDPOINTS',
        'AGE',
      ]);
      expect(row, 'the slice of hello: IPv4, port 8080, three pod addresses').toMatch(
        /^hello-\w{5}\s+IPv4\s+8080\s+127\.244\.\d+\.\d+,127\.244\.\d+\.\d+,127\.244\.\d+\.\d+\s/,
      );
      await kubectl('scale', 'deployment', 'hello', '--replicas', '1');
      await waitFor(
        async () => (await describedEndpoints()).split(',').length === 1,
        'kubectl describe svc hello to list one endpoint after scaling to 1',
        90_000,
      );
      const kubernetes = await kubectl('describe', 'svc', 'kubernetes');
      expect(
        /^Endpoints:\s+(.*)$/m.exec(kubernetes)?.[1],
        "kubectl describe svc kubernetes: the API server's address, from the slice it writes",
      ).toMatch(/^127\.0\.0\.1:\d+$/);
    }, 240_000);

    test('kubectl get netpol shows a policy and its pod selector, and warns that the userspace proxies do not enforce it', async () => {
      const policy = JSON.stringify({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'backend-only', namespace: 'default' },
        spec: { podSelector: { matchLabels: { app: 'hello' } }, ingress: [{}] },
      });
      const file = path.join(cluster!.dataDir, 'backend-only.json');
      writeFileSync(file, policy);
      await kubectl('apply', '-f', file);
      const listed = await cluster!.kubectl.run('get', 'netpol');
      expect(listed.stdout, 'kubectl get netpol after applying backend-only').toMatch(
        /NAME\s+POD-SELECTOR\s+AGE\nbackend-only\s+app=hello\s/,
      );
      // Both nodes' proxies run in userspace mode, where a policy is stored and does nothing.
      const notEnforced =
        /^Warning: NetworkPolicies are stored but not enforced on nodes \S+, \S+: their kube-proxy does not run in iptables mode/m;
      expect(listed.stderr, 'the warning of kubectl get netpol (userspace proxies)').toMatch(
        notEnforced,
      );
      const described = await cluster!.kubectl.run('describe', 'netpol', 'backend-only');
      expect(described.stderr, 'the warning of kubectl describe netpol').toMatch(notEnforced);
      // Each proxy said its mode on its Node (kata.dev/proxy-mode), which the warning reads.
      await waitFor(
        async () =>
          (
            await kubectl(
              'get',
              'nodes',
              '-o',
              String.raw`jsonpath={.items[*].metadata.annotations.kata\.dev/proxy-mode}`,
            )
          ).trim() === 'userspace userspace',
        'both nodes to carry kata.dev/proxy-mode=userspace',
        60_000,
      );
      expect(
        await kubectl('get', 'netpol', 'backend-only', '-o', 'jsonpath={.spec.policyTypes}'),
        'the policyTypes the API server gave backend-only (ingress rules only, no types)',
      ).toBe('["Ingress"]');
    });
  },
);
