// The finished chapters composed into one cluster of real processes: what `kata up` (npm start)
// runs, and the end-to-end tests and the cluster benchmark with it. Each component is its own
// `kata run` program (harness/components/), started in order: the store, the API server, then the
// controller-manager and the scheduler, and per node a kubelet and a kube-proxy. Each component
// would also wait for what it needs if started early (harness/components/waiting.ts); starting
// them in order is only quicker.
//
// Unless --insecure, the cluster runs over TLS as kubeadm sets it up: a CA, the API server's serving
// certificate and a kubeconfig with a client certificate per component (pki.ts), written before
// anything starts; this process presents the admin's certificate (../client/tls.ts).
//
// The parts: every address and argument is chosen first (arguments.ts), each process is supervised
// (supervision.ts), each is waited for at its health endpoint and the cluster until its nodes are
// Ready (readiness.ts), and the banner says what runs where (banner.ts). While the cluster runs, a
// small control endpoint on loopback (control.ts, its address in cluster.json, state.ts) answers
// `kata components`, `kata kill` and `kata restart` (with --kubeadm, for the pods too:
// pod-components.ts). Stopping (stop(), the signal, or the store or
// the API server exiting) stops everything, nodes first, store last, and then the pods' processes
// too: no process outlives the cluster.
//
// With --kubeadm (./kubeadm.ts, ./kubeadm-addons.ts) the store, the API server, the
// controller-manager and the scheduler are static pods of node-1's kubelet, which starts first,
// and kube-proxy and the DNS are a DaemonSet and a Deployment made once the API server answers.
// With --store-replicas N as well, the store's members stay processes started before that kubelet
// (kubeadm's external etcd topology) and the rest of the control plane is static pods.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { kubeconfigFor } from '../client/kubeconfig.ts';
import { presentCredentials, type TlsCredentials } from '../client/tls.ts';
import { componentKinds } from '../course.ts';
import { grantHostPorts } from '../components/host-ports.ts';
import { ProcessRuntime } from '../runtime/process-runtime.ts';
import type { ApiClient } from '../client/types.ts';
import { toolkit } from '../components/reference-toolkit.ts';
import { repoRoot } from '../paths.ts';
import {
  encryptionConfigPath,
  cloudConfigFor,
  cloudConfigPath,
  planCluster,
  traceDir,
  refuseBusyPorts,
  type ClusterPlan,
  type ComponentPlan,
} from './arguments.ts';
import { bannerLines } from './banner.ts';
import {
  applyAddon,
  dnsDeployment,
  onHealthPort,
  proxyDaemonSet,
  sharedHealthPort,
} from './kubeadm-addons.ts';
import {
  manifestFile,
  manifestsDir,
  runsAsStaticPod,
  staticPodNames,
  writeControlPlaneManifests,
} from './kubeadm.ts';
import { serveControl } from './control.ts';
import { PodComponents, stoppedManifestsDir } from './pod-components.ts';
import {
  ClusterError,
  defaultDataDir,
  type ClusterOptions,
  type ComponentKind,
} from './options.ts';
import { componentKubeconfig, createClusterPki, kubeletServingCertificate } from './pki.ts';
import { nodesReady, readiness, readinessTimeoutMs } from './readiness.ts';
import { processAlive, readClusterState, removeClusterState, writeClusterState } from './state.ts';
import { Supervisor, type Component } from './supervision.ts';

export { useEverywhere, type ClusterOptions } from './options.ts';

/** A running cluster: its API server's URL, its control endpoint, and stop(). */
export interface RunningCluster {
  apiserver: string;
  /** The admin's kubeconfig (over TLS, a client certificate in system:masters). */
  kubeconfig: string;
  controlUrl: string;
  stop(): Promise<void>;
  /** Resolves when the cluster has stopped (by stop(), a signal, or a failure). */
  stopped: Promise<void>;
}

