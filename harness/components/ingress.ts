// `npx kata run ingress`: chapter 15b's ingress controller as a program, with ingress-nginx's flag
// names. It serves HTTP on --http-port and HTTPS on --https-port (80 and 443 by default, as
// ingress-nginx; ports below 1024 need privileges, so `kata up` picks free ones), and its health
// on --healthz-port (/healthz, ready once its informers have synced).
//
// At start it installs itself as ingress-nginx's chart would: the IngressClass `kata` (the
// default class, for controller kubekata.dev/ingress), and the Service it publishes
// (--publish-service, kube-system/ingress-controller) with ports 80 and 443 in front of its own,
// its Endpoints and EndpointSlice pointing at this process (it is not a pod, so no selector finds
// it). The Service is a NodePort by default (--service-type); a LoadBalancer once a cloud serves
// them. The default TLS certificate is a self-signed one made at start.
//
//   npx kata run ingress --kubeconfig .kata/kubeconfig [--http-port 80] [--https-port 443]
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { selfSignedRsaCertificate } from '../api/certificates.ts';
import type { Endpoints, EndpointSlice, IngressClass, Service } from '../api/types.ts';
import { clientConfigFromFlags } from '../client/kubeconfig.ts';
import { isAlreadyExists, isNotFound } from '../client/errors.ts';
import type { ApiClient, ResourceClient } from '../client/types.ts';
import type { KubeObject } from '../api/types.ts';
import { clientFlagKinds, clientFlags, connect, type ClientFlags } from './api-client.ts';
import { parseComponentFlags, parsePort, UsageError } from './flags.ts';
import { controlPlaneEndpoints, withHealth } from './health.ts';
import { chapterSource, describeSource, loadModule } from './implementation.ts';
import { serveUntilSignal } from './process.ts';
import { loadToolkit } from './toolkit.ts';

const USAGE = `usage: kata run ingress (--kubeconfig FILE | --master URL)
                        [--http-port 80] [--https-port 443] [--bind-address 127.0.0.1]
                        [--healthz-port 10254] [--publish-service kube-system/ingress-controller]
                        [--service-type NodePort|LoadBalancer] [--ingress-class kata]
                        [--controller-class kubekata.dev/ingress] [--use solutions|mine|auto]`;

export interface IngressFlags extends ClientFlags {
  httpPort: number;
  httpsPort: number;
  bindAddress: string;
  healthzPort: number;
  /** "namespace/name" of the Service in front of the controller. */
  publishService: string;
  serviceType: 'NodePort' | 'LoadBalancer';
  ingressClass: string;
  controllerClass: string;
}

export function parseFlags(argv: string[]): IngressFlags {
  const values = parseComponentFlags(argv, {
    ...clientFlagKinds,
    'http-port': 'string',
    'https-port': 'string',
    'bind-address': 'string',
    'healthz-port': 'string',
    'publish-service': 'string',
    'service-type': 'string',
    'ingress-class': 'string',
    'controller-class': 'string',
  });
  const text = (name: string) => values.get(name) as string | undefined;
  const publishService = text('publish-service') ?? 'kube-system/ingress-controller';
  if (!/^[a-z0-9-]+\/[a-z0-9-]+$/.test(publishService)) {
    throw new UsageError(`--publish-service takes namespace/name, not "${publishService}"`);
  }
  const serviceType = text('service-type') ?? 'NodePort';
  if (serviceType !== 'NodePort' && serviceType !== 'LoadBalancer') {
    throw new UsageError(`--service-type must be NodePort or LoadBalancer, not "${serviceType}"`);
  }
  return {
    ...clientFlags(values),
    httpPort: parsePort(text('http-port') ?? '80', 'http-port'),
    httpsPort: parsePort(text('https-port') ?? '443', 'https-port'),
    bindAddress: text('bind-address') ?? '127.0.0.1',
    healthzPort: parsePort(text('healthz-port') ?? '10254', 'healthz-port'),
    publishService,
    serviceType,
    ingressClass: text('ingress-class') ?? 'kata',
    controllerClass: text('controller-class') ?? 'kubekata.dev/ingress',
  };
}

