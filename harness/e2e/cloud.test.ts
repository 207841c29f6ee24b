// The cloud on a real cluster (chapter 15a, issue #30), as the real kubectl shows it: a Service of
// type LoadBalancer gets an external address from the kata cloud, kubectl shows it as EXTERNAL-IP,
// and connections to it reach the pods; a Deployment asking for more CPU than the three nodes have
// gets a fourth node from the cloud (initialized: providerID, zone) and every pod Running; once the
// Deployment shrinks, the node goes after the unneeded time (10 s here) and its Node is deleted.
// A PodDisruptionBudget gets its status from the disruption controller, and `kubectl drain`'s
// evictions are refused while it allows no disruption. A LoadBalancer Service with
// externalTrafficPolicy Local reaches its one pod with the client's address kept, and its
// healthCheckNodePort answers 200 on the pod's node, 503 on another.
// One cluster, nodes 20-22, the cloud's machines from 23. Skipped, with the reason, without kubectl.
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startKubectlCluster, suiteNodeIndexBase, type KubectlCluster } from './kubectl-cluster.ts';
import { hasKubectl, noKubectl } from '../testing/kubectl.ts';
import { waitFor } from '../testing/wait.ts';

let cluster: KubectlCluster | undefined;

beforeAll(async () => {
  if (!hasKubectl) return;
  cluster = await startKubectlCluster(3, suiteNodeIndexBase.cloud, '127.119.0.0/24', {
    autoscaleNodes: '0:1',
    scaleDownUnneededTime: '10s',
    skip: ['ingress'],
  });
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

/** kubectl's output; a non-zero exit fails the test with kubectl's stderr. */
const kubectl = (...args: string[]) => cluster!.kubectl.output(...args);

const it = test.skipIf(!hasKubectl);

/** One GET from `localAddress`, on a connection of its own; the body. */
function getFrom(url: string, localAddress: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { localAddress, agent: false, timeout: 5000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(body));
      response.on('error', reject);
    });
    request.once('timeout', () => request.destroy(new Error('timed out')));
    request.once('error', reject);
  });
}

