// Cluster DNS on a real cluster (issue #26's acceptance): `kata up`'s dns component serves
// kube-system/kube-dns on the tenth address of the Service range; a kata/curl pod in another
// namespace reaches a Service by its short name and its full name; a headless Service answers with
// each ready pod. One reference cluster of two nodes, on node addresses (nodeIndexBase 114) and a
// Service range (127.108.0.0/24) no other suite uses.
import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { clusterDnsPort } from '../network.ts';
import { hasKubectl, noKubectl, type Kubectl } from '../testing/kubectl.ts';
import { waitFor } from '../testing/wait.ts';
import { startKubectlCluster, suiteNodeIndexBase, type KubectlCluster } from './kubectl-cluster.ts';

const serviceRange = '127.108.0.0/24';
const dnsIp = '127.108.0.10';
let running: KubectlCluster | undefined;
let kubectl: Kubectl;

beforeAll(async () => {
  if (!hasKubectl) return;
  running = await startKubectlCluster(2, suiteNodeIndexBase.dns, serviceRange);
  kubectl = running.kubectl;
}, 120_000);

afterAll(async () => {
  await running?.stop();
}, 60_000);

/** kubectl's output; a non-zero exit fails the test with kubectl's stderr. */
const run = (...args: string[]) => kubectl.output(...args);

/** The A records the cluster DNS gives for `name`, over UDP. */
function addressesOf(name: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no answer from ${dnsIp} for ${name}`));
    }, 3000);
    socket.once('message', (message) => {
      clearTimeout(timer);
      socket.close();
      const answers = dnsPacket.decode(message).answers ?? [];
      resolve(answers.map((record) => String((record as { data?: unknown }).data)).sort());
    });
    const query = { id: 1, type: 'query' as const, questions: [{ name, type: 'A' as const }] };
    socket.send(dnsPacket.encode(query), clusterDnsPort(), dnsIp);
  });
}

describe('Cluster DNS on a real cluster', () => {
  if (!hasKubectl) test.skip(noKubectl, () => {});
  const it = test.skipIf(!hasKubectl);

  it('kube-dns is on the tenth address of the Service range, UDP and TCP', async () => {
    const ports = await run(
      'get',
      'svc',
      '-n',
      'kube-system',
      'kube-dns',
      '-o',
      'jsonpath={.spec.clusterIP} {.spec.ports[*].protocol}',
    );
    expect(ports, 'kubectl get svc -n kube-system kube-dns: ClusterIP and protocols').toBe(
      `${dnsIp} UDP TCP`,
    );
    expect(
      await addressesOf('kubernetes.default.svc.cluster.local'),
      'A kubernetes.default.svc.cluster.local',
    ).toEqual(['127.108.0.1']);
  });

  it('a kata/curl pod in another namespace reaches a Service by its short and its full name', async () => {
    await run(
      'create',
      'deployment',
      'web',
      '--image',
      'kata/echo',
      '--replicas',
      '2',
      '--port',
      '8080',
    );
    await run('expose', 'deployment', 'web', '--port', '8080');
    await run('create', 'namespace', 'shop');
    await waitFor(
      async () =>
        (await run('get', 'endpoints', 'web', '-o', 'jsonpath={.subsets[*].addresses[*].ip}'))
          .split(' ')
          .filter(Boolean).length === 2,
      'two ready endpoints of web',
      60_000,
    );
    for (const [pod, url] of [
      ['short', 'http://web.default:8080/'],
      ['full', 'http://web.default.svc.cluster.local:8080/'],
    ] as const) {
      await run('run', pod, '-n', 'shop', '--image', 'kata/curl', '--restart', 'Never', '--', url);
      await waitFor(
        async () =>
          (await run('get', 'pod', pod, '-n', 'shop', '-o', 'jsonpath={.status.phase}')) ===
          'Succeeded',
        `pod ${pod} to succeed`,
        60_000,
      );
      const logs = await run('logs', '-n', 'shop', pod);
      expect(logs, `kubectl logs of kata/curl ${url} in namespace shop`).toMatch(
        new RegExp(`^GET ${url.replaceAll('.', '\\.')}: 200 .*"namespace":"default"`),
      );
    }
  }, 150_000);

  it('a headless Service answers with each ready pod', async () => {
    await run(
      'create',
      'deployment',
      'db',
      '--image',
      'kata/echo',
      '--replicas',
      '2',
      '--port',
      '8080',
    );
    await run('create', 'service', 'clusterip', 'db', '--clusterip', 'None', '--tcp', '8080:8080');
    const podIps = async () =>
      (await run('get', 'pods', '-l', 'app=db', '-o', 'jsonpath={.items[*].status.podIP}'))
        .split(' ')
        .filter(Boolean)
        .sort();
    await waitFor(
      async () =>
        (await podIps()).length === 2 &&
        (await addressesOf('db.default.svc.cluster.local')).length === 2,
      'db.default to answer with two pods',
      60_000,
    );
    expect(
      await addressesOf('db.default.svc.cluster.local'),
      'A db.default.svc.cluster.local',
    ).toEqual(await podIps());
  }, 90_000);
});