/** Creates `object`, or leaves the one there. */
async function createUnlessThere<T extends KubeObject>(objects: ResourceClient<T>, object: T) {
  try {
    await objects.create(object);
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
}

/** Creates `object`, or replaces the one there (keeping what `keep` takes from it). */
async function createOrReplace<T extends KubeObject>(
  objects: ResourceClient<T>,
  object: T,
  keep: (current: T) => T = (current) => ({ ...object, metadata: current.metadata }),
) {
  try {
    await objects.update(keep(await objects.get(object.metadata.name!)));
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await objects.create(object);
  }
}

/**
 * The IngressClass, and the Service, Endpoints and EndpointSlice that put the controller's two
 * ports behind ports 80 and 443 of the published Service. An existing Service keeps its cluster IP
 * and node ports; only where its ports lead changes.
 */
async function install(client: ApiClient, flags: IngressFlags, http: number, https: number) {
  await createUnlessThere(client.resource<IngressClass>('ingressclasses'), {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name: flags.ingressClass,
      annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' },
    },
    spec: { controller: flags.controllerClass },
  });
  const [namespace, name] = flags.publishService.split('/') as [string, string];
  await createUnlessThere(client.resource('namespaces'), { metadata: { name: namespace } });
  const labels = { 'app.kubernetes.io/name': 'kata-ingress' };
  const metadata = { name, namespace, labels };
  const ports = [
    { name: 'http', port: 80, protocol: 'TCP' as const, targetPort: http },
    { name: 'https', port: 443, protocol: 'TCP' as const, targetPort: https },
  ];
  await createOrReplace(
    client.resource<Service>('services', namespace),
    { apiVersion: 'v1', kind: 'Service', metadata, spec: { type: flags.serviceType, ports } },
    (current) => {
      const nodePorts = new Map(current.spec.ports?.map((p) => [p.name, p.nodePort]));
      const kept = ports.map((p) => ({ ...p, nodePort: nodePorts.get(p.name) }));
      return { ...current, spec: { ...current.spec, type: flags.serviceType, ports: kept } };
    },
  );
  const endpointPorts = [
    { name: 'http', port: http, protocol: 'TCP' as const },
    { name: 'https', port: https, protocol: 'TCP' as const },
  ];
  await createOrReplace(client.resource<Endpoints>('endpoints', namespace), {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata,
    subsets: [{ addresses: [{ ip: flags.bindAddress }], ports: endpointPorts }],
  });
  await createOrReplace(client.resource<EndpointSlice>('endpointslices', namespace), {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name,
      namespace,
      labels: {
        ...labels,
        'kubernetes.io/service-name': name,
        'endpointslice.kubernetes.io/managed-by': 'kata-ingress',
      },
    },
    addressType: 'IPv4',
    ports: endpointPorts,
    endpoints: [{ addresses: [flags.bindAddress], conditions: { ready: true } }],
  });
}

export async function startIngress(flags: IngressFlags, log: (line: string) => void) {
  const config = clientConfigFromFlags(flags);
  const toolkit = await loadToolkit(flags.use, log);
  const folder = chapterSource('15b', flags.use);
  const ingress = await loadModule('15b', 'controller.ts', folder);
  log(`chapter 15b, the ingress controller: ${describeSource(folder)}`);
  const client = await connect(toolkit, config, 'kata-ingress', {
    timeoutMs: flags.kubeApiWaitTimeoutMs,
    log,
  });
  const controller = await ingress
    .startIngressController({
      toolkit,
      client,
      controller: flags.controllerClass,
      publishService: flags.publishService,
      http: { host: flags.bindAddress, port: flags.httpPort },
      https: { host: flags.bindAddress, port: flags.httpsPort },
      defaultCertificate: await selfSignedRsaCertificate(
        'Kubernetes Ingress Controller Fake Certificate',
      ),
      log,
    })
    .catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EACCES')
        throw new Error(
          `${error.message}: ports below 1024 need privileges; check --http-port and --https-port`,
        );
      if (error.code === 'EADDRINUSE')
        throw new Error(`${error.message}: the port is in use; check --http-port and --https-port`);
      throw error;
    });
  const portOf = (url: string) => Number(new URL(url).port);
  await install(client, flags, portOf(controller.httpUrl), portOf(controller.httpsUrl));
  log(
    `serving Ingresses of class ${flags.ingressClass} on ${controller.httpUrl} and ${controller.httpsUrl}, behind Service ${flags.publishService}`,
  );
  return controller;
}

export async function main(argv: string[]): Promise<number> {
  const log = (line: string) => console.log(`kata ingress: ${line}`);
  let flags: IngressFlags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    console.error(`kata ingress: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    const running = await withHealth(
      {
        address: flags.bindAddress,
        port: flags.healthzPort,
        flag: '--healthz-port',
        endpoints: (started) => controlPlaneEndpoints('ingress-informers-synced', started),
        log,
      },
      () => startIngress(flags, log),
    );
    return await serveUntilSignal('ingress', running, log);
  } catch (error) {
    console.error(`kata ingress: ${(error as Error).message}`);
    return 1;
  }
}

// Run directly (node --import tsx harness/components/ingress.ts ...), not imported.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
