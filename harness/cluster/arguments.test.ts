// The composer's plan: every address chosen before anything starts, each component's arguments
// pointing at the others' addresses, and each component's health endpoint where it was told to
// serve it.
import net from 'node:net';
import { afterAll, describe, expect, test } from 'vitest';
import { componentChapters, componentKinds } from '../course.ts';
import { nodeIp } from '../network.ts';
import { choosePort, planCluster, portFree, type ComponentPlan } from './arguments.ts';
import { useEverywhere, type ClusterOptions } from './options.ts';

const options: ClusterOptions = {
  nodes: 2,
  dataDir: '/tmp/kata-plan',
  fresh: false,
  use: useEverywhere('solutions'),
  storePort: 0,
  apiserverPort: 0,
  kubeletPort: 0,
  nodeIndexBase: 210,
  serviceClusterIpRange: '127.102.0.0/16',
  nodeMonitorGracePeriod: '20s',
};

/** The value after `flag` in a command line. */
const flag = (component: ComponentPlan, name: string) =>
  component.args[component.args.indexOf(name) + 1];

const servers: net.Server[] = [];
afterAll(() => servers.forEach((server) => server.close()));

describe('The plan', () => {
  test('ports of 0 become free ones; each component is told where the others are', async () => {
    const plan = await planCluster(options);
    const [store, apiserver, controllerManager, scheduler, dns, ...nodes] = plan.components;
    expect(plan.components.map((component) => component.name)).toEqual([
      'store',
      'apiserver',
      'controller-manager',
      'scheduler',
      'dns',
      'kubelet-node-1',
      'proxy-node-1',
      'kubelet-node-2',
      'proxy-node-2',
      'metrics-server',
      'cloud-controller-manager',
      'ingress',
    ]);
    expect(plan.storeUrl).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
    expect(flag(store!, '--listen-client-urls')).toBe(plan.storeUrl);
    expect(store!.health).toBe(`${plan.storeUrl}/health`);
    expect(flag(apiserver!, '--etcd-servers')).toBe(plan.storeUrl);
    expect(`https://127.0.0.1:${flag(apiserver!, '--secure-port')}`).toBe(plan.apiserverUrl);
    expect(flag(apiserver!, '--service-cluster-ip-range')).toBe('127.102.0.0/16');
    expect(apiserver!.health).toBe(`${plan.apiserverUrl}/readyz`);
    expect(flag(controllerManager!, '--node-monitor-grace-period')).toBe('20s');
    for (const component of [controllerManager!, scheduler!, dns!, ...nodes])
      expect(flag(component, '--kubeconfig')).toBe(
        `/tmp/kata-plan/kubeconfigs/${component.identity!.name}.conf`,
      );
    const kubelet = nodes[0]!;
    expect(flag(kubelet, '--node-ip')).toBe(nodeIp(210));
    expect(Number(flag(kubelet, '--port'))).toBeGreaterThan(0);
    // Port 10250 over TLS: the node's serving certificate, callers from the cluster CA, reviewed.
    expect(kubelet.health).toBe(`https://${nodeIp(210)}:${flag(kubelet, '--port')}/healthz`);
    expect(flag(kubelet, '--tls-cert-file')).toMatch(/\/pki\/kubelet\.crt$/);
    expect(flag(kubelet, '--client-ca-file')).toBe('/tmp/kata-plan/pki/ca.crt');
    expect(flag(kubelet, '--authorization-mode')).toBe('Webhook');
    expect(kubelet.args).toContain('--anonymous-auth=false');
    expect(flag(apiserver!, '--kubelet-client-certificate')).toBe(
      '/tmp/kata-plan/pki/apiserver-kubelet-client.crt',
    );
    expect(flag(kubelet, '--pod-manifest-path'), "node-1's static pod folder").toMatch(
      /nodes\/node-1\/manifests$/,
    );
    expect(nodes[3]!.address).toBe(nodeIp(211));
    for (const component of [controllerManager!, scheduler!]) {
      expect(flag(component, '--bind-address')).toBe('127.0.0.1');
      expect(Number(flag(component, '--secure-port'))).toBeGreaterThan(0);
      expect(component.health).toBe(`http://127.0.0.1:${flag(component, '--secure-port')}/readyz`);
    }
    expect(flag(dns!, '--address')).toBe('127.102.0.10');
    expect(flag(dns!, '--service-cluster-ip-range')).toBe('127.102.0.0/16');
    expect(dns!.address).toBe(`127.102.0.10:${flag(dns!, '--port')}`);
    expect(flag(kubelet, '--cluster-dns')).toBe(plan.clusterDns);
    const proxy = nodes[1]!;
    expect(flag(proxy, '--healthz-bind-address')).toMatch(new RegExp(`^${nodeIp(210)}:[1-9]\\d*$`));
    expect(proxy.health).toBe(`http://${flag(proxy, '--healthz-bind-address')}/healthz`);
  });

  test('over TLS (the default) the API server authenticates, authorizes and admits as kubeadm sets it up; each component signs in as itself', async () => {
    const plan = await planCluster(options);
    const apiserver = plan.components.find((component) => component.kind === 'apiserver')!;
    expect(plan.secure, 'a cluster is secure unless --insecure').toBe(true);
    expect(flag(apiserver, '--tls-cert-file'), 'the serving certificate').toBe(
      '/tmp/kata-plan/pki/apiserver.crt',
    );
    expect(flag(apiserver, '--client-ca-file'), 'client certificates from the CA').toBe(
      '/tmp/kata-plan/pki/ca.crt',
    );
    expect(flag(apiserver, '--service-account-signing-key-file'), 'ServiceAccount tokens').toBe(
      '/tmp/kata-plan/pki/sa.key',
    );
    expect(flag(apiserver, '--authorization-mode'), 'kubeadm authorizes').toBe('Node,RBAC');
    expect(flag(apiserver, '--enable-admission-plugins'), 'the admission plugins').toBe(
      'NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultIngressClass,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ResourceQuota',
    );
    expect(plan.apiserverHosts, "the serving certificate's names").toEqual(
      expect.arrayContaining(['kubernetes.default.svc', '127.0.0.1', '127.102.0.1']),
    );
    const who = Object.fromEntries(
      plan.components.map((component) => [component.name, component.identity?.commonName]),
    );
    expect(who, "the Common Name of each component's client certificate").toMatchObject({
      'controller-manager': 'system:kube-controller-manager',
      scheduler: 'system:kube-scheduler',
      dns: 'system:kube-dns',
      'kubelet-node-1': 'system:node:node-1',
      'proxy-node-1': 'system:kube-proxy',
      'metrics-server': 'system:metrics-server',
      ingress: 'system:ingress-controller',
      'cloud-controller-manager': 'system:cloud-controller-manager',
    });
    const kubelet = plan.components.find((component) => component.name === 'kubelet-node-2')!;
    expect(kubelet.identity!.organizations, 'a kubelet is in the group system:nodes').toEqual([
      'system:nodes',
    ]);
  });

  test('with --insecure: plain HTTP, one kubeconfig without credentials, no security flags', async () => {
    const plan = await planCluster({ ...options, insecure: true });
    const apiserver = plan.components.find((component) => component.kind === 'apiserver')!;
    expect(plan.apiserverUrl, 'the API server over plain HTTP').toMatch(/^http:\/\//);
    expect(apiserver.args, 'no TLS, authorization or admission flags').not.toContain(
      '--tls-cert-file',
    );
    expect(apiserver.args).not.toContain('--authorization-mode');
    expect(apiserver.args, 'no client certificate for kubelets').not.toContain(
      '--kubelet-client-certificate',
    );
    const kubelet = plan.components.find((component) => component.kind === 'kubelet')!;
    expect(kubelet.health, "a kubelet's health over plain HTTP").toMatch(/^http:\/\//);
    expect(kubelet.args, 'a kubelet serving plain HTTP').not.toContain('--tls-cert-file');
    for (const component of plan.components.filter((one) => one.args.includes('--kubeconfig')))
      expect(flag(component, '--kubeconfig'), `${component.name} uses the one kubeconfig`).toBe(
        plan.kubeconfig,
      );
  });

  test('with --etcd-servers there is no store, and the API server is pointed there', async () => {
    const plan = await planCluster({ ...options, etcdServers: 'http://127.0.0.1:23790' });
    expect(plan.components[0]!.name).toBe('apiserver');
    expect(flag(plan.components[0]!, '--etcd-servers')).toBe('http://127.0.0.1:23790');
  });

  test('in the single-address mode every node is 127.0.0.1, each kubelet on a port of its own', async () => {
    const plan = await planCluster({ ...options, network: 'single' });
    expect(plan.network).toBe('single');
    const kubelets = plan.components.filter((component) => component.kind === 'kubelet');
    const proxies = plan.components.filter((component) => component.kind === 'proxy');
    for (const component of [...kubelets, ...proxies]) {
      expect(flag(component, '--node-ip'), component.name).toBe('127.0.0.1');
      expect(flag(component, '--network'), component.name).toBe('single');
    }
    expect(kubelets.map((kubelet) => flag(kubelet, '--pod-cidr'))).toEqual([
      '127.0.0.1/32',
      '127.0.0.1/32',
    ]);
    const ports = kubelets.map((kubelet) => flag(kubelet, '--port'));
    expect(new Set(ports).size, `kubelet ports ${ports.join(', ')}`).toBe(2);
    const loopback = await planCluster({ ...options, network: 'loopback' });
    expect(loopback.components.some((component) => component.args.includes('--network'))).toBe(
      false,
    );
  });

  test('a port asked for is kept; a busy one is seen busy', async () => {
    expect(await choosePort('127.0.0.1', 6443)).toBe(6443);
    const server = net.createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    expect(await portFree('127.0.0.1', port)).toBe(false);
    expect(await portFree('127.0.0.1', 0)).toBe(true);
  });
});

describe('The component → chapter map', () => {
  test('names every component, and only chapters of the course', () => {
    expect(Object.keys(componentChapters).sort()).toEqual([...componentKinds].sort());
    for (const chapters of Object.values(componentChapters))
      for (const id of chapters) expect(id).toMatch(/^\d\d[a-z]?$/);
  });
});
