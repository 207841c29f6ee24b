// Scheduling with claims: kube-scheduler's VolumeBinding filter in small. A pod that mounts a
// claim can only run where the claim's volume can be reached, so the scheduler asks, for each
// node, whether every claim of the pod allows it:
//
//   claim not there ─────────────────────────▶ persistentvolumeclaim "data" not found
//   claim bound, volume reachable from node ─▶ fits      (a volume without nodeAffinity: any node)
//   claim bound, volume elsewhere ───────────▶ node(s) had volume node affinity conflict
//   claim unbound, class WaitForFirstConsumer ▶ fits      (its volume will be made where it lands)
//   claim unbound, any other class ──────────▶ pod has unbound immediate PersistentVolumeClaims
//
// The scheduler of chapter 05 takes filters as plain functions of a pod and a node; this file
// gives it one, reading claims, volumes and classes from informers of its own.
import type {
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  StorageClass,
} from '../../harness/api/types.ts';
import type { ApiClient, Informer, Toolkit } from '../../harness/client/types.ts';
import type { FilterNode } from '../../harness/contracts/scheduler.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Scheduling with claims';
import { claimClass, volumeReachableFrom } from './matching.ts';

/** Where the filter reads claims, volumes and classes: informers' caches, or maps in tests. */
export interface StorageLookup {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
  storageClass(name: string): StorageClass | undefined;
}

/** Whether a claim waits for its first pod to be placed before a volume is bound or made. */
export function waitsForFirstConsumer(
  claim: PersistentVolumeClaim,
  lookup: StorageLookup,
): boolean {
  throw new NotImplemented('waitsForFirstConsumer', section);
}

/** Why one claim of the pod keeps it off `node`: a reason in kube-scheduler's words, or none. */
export function claimReason(
  namespace: string,
  claimName: string,
  node: Node,
  lookup: StorageLookup,
): string | undefined {
  throw new NotImplemented('claimReason', section);
}

/** Every distinct reason the pod's claims keep it off `node`; none: it fits. */
export function volumeBindingReasons(pod: Pod, node: Node, lookup: StorageLookup): string[] {
  throw new NotImplemented('volumeBindingReasons', section);
}

export interface VolumeBindingOptions {
  toolkit: Toolkit;
  client: ApiClient;
}

/** The filter, over informers on claims, volumes and classes: run() before the scheduler runs. */
export class VolumeBinding implements StorageLookup {
  readonly claims: Informer<PersistentVolumeClaim>;
  readonly volumes: Informer<PersistentVolume>;
  readonly classes: Informer<StorageClass>;

  constructor({ toolkit, client }: VolumeBindingOptions) {
    this.claims = toolkit.createInformer(
      client.resource<PersistentVolumeClaim>('persistentvolumeclaims'),
    );
    this.volumes = toolkit.createInformer(client.resource<PersistentVolume>('persistentvolumes'));
    this.classes = toolkit.createInformer(client.resource<StorageClass>('storageclasses'));
  }

  claim(namespace: string, name: string): PersistentVolumeClaim | undefined {
    throw new NotImplemented('VolumeBinding.claim', section);
  }

  volume(name: string): PersistentVolume | undefined {
    throw new NotImplemented('VolumeBinding.volume', section);
  }

  storageClass(name: string): StorageClass | undefined {
    throw new NotImplemented('VolumeBinding.storageClass', section);
  }

  /** The scheduler's filter: a plain function, as chapter 05's filters are. */
  readonly filter = (pod: Pod, node: FilterNode): string[] =>
    volumeBindingReasons(pod, node.node, this);

  /** Fills the caches and keeps them current; resolves once all three are synced. */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('VolumeBinding.run', section);
  }
}

export function createVolumeBinding(options: VolumeBindingOptions): VolumeBinding {
  throw new NotImplemented('createVolumeBinding', section);
}
