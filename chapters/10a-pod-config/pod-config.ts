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
import { consumedObjects, containerMounts, removePodVolumes, setUpVolumes } from './volumes.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Inside the kubelet';

export type { PodConfigOptions } from '../../harness/contracts/pod-config.ts';

export class PodConfigurator implements PodConfiguration {
  async run(signal: AbortSignal, resync: (podKey: string) => void): Promise<void> {
    throw new NotImplemented('PodConfigurator.run', section);
  }

  async preparePod(pod: Pod, sandbox: PodSandboxStatus): Promise<string | undefined> {
    throw new NotImplemented('PodConfigurator.preparePod', section);
  }

  async configureContainer(
    pod: Pod,
    container: Container,
    config: ContainerConfig,
    sandbox: PodSandboxStatus,
  ): Promise<ContainerConfig> {
    throw new NotImplemented('PodConfigurator.configureContainer', section);
  }

  initPlan(
    pod: Pod,
    latest: ReadonlyMap<string, RuntimeContainerStatus | undefined>,
    unstarted?: ReadonlySet<string>,
  ): InitPlan {
    throw new NotImplemented('PodConfigurator.initPlan', section);
  }

  completeStatus(pod: Pod, status: PodStatus, initStatuses: ContainerStatus[]): PodStatus {
    throw new NotImplemented('PodConfigurator.completeStatus', section);
  }

  stopOrder(pod: Pod | undefined, names: string[]): string[][] {
    throw new NotImplemented('PodConfigurator.stopOrder', section);
  }

  async cleanupPod(uid: string): Promise<void> {
    throw new NotImplemented('PodConfigurator.cleanupPod', section);
  }
}

export function createPodConfiguration(options: PodConfigOptions): PodConfiguration {
  throw new NotImplemented('createPodConfiguration', section);
}
