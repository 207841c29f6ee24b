// Ingress through the real kubectl (chapter 15b), on a one-node reference cluster whose `ingress`
// component serves the Ingresses: two Deployments behind one Ingress answer by host and by path
// through the controller's LoadBalancer Service, whose external IP (chapter 15a's cloud) is the
// Ingress's ADDRESS, and through its node ports; TLS for
// one host from a Secret chosen by SNI; an Ingress without a class gets the default one
// (DefaultIngressClass), an invalid one is refused with kube's 422; a backend without pods
// answers 503. Skipped, with the
// reason, without kubectl.
import http from 'node:http';
import https from 'node:https';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCertificateAuthority, issueCertificate } from '../api/certificates.ts';
import { startKubectlCluster, suiteNodeIndexBase, type KubectlCluster } from './kubectl-cluster.ts';
import { hasKubectl, noKubectl } from '../testing/kubectl.ts';
import { waitFor } from '../testing/wait.ts';

let cluster: KubectlCluster | undefined;

beforeAll(async () => {
  if (hasKubectl) {
    cluster = await startKubectlCluster(1, suiteNodeIndexBase.ingress, '127.123.0.0/24', {
      // The ingress controller, behind a LoadBalancer the cloud-controller-manager serves.
      skip: [],
    });
  }
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

/** kubectl's output; a non-zero exit fails the test with kubectl's stderr. */
const kubectl = (...args: string[]) => cluster!.kubectl.output(...args);

/** Where the controller is reached from outside: the node's address and the Service's node ports. */
async function entry() {
  const node = await kubectl(
    'get',
    'nodes',
    '-o',
    'jsonpath={.items[0].status.addresses[0].address}',
  );
  const ports = await kubectl(
    ...['get', 'svc', '-n', 'kube-system', 'ingress-controller'],
    '-o',
    'jsonpath={.spec.ports[0].nodePort} {.spec.ports[1].nodePort}',
  );
  const [httpPort, httpsPort] = ports.split(' ').map(Number);
  return { node, httpPort: httpPort!, httpsPort: httpsPort! };
}

/** GET path with a Host header (and over TLS, SNI `host` checked against `ca`): status and body. */
function get(
  target: { node: string; port: number; tls?: { ca: string } },
  host: string,
  path: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const options = { hostname: target.node, port: target.port, path, headers: { host } };
    const done = (response: http.IncomingMessage) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    };
    const request = target.tls
      ? https.get({ ...options, servername: host, ca: target.tls.ca }, done)
      : http.get(options, done);
    request.on('error', reject);
  });
}

/** The pod name in kata/echo's JSON answer. */
function podOf(body: string): string {
  try {
    return (JSON.parse(body) as { pod: string }).pod;
  } catch {
    return `not kata/echo's JSON: ${body}`;
  }
}

