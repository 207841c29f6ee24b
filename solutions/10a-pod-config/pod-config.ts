// Inside a pod, as the kubelet's seam (PodConfiguration, harness/contracts/kubelet.ts): what
// chapter 10a adds to chapter 06's kubelet without copying it. The kubelet calls it from its sync
// of each pod:
//
//   preparePod ──────────▶ the pod's volumes on disk (volumes.ts), brought up to date each sync
//   initPlan ────────────▶ which init containers run now (init-containers.ts)
//   configureContainer ──▶ the container's env (environment.ts) and mounts, before it is created
//   completeStatus ──────▶ initContainerStatuses, Init:N/M, the Initialized condition
//   stopOrder, cleanupPod ▶ sidecars stopped last; the volumes removed with the pod
//
// It keeps informers on ConfigMaps and Secrets (the kubelet's object caches), and when one changes
// it asks the kubelet to sync the pods that consume it: their files are rewritten (the `..data`
// swap), and a container held back for a missing key starts once the key is there.
import type {
  Container,
  ContainerStatus,
  Pod,
  PodStatus,
  Secret,
  ConfigMap,
} from '../../harness/api/types.ts';
import type { Informer } from '../../harness/client/types.ts';
import { rfc3339, systemClock } from '../../harness/clock.ts';
import type { InitPlan, PodConfiguration } from '../../harness/contracts/kubelet.ts';
import type { PodConfigOptions } from '../../harness/contracts/pod-config.ts';
import {
  ContainerConfigError,
  type ContainerConfig,
  type ContainerStatus as RuntimeContainerStatus,
  type PodSandboxStatus,
} from '../../harness/runtime/cri.ts';
import { containerEnvironment, expandCommand, type ConfigSources } from './environment.ts';
import * as init from './init-containers.ts';
import {
  apiDataVolumes,
  consumedObjects,
  containerMounts,
  removePodVolumes,
  setUpVolumes,
} from './volumes.ts';

export type { PodConfigOptions } from '../../harness/contracts/pod-config.ts';

export class PodConfigurator implements PodConfiguration {
  private readonly options: PodConfigOptions;
  private readonly configMaps: Informer<ConfigMap>;
  private readonly secrets: Informer<Secret>;
  /** The pods (keys) consuming each object, as consumedObjects names it. */
  private readonly consumers = new Map<string, Set<string>>();
  /** Each pod's volumes on the node, by volume name (key: the pod's uid). */
  private readonly volumes = new Map<string, Map<string, string>>();
  /** Settles once both caches are filled (run() was called). */
  private synced: Promise<void> | undefined;

  constructor(options: PodConfigOptions) {
    this.options = options;
    const { toolkit, client } = options;
    this.configMaps = toolkit.createInformer(client.resource<ConfigMap>('configmaps'));
    this.secrets = toolkit.createInformer(client.resource<Secret>('secrets'));
  }

  async run(signal: AbortSignal, resync: (podKey: string) => void): Promise<void> {
    const watched = { configmap: this.configMaps, secret: this.secrets };
    for (const [kind, informer] of Object.entries(watched)) {
      const changed = ({ metadata }: ConfigMap | Secret) => {
        const consumers = this.consumers.get(`${kind}/${metadata.namespace}/${metadata.name}`);
        for (const key of consumers ?? []) resync(key);
      };
      informer.addEventHandlers({
        add: changed,
        update: (_, now) => changed(now),
        delete: changed,
      });
      informer.run(signal);
    }
    const caches = Object.values(watched).map((informer) => informer.waitForSync(signal));
    this.synced = Promise.all(caches).then(() => {});
    await this.synced.catch(() => {});
  }

  /** The caches and the pod's addresses, as environment.ts and volumes.ts read them. */
  private sources(sandbox: PodSandboxStatus): ConfigSources {
    return {
      configMap: (namespace, name) => this.configMaps.get(`${namespace}/${name}`),
      secret: (namespace, name) => this.secrets.get(`${namespace}/${name}`),
      podIP: sandbox.ip,
      hostIP: this.options.nodeIp,
      allocatable: this.options.allocatable,
    };
  }

  async preparePod(pod: Pod, sandbox: PodSandboxStatus): Promise<string | undefined> {
    if (!this.synced) throw new Error('PodConfigurator.run must be called before pods are synced');
    await this.synced;
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    for (const object of consumedObjects(pod)) {
      const pods = this.consumers.get(object) ?? new Set();
      this.consumers.set(object, pods.add(key));
    }
    try {
      const dirs = setUpVolumes(pod, this.options.podsDir, this.sources(sandbox));
      this.volumes.set(pod.metadata.uid!, dirs);
      return undefined;
    } catch (error) {
      if (error instanceof ContainerConfigError) return error.message;
      throw error;
    }
  }

  async configureContainer(
    pod: Pod,
    container: Container,
    config: ContainerConfig,
    sandbox: PodSandboxStatus,
  ): Promise<ContainerConfig> {
    // The kubelet's config has the Services' variables, then env's plain values: keep the first.
    const own = new Set((container.env ?? []).map((variable) => variable.name));
    const serviceEnv = (config.env ?? []).filter((variable) => !own.has(variable.name));
    const env = containerEnvironment(pod, container, serviceEnv, this.sources(sandbox));
    const dirs = this.volumes.get(pod.metadata.uid!) ?? new Map<string, string>();
    return {
      ...config,
      env,
      command: expandCommand(config.command, env),
      args: expandCommand(config.args, env),
      mounts: containerMounts(container, dirs, apiDataVolumes(pod)),
    };
  }

  initPlan(
    pod: Pod,
    latest: ReadonlyMap<string, RuntimeContainerStatus | undefined>,
    unstarted?: ReadonlySet<string>,
  ): InitPlan {
    return init.initPlan(pod, latest, unstarted);
  }

  completeStatus(pod: Pod, status: PodStatus, initStatuses: ContainerStatus[]): PodStatus {
    const now = rfc3339((this.options.clock ?? systemClock).now());
    return init.completeStatus(pod, status, initStatuses, now);
  }

  stopOrder(pod: Pod | undefined, names: string[]): string[][] {
    return init.stopOrder(pod, names);
  }

  async cleanupPod(uid: string): Promise<void> {
    this.volumes.delete(uid);
    removePodVolumes(this.options.podsDir, uid);
  }
}

export function createPodConfiguration(options: PodConfigOptions): PodConfiguration {
  return new PodConfigurator(options);
}