/** Empties the data directory if asked, and refuses one a live cluster runs from. */
function prepareDataDir(options: ClusterOptions): void {
  if (options.fresh) rmSync(options.dataDir, { recursive: true, force: true });
  mkdirSync(path.join(options.dataDir, 'logs'), { recursive: true });
  // Each start records its own traces (harness/trace/): the last run's are dropped.
  rmSync(traceDir(options.dataDir), { recursive: true, force: true });
  const running = readClusterState(options.dataDir);
  if (running && running.pid !== process.pid && processAlive(running.pid))
    throw new ClusterError(
      `a cluster already runs from ${path.relative(process.cwd(), options.dataDir) || '.'} (process ${running.pid}); stop it with Ctrl-C where it runs, or start another with --data-dir`,
    );
}

/**
 * The cluster's EncryptionConfiguration: Secrets sealed with aesgcm under a key made once per data
 * directory (a new key would leave the Secrets already stored unreadable), identity to read what was
 * stored before. The key is on the same disk as the store: enough to show the mechanism, not a
 * protection (a real cluster keeps the key elsewhere, or uses a KMS provider).
 */
function writeEncryptionConfig(dataDir: string): void {
  const file = encryptionConfigPath(dataDir);
  if (existsSync(file)) return;
  const secret = randomBytes(32).toString('base64');
  const config = [
    'apiVersion: apiserver.config.k8s.io/v1',
    'kind: EncryptionConfiguration',
    'resources:',
    '  - resources: [secrets]',
    '    providers:',
    '      - aesgcm:',
    '          keys:',
    '            - name: key1',
    `              secret: ${secret}`,
    '      - identity: {}',
    '',
  ];
  writeFileSync(file, config.join('\n'), { mode: 0o600 });
}

/** The default cluster's kubeconfig is also .kata/kubeconfig, where the CLI and kubectl look. */
function sharedKubeconfig(options: ClusterOptions, plan: ClusterPlan, admin?: TlsCredentials) {
  if (path.resolve(options.dataDir) !== defaultDataDir) return plan.kubeconfig;
  const shared = path.join(repoRoot, '.kata', 'kubeconfig');
  writeFileSync(shared, kubeconfigFor(plan.apiserverUrl, 'kata', admin), { mode: 0o600 });
  return shared;
}

/**
 * Over TLS: the cluster's certificates (./pki.ts), a kubeconfig per component, and the admin's
 * credentials for this process's own requests (waiting for the nodes, the end-to-end tests).
 * Returns the admin's credentials; none with --insecure.
 */
async function writeCredentials(options: ClusterOptions, plan: ClusterPlan) {
  if (!plan.secure) {
    writeFileSync(plan.kubeconfig, kubeconfigFor(plan.apiserverUrl));
    return undefined;
  }
  const pki = await createClusterPki(options.dataDir, plan.apiserverHosts);
  presentCredentials(plan.apiserverUrl, pki.admin);
  writeFileSync(plan.kubeconfig, kubeconfigFor(plan.apiserverUrl, 'kata', pki.admin), {
    mode: 0o600,
  });
  const identities = new Map(
    plan.components.flatMap(({ identity }) => (identity ? [[identity.name, identity]] : [])),
  );
  for (const identity of identities.values())
    await componentKubeconfig(options.dataDir, plan.apiserverUrl, identity);
  // Each kubelet's serving certificate; this process asks their /healthz as the admin.
  for (const node of plan.nodes) {
    await kubeletServingCertificate(options.dataDir, node.rootDir, node);
    presentCredentials(`https://${node.ip}:${node.kubeletPort}`, pki.admin);
  }
  return pki.admin;
}

/** The plan less the components of the kinds the options skip (no process, no credentials). */
function withoutSkipped(plan: ClusterPlan, skip: ComponentKind[]): ClusterPlan {
  return { ...plan, components: plan.components.filter(({ kind }) => !skip.includes(kind)) };
}

/** A member of a replicated store (store-1, store-2, ...; the one store is "store"). */
function isStoreMember(component: ComponentPlan): boolean {
  return component.kind === 'store' && component.name !== 'store';
}

/**
 * With --kubeadm, the control plane's manifests in the first node's manifest folder (./kubeadm.ts):
 * answers the components that run as its static pods. Without it, any such manifests an earlier
 * --kubeadm start left there go, so that no second control plane starts; none run as static pods.
 */