describe('The cloud on a cluster', () => {
  if (!hasKubectl) test.skip(noKubectl, () => {});

  it('a LoadBalancer Service gets an EXTERNAL-IP that answers from its pods', async () => {
    await kubectl('create', 'deployment', 'web', '--image', 'kata/echo:1.0', '--replicas', '2');
    await kubectl(
      'expose',
      'deployment',
      'web',
      '--port',
      '80',
      '--target-port',
      '8080',
      '--type',
      'LoadBalancer',
    );
    let external = '';
    await waitFor(
      async () => {
        external = (
          await kubectl('get', 'svc', 'web', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}')
        ).trim();
        return external !== '';
      },
      'an external address for Service web',
      60_000,
    );
    const row = (await kubectl('get', 'svc', 'web')).trim().split('\n')[1]!;
    expect(row.split(/\s+/)[3], `kubectl get svc web: the EXTERNAL-IP column of "${row}"`).toBe(
      external,
    );
    expect(external, "the Service's external address, from this cluster's pool").toMatch(
      /^127\.50\.20\.\d+$/,
    );
    let answer = '';
    await waitFor(
      async () => {
        answer = await fetch(`http://${external}/`, { signal: AbortSignal.timeout(5000) })
          .then((response) => response.text())
          .catch(() => '');
        return answer.includes('"pod":"web-');
      },
      `an answer from a web pod at ${external}`,
      60_000,
    );
    expect(JSON.parse(answer).pod, `GET http://${external}/ through the load balancer`).toMatch(
      /^web-/,
    );
  }, 150_000);

  it("externalTrafficPolicy Local: the pod sees the client's address; only its node answers the health check 200", async () => {
    await kubectl('create', 'deployment', 'local', '--image', 'kata/echo:1.0');
    await kubectl(
      'expose',
      'deployment',
      'local',
      '--port',
      '80',
      '--target-port',
      '8080',
      '--type',
      'LoadBalancer',
    );
    await kubectl('patch', 'svc', 'local', '-p', '{"spec":{"externalTrafficPolicy":"Local"}}');
    const healthPort = Number(
      await kubectl('get', 'svc', 'local', '-o', 'jsonpath={.spec.healthCheckNodePort}'),
    );
    expect(healthPort, 'the healthCheckNodePort the API server gave').toBeGreaterThanOrEqual(30000);
    let external = '';
    await waitFor(
      async () => {
        external = (
          await kubectl(
            'get',
            'svc',
            'local',
            '-o',
            'jsonpath={.status.loadBalancer.ingress[0].ip}',
          )
        ).trim();
        return external !== '';
      },
      'an external address for Service local',
      60_000,
    );
    // The client calls from an address of its own; a node without the pod drops the connection
    // until the load balancer's health check (every 5 s) takes that node out.
    const client = '127.0.20.9';
    let answers: string[] = [];
    await waitFor(
      async () => {
        answers = await Promise.all(
          Array.from({ length: 6 }, () => getFrom(`http://${external}/`, client).catch(() => '')),
        );
        return answers.every((answer) => answer.includes('"pod":"local-'));
      },
      `six answers at once from the local pod through ${external}`,
      60_000,
    );
    expect(
      answers.map((answer) => JSON.parse(answer).client),
      `the client address the pod saw, for six GETs from ${client} through the load balancer`,
    ).toEqual(Array(6).fill(client));
    const podNode = await kubectl(
      'get',
      'pods',
      '-l',
      'app=local',
      '-o',
      'jsonpath={.items[0].spec.nodeName}',
    );
    const nodeName = podNode.trim();
    const nodeIps = (
      await kubectl(
        'get',
        'nodes',
        '-o',
        'jsonpath={range .items[*]}{.metadata.name} {.status.addresses[?(@.type=="InternalIP")].address}{"\\n"}{end}',
      )
    )
      .trim()
      .split('\n')
      .map((line) => line.split(' '));
    const hostIp = nodeIps.find(([name]) => name === nodeName)![1]!;
    const otherIp = nodeIps.find(([name]) => name !== nodeName)![1]!;
    const here = await fetch(`http://${hostIp}:${healthPort}/healthz`);
    expect(
      [here.status, await here.json()],
      `GET /healthz on ${nodeName} (${hostIp}:${healthPort}), the pod's node`,
    ).toEqual([
      200,
      {
        service: { namespace: 'default', name: 'local' },
        localEndpoints: 1,
        serviceProxyHealthy: true,
      },
    ]);
    const there = await fetch(`http://${otherIp}:${healthPort}/healthz`);
    expect(
      [there.status, ((await there.json()) as { localEndpoints: number }).localEndpoints],
      `GET /healthz on ${otherIp}:${healthPort}, a node without the pod`,
    ).toEqual([503, 0]);
    await kubectl('delete', 'svc', 'local');
    await kubectl('delete', 'deployment', 'local');
  }, 150_000);

  it("a PodDisruptionBudget's status is kept, and kubectl drain's evictions wait for it", async () => {
    await kubectl('create', 'pdb', 'web', '--selector', 'app=web', '--min-available', '2');
    const allowed = async () =>
      (await kubectl('get', 'pdb', 'web')).trim().split('\n')[1]!.split(/\s+/)[3];
    await waitFor(
      async () =>
        (await kubectl('get', 'pdb', 'web', '-o', 'jsonpath={.status.currentHealthy}')) === '2',
      'the disruption controller counting 2 healthy web pods',
      30_000,
    );
    expect(await allowed(), 'kubectl get pdb web: ALLOWED DISRUPTIONS with 2 of min 2').toBe('0');
    const node = await kubectl(
      'get',
      'pods',
      '-l',
      'app=web',
      '-o',
      'jsonpath={.items[0].spec.nodeName}',
    );
    const drain = await cluster!.kubectl.run(
      'drain',
      node,
      '--ignore-daemonsets',
      '--timeout',
      '3s',
    );
    await kubectl('uncordon', node);
    expect(drain.code, `kubectl drain ${node} under the budget: its exit code`).not.toBe(0);
    expect(drain.stdout + drain.stderr, 'what kubectl drain printed').toContain(
      "Cannot evict pod as it would violate the pod's disruption budget.",
    );
    await kubectl('delete', 'pdb', 'web');
  }, 60_000);

  it('pods beyond the nodes get a fourth node from the cloud, which goes once they are gone', async () => {
    // One pod a node: each asks for more than half of a node's cores (every node has them all).
    const cpu = `${Math.floor(os.cpus().length * 600)}m`;
    const manifest = path.join(cluster!.kubectl.home, 'big.json');
    const container = { name: 'echo', image: 'kata/echo:1.0', resources: { requests: { cpu } } };
    writeFileSync(
      manifest,
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'big' },
        spec: {
          replicas: 4,
          selector: { matchLabels: { app: 'big' } },
          template: { metadata: { labels: { app: 'big' } }, spec: { containers: [container] } },
        },
      }),
    );
    await kubectl('apply', '-f', manifest);
    const running = async () =>
      (
        await kubectl(
          'get',
          'pods',
          '-l',
          'app=big',
          '-o',
          'jsonpath={range .items[*]}{.status.phase} {.spec.nodeName}{"\\n"}{end}',
        )
      )
        .trim()
        .split('\n')
        .filter((line) => line.startsWith('Running '));
    await waitFor(async () => (await running()).length === 4, 'four big pods Running', 120_000);
    expect(
      (await running()).some((line) => line.endsWith(' node-4')),
      'one big pod runs on node-4',
    ).toBe(true);
    const node = await kubectl(
      'get',
      'node',
      'node-4',
      '-o',
      'jsonpath={.spec.providerID} {.metadata.labels.topology\\.kubernetes\\.io/zone}',
    );
    expect(node.trim(), "node-4's providerID and zone, from the cloud").toMatch(
      /^kata:\/\/node-4 kata-1[abc]$/,
    );
    const events = await kubectl(
      'get',
      'events',
      '--field-selector',
      'reason=TriggeredScaleUp',
      '-o',
      'jsonpath={.items[0].message}',
    );
    expect(events, 'the TriggeredScaleUp Event').toBe(
      'pod triggered scale-up: [{kata-pool 0->1 (max: 1)}]',
    );
    await kubectl('scale', 'deployment', 'big', '--replicas', '0');
    await waitFor(
      async () => !(await kubectl('get', 'nodes', '-o', 'name')).includes('node/node-4'),
      'node-4 removed after the unneeded time',
      150_000,
    );
    expect(
      (await kubectl('get', 'nodes', '-o', 'name')).trim().split('\n'),
      'the nodes left',
    ).toEqual(['node/node-1', 'node/node-2', 'node/node-3']);
  }, 300_000);
});