describe.skipIf(!hasKubectl)(`Ingress with kubectl${hasKubectl ? '' : ` (${noKubectl})`}`, () => {
  test('the ingress component installs the default IngressClass kata and its LoadBalancer Service', async () => {
    const classes = await kubectl('get', 'ingressclass', '--no-headers');
    expect(classes.split(/\s+/).slice(0, 3), 'NAME CONTROLLER PARAMETERS').toEqual([
      'kata',
      'kubekata.dev/ingress',
      '<none>',
    ]);
    const type = await kubectl(
      ...['get', 'svc', '-n', 'kube-system', 'ingress-controller', '-o', 'jsonpath={.spec.type}'],
    );
    expect(type, 'the type of Service kube-system/ingress-controller (kata up runs a cloud)').toBe(
      'LoadBalancer',
    );
  });

  test("two Deployments behind one Ingress answer by host and by path; ADDRESS is the controller's LoadBalancer IP", async () => {
    for (const name of ['web', 'api']) {
      await kubectl('create', 'deployment', name, '--image=kata/echo', '--port=8080');
      await kubectl('expose', 'deployment', name, '--port=80', '--target-port=8080');
    }
    await kubectl(
      ...['create', 'ingress', 'shop', '--rule=shop.example.com/*=web:80'],
      '--rule=shop.example.com/api*=api:80',
      '--rule=api.example.com/*=api:80',
    );
    await kubectl('rollout', 'status', 'deployment/web', 'deployment/api', '--timeout=60s');
    let externalIp = '';
    await waitFor(
      async () => {
        externalIp = await kubectl(
          ...['get', 'svc', '-n', 'kube-system', 'ingress-controller'],
          '-o',
          'jsonpath={.status.loadBalancer.ingress[0].ip}',
        );
        return externalIp !== '';
      },
      "the ingress controller's LoadBalancer Service given an external IP",
      30_000,
    );
    let row = '';
    await waitFor(
      async () => {
        row = await kubectl('get', 'ingress', 'shop', '--no-headers');
        return row.includes(externalIp);
      },
      'the ADDRESS of Ingress shop',
      30_000,
    );
    // Created with no --class: the DefaultIngressClass admission plugin gave it the default, kata.
    expect(row.split(/\s+/).slice(0, 5), 'NAME CLASS HOSTS ADDRESS PORTS').toEqual([
      'shop',
      'kata',
      'shop.example.com,api.example.com',
      externalIp,
      '80',
    ]);
    let outside = { status: 0, body: '' };
    await waitFor(
      async () => {
        outside = await get({ node: externalIp, port: 80 }, 'shop.example.com', '/').catch(
          () => outside,
        );
        return outside.status === 200;
      },
      `shop.example.com/ through the load balancer at ${externalIp}:80`,
      30_000,
    );
    expect(podOf(outside.body), 'GET shop.example.com/ at the ADDRESS, answered by').toMatch(
      /^web-/,
    );
    const { node, httpPort } = await entry();
    const target = { node, port: httpPort };
    let home = { status: 0, body: '' };
    await waitFor(
      async () => {
        home = await get(target, 'shop.example.com', '/');
        return home.status === 200;
      },
      'shop.example.com/ through the ingress',
      30_000,
    );
    expect(podOf(home.body), 'GET shop.example.com/ answered by').toMatch(/^web-/);
    const items = await get(target, 'shop.example.com', '/api/items');
    expect(podOf(items.body), 'GET shop.example.com/api/items answered by').toMatch(/^api-/);
    const other = await get(target, 'api.example.com', '/');
    expect(podOf(other.body), 'GET api.example.com/ answered by').toMatch(/^api-/);
    const none = await get(target, 'blog.example.com', '/');
    expect(none.status, 'GET blog.example.com/: no rule and no default backend').toBe(404);
  });

  test('TLS for one host from a kubernetes.io/tls Secret, chosen by SNI', async () => {
    const ca = await createCertificateAuthority('e2e-ingress-ca');
    const shop = await issueCertificate(ca, {
      commonName: 'shop.example.com',
      hosts: ['shop.example.com'],
      usage: 'server',
    });
    const cert = path.join(cluster!.kubectl.home, 'shop.crt');
    const key = path.join(cluster!.kubectl.home, 'shop.key');
    writeFileSync(cert, shop.cert);
    writeFileSync(key, shop.key);
    await kubectl('create', 'secret', 'tls', 'shop-tls', `--cert=${cert}`, `--key=${key}`);
    await kubectl(
      ...['patch', 'ingress', 'shop', '--type=merge', '-p'],
      '{"spec":{"tls":[{"hosts":["shop.example.com"],"secretName":"shop-tls"}]}}',
    );
    const { node, httpsPort } = await entry();
    let answer = { status: 0, body: '' };
    await waitFor(
      async () => {
        answer = await get(
          { node, port: httpsPort, tls: { ca: ca.cert } },
          'shop.example.com',
          '/',
        );
        return answer.status === 200;
      },
      'https://shop.example.com/ with the certificate of shop-tls',
      30_000,
    ).catch(() => {});
    expect(
      [answer.status, podOf(answer.body).replace(/-.*/, '')],
      'GET https://shop.example.com/ (SNI shop.example.com, checked against the CA of shop-tls)',
    ).toEqual([200, 'web']);
    const row = await kubectl('get', 'ingress', 'shop', '--no-headers');
    expect(row.split(/\s+/).slice(4, 6).join(' '), 'PORTS once the Ingress has TLS').toBe(
      '80, 443',
    );
  });

  test("an Ingress kube would refuse is refused, 422 in kube's words", async () => {
    const refused = await cluster!.kubectl.run(
      'create',
      'ingress',
      'bad',
      '--rule=10.0.0.1/x=web:80',
    );
    expect(
      refused.code,
      'kubectl create ingress with an IP address as host: its exit code',
    ).not.toBe(0);
    expect(refused.stderr, 'what kubectl printed').toContain(
      'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
    );
  });

  test('a backend whose Deployment has no pods answers 503', async () => {
    await kubectl('scale', 'deployment', 'api', '--replicas=0');
    const { node, httpPort } = await entry();
    let answer = { status: 0, body: '' };
    await waitFor(
      async () => {
        answer = await get({ node, port: httpPort }, 'api.example.com', '/');
        return answer.status === 503;
      },
      'api.example.com/ to answer 503 once api has no pods',
      30_000,
    ).catch(() => {});
    expect(answer.status, 'GET api.example.com/ with Deployment api scaled to 0').toBe(503);
  });
});