function placeControlPlane(options: ClusterOptions, plan: ClusterPlan): ComponentPlan[] {
  // A cluster may have no nodes of its own (the benchmarks' hollow nodes register themselves).
  const node = plan.nodes[0];
  if (!options.kubeadm) {
    for (const kind of componentKinds)
      if (node && staticPodNames[kind]) rmSync(manifestFile(node.rootDir, kind), { force: true });
    return [];
  }
  if (!node)
    throw new ClusterError('--kubeadm runs the control plane on node-1: --nodes 1 or more');
  // A replicated store's members (store-1, ...) stay processes of `kata up`, started before the
  // kubelet: kubeadm's external etcd topology, the API server's --etcd-servers naming them all.
  const controlPlane = plan.components.filter(
    (component) => runsAsStaticPod(component) && !isStoreMember(component),
  );
  rmSync(stoppedManifestsDir(options.dataDir), { recursive: true, force: true });
  for (const kind of componentKinds)
    if (staticPodNames[kind] && !controlPlane.some((component) => component.kind === kind))
      rmSync(manifestFile(node.rootDir, kind), { force: true });
  mkdirSync(manifestsDir(node.rootDir), { recursive: true });
  writeControlPlaneManifests(node, controlPlane, options.use);
  return controlPlane;
}

/** kube-proxy and the cluster DNS as kubeadm's add-ons (./kubeadm-addons.ts), and their plans. */
interface Addons {
  components: ComponentPlan[];
  apply(client: ApiClient): Promise<void>;
}

/**
 * With --kubeadm on the loopback network: kube-proxy as a DaemonSet and the DNS as a Deployment,
 * their processes no longer `kata up`'s. Undefined otherwise, or when no health port is free on
 * every node's address (then they stay processes).
 */
async function planAddons(options: ClusterOptions, plan: ClusterPlan): Promise<Addons | undefined> {
  if (!options.kubeadm || plan.network !== 'loopback') return undefined;
  const port = await sharedHealthPort(plan.nodes);
  const dns = plan.components.find(({ kind }) => kind === 'dns');
  const proxies = plan.components.filter(({ kind }) => kind === 'proxy');
  if (port === 0 || !dns || proxies.length === 0) return undefined;
  onHealthPort(proxies, plan.nodes, port);
  const daemonSet = proxyDaemonSet(proxies[0]!, port, options.use.proxy);
  const deployment = dnsDeployment(dns, options.use.dns);
  return {
    components: [...proxies, dns],
    apply: async (client) => {
      await applyAddon(client, 'daemonsets', daemonSet);
      await applyAddon(client, 'deployments', deployment);
    },
  };
}

export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const startedAt = Date.now();
  const print = options.print ?? ((line: string) => console.log(line));
  const logDir = path.join(options.dataDir, 'logs');
  prepareDataDir(options);
  await refuseBusyPorts(options);
  const plan = withoutSkipped(await planCluster(options), options.skip ?? []);
  const admin = await writeCredentials(options, plan);
  writeFileSync(cloudConfigPath(options.dataDir), JSON.stringify(cloudConfigFor(options, plan)));
  writeEncryptionConfig(options.dataDir);
  const supervisor = new Supervisor({ logDir, use: options.use, print, paint: options.paint });
  const staticPods = placeControlPlane(options, plan);
  const addons = await planAddons(options, plan);
  const asPods = [...staticPods, ...(addons?.components ?? [])];
  for (const component of plan.components)
    if (!asPods.includes(component)) supervisor.add(component);
  const cluster = new Cluster(options, plan, supervisor, staticPods, addons);

  if (options.signal?.aborted) await cluster.stop();
  options.signal?.addEventListener('abort', () => void cluster.stop(), { once: true });
  try {
    await cluster.bringUp();
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  const control = await cluster.serveControl();
  writeClusterState(options.dataDir, {
    pid: process.pid,
    control,
    apiserver: plan.apiserverUrl,
    kubeconfig: plan.kubeconfig,
    store: plan.storeUrl,
  });
  const kubeconfig = sharedKubeconfig(options, plan, admin);
  const { components } = supervisor;
  const { network } = plan;
  bannerLines({ options, components, startedAt, kubeconfig, logDir, network }).forEach((line) =>
    print(line),
  );
  return {
    apiserver: plan.apiserverUrl,
    kubeconfig: plan.kubeconfig,
    controlUrl: control,
    stop: () => cluster.stop(),
    stopped: cluster.stopped,
  };
}

/** The cluster while it runs: bringing it up, its control endpoint, and stopping it. */
class Cluster {
  readonly stopped: Promise<void>;
  private resolveStopped: () => void = () => {};
  /** Aborts when the cluster stops: whatever waits for it to come up gives up. */
  private readonly halted = new AbortController();
  private control?: http.Server;
  private readonly options: ClusterOptions;
  private readonly plan: ClusterPlan;
  private readonly supervisor: Supervisor;
  /** The control plane's components when they run as static pods (--kubeadm); else none. */
  private readonly staticPods: ComponentPlan[];
  /** kube-proxy and the DNS as add-on pods (--kubeadm); else none. */
  private readonly addons?: Addons;

  constructor(
    options: ClusterOptions,
    plan: ClusterPlan,
    supervisor: Supervisor,
    staticPods: ComponentPlan[] = [],
    addons?: Addons,
  ) {
    this.options = options;
    this.plan = plan;
    this.supervisor = supervisor;
    this.staticPods = staticPods;
    this.addons = addons;
    this.stopped = new Promise<void>((resolve) => (this.resolveStopped = resolve));
  }

  /** Starts a component's process; resolves once it is up (readiness.ts). */
  readonly begin = async (component: Component): Promise<void> => {
    // Nothing starts once the cluster stops: stop() may have passed this kind already.
    if (this.supervisor.stopping) throw new ClusterError('the cluster is stopping');
    this.supervisor.launch(component);
    const outcome = await readiness(component.health, component.exited);
    if (outcome === 'exited')
      throw this.supervisor.startFailure(component, 'exited while starting');
    if (outcome === 'timed out') {
      const seconds = readinessTimeoutMs.component / 1000;
      throw this.supervisor.startFailure(component, `no sign of life within ${seconds} s`);
    }
    if (component.state === 'starting') component.state = 'running';
  };

  /**
   * The store, then the API server, then everything else at once; resolves once every node is
   * Ready. Any component exiting meanwhile fails the start with the reason it gave.
   */
  async bringUp(): Promise<void> {
    let failed: (error: Error) => void = () => {};
    const exitedEarly = new Promise<never>((_, reject) => (failed = reject));
    this.supervisor.onUnexpectedExit = (component) =>
      failed(this.supervisor.startFailure(component, 'exited while starting'));
    const { components } = this.supervisor;
    // With --kubeadm the first node's kubelet comes first: it starts the store and the API server.
    const firstKubelet = `kubelet-${this.plan.nodes[0]?.name}`;
    // A store that is not a static pod (its replicated members, kubeadm's external etcd) comes
    // before it.
    const first = components.filter(({ kind, name }) =>
      this.staticPods.length > 0
        ? kind === 'store' || name === firstKubelet
        : kind === 'store' || kind === 'apiserver',
    );
    const [early, late] = [
      ['store', 'apiserver'],
      ['controller-manager', 'scheduler'],
    ].map((kinds) => this.staticPods.filter(({ kind }) => kinds.includes(kind)));
    const sequence = async () => {
      for (const component of first) await this.begin(component);
      for (const component of early!) await this.staticPodUp(component);
      // The single-address mode's views need a little more than the default roles (host-ports.ts).
      if (this.plan.secure && this.plan.network === 'single')
        await grantHostPorts(this.plan.apiserverUrl);
      await this.addons?.apply(toolkit.createClient({ server: this.plan.apiserverUrl }));
      await Promise.all([
        ...components.filter((c) => !first.includes(c)).map(this.begin),
        ...late!.map((component) => this.staticPodUp(component)),
        ...(this.addons?.components ?? []).map((component) => this.addonUp(component)),
      ]);
      const names = this.plan.nodes.map((node) => node.name);
      await nodesReady(this.plan.apiserverUrl, names, this.halted.signal);
    };
    await Promise.race([sequence(), exitedEarly]);
    this.supervisor.onUnexpectedExit = (component) => this.lost(component);
  }

  /**
   * Whether a pod's component (--kubeadm) answers its health endpoint before the readiness
   * deadline; throws if the cluster halts meanwhile.
   */
  private async podAnswers(component: ComponentPlan): Promise<boolean> {
    const halted = new Promise<void>((resolve) =>
      this.halted.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    const outcome = await readiness(component.health, halted);
    if (outcome === 'exited') throw new ClusterError('the cluster is stopping');
    return outcome === 'ready';
  }

  /** Resolves once a static pod's component answers its health endpoint (--kubeadm). */
  private async staticPodUp(component: ComponentPlan): Promise<void> {
    if (await this.podAnswers(component)) return;
    const node = this.plan.nodes[0]!;
    const pod = `${staticPodNames[component.kind]}-${node.name}`;
    const logs = path.join(node.rootDir, 'runtime', 'pods', `kube-system_${pod}_*`);
    throw new ClusterError(
      `the static pod ${pod} (${path.relative(process.cwd(), manifestFile(node.rootDir, component.kind))}) did not answer ${component.health} within ${readinessTimeoutMs.component / 1000} s (its logs: ${path.relative(process.cwd(), logs)}/; the kubelet's: logs/${`kubelet-${node.name}`}.log)`,
    );
  }

  /** Resolves once an add-on pod's component answers its health endpoint (--kubeadm). */
  private async addonUp(component: ComponentPlan): Promise<void> {
    if (await this.podAnswers(component)) return;
    const owner = component.kind === 'dns' ? 'deployment/kube-dns' : 'daemonset/kube-proxy';
    throw new ClusterError(
      `${component.name}, a pod of ${owner} in kube-system, did not answer ${component.health} within ${readinessTimeoutMs.component / 1000} s (kubectl -n kube-system get pods -o wide; kubectl -n kube-system logs ${owner})`,
    );
  }

  /** A component exited while the cluster runs: without the store or API server, it stops. */
  private lost(component: Component): void {
    if (component.kind !== 'store' && component.kind !== 'apiserver') return;
    // One member of a replicated store may go: the others keep a quorum (`kata restart` it).
    if (component.kind === 'store' && component.name !== 'store') return;
    const log = path.relative(process.cwd(), this.supervisor.logFile(component));
    const red = this.options.paint?.red ?? ((text: string) => text);
    const print = this.options.print ?? ((line: string) => console.log(line));
    print(red(`kata up: the ${component.kind} stopped; stopping the cluster (log: ${log})`));
    void this.stop();
  }

  /** Serves the control endpoint; resolves with its URL. */
  async serveControl(): Promise<string> {
    const { supervisor, begin } = this;
    const addons = this.addons?.components ?? [];
    const pods =
      this.staticPods.length + addons.length > 0
        ? new PodComponents({
            node: this.plan.nodes[0]!,
            staticPods: this.staticPods,
            addons,
            dataDir: this.options.dataDir,
            client: toolkit.createClient({ server: this.plan.apiserverUrl, userAgent: 'kata-up' }),
            use: this.options.use,
          })
        : undefined;
    this.control = await serveControl({ supervisor, begin, pods });
    return `http://127.0.0.1:${(this.control.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    if (this.supervisor.stopping) return this.stopped;
    this.supervisor.stopping = true;
    this.halted.abort();
    // Nodes first, the store last: each stops while what it talks to is still there.
    for (const kind of [...componentKinds].reverse()) {
      const ofKind = this.supervisor.components.filter((component) => component.kind === kind);
      await Promise.all(ofKind.map((component) => this.supervisor.terminate(component)));
    }
    await this.stopPods();
    this.control?.close();
    removeClusterState(this.options.dataDir);
    this.resolveStopped();
  }

  /**
   * The kubelets leave their pods running (so a restarted kubelet adopts them); the cluster
   * stopping stops them too.
   */
  private async stopPods(): Promise<void> {
    for (const node of this.plan.nodes) {
      const stateDir = path.join(node.rootDir, 'runtime');
      if (existsSync(stateDir))
        await new ProcessRuntime({ stateDir, podCidr: node.podCidr })
          .close({ stopAll: true })
          .catch(() => {});
    }
  }
}
