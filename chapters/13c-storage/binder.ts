// The PersistentVolume binder: kube-controller-manager's persistentvolume-binder in small. It
// keeps claims and volumes paired, and says where each volume is in its life:
//
//   claim Pending ──findBestVolume──▶ volume.spec.claimRef = claim   (the volume is reserved)
//                                     claim.spec.volumeName = volume  (both Bound)
//   claim without a class ──────────▶ the default StorageClass's name written in
//   claim of a WaitForFirstConsumer class, no volume fits, a pod using it placed on a node
//                         ──────────▶ annotation volume.kubernetes.io/selected-node: that node
//                                     (the provisioner, provisioner.ts, makes a volume there)
//   claim deleted ──────────────────▶ its volume Released; then its reclaim policy: Retain keeps
//                                     it Released (an administrator decides), Delete removes it
//                                     (its provisioner does: the binder cannot erase storage)
//
// It is a chapter 04 controller: informers on claims, volumes, classes and pods feed one work
// queue whose keys say which kind they name: "claim/<namespace>/<name>" or "volume/<name>".
import type {
  ObjectReference,
  PersistentVolume,
  PersistentVolumeClaim,
  PersistentVolumePhase,
  Pod,
  StorageClass,
} from '../../harness/api/types.ts';
import { isNotFound } from '../../harness/client/errors.ts';
import type { ApiClient, Informer, Toolkit } from '../../harness/client/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ The binder';
import { claimClass, defaultClassAnnotation, findBestVolume } from './matching.ts';

export interface BinderOptions {
  toolkit: Toolkit;
  client: ApiClient;
}

/** Set on a claim the binder bound: the binding is complete. */
export const bindCompletedAnnotation = 'pv.kubernetes.io/bind-completed';
/** The node the claim's first pod was placed on: where a WaitForFirstConsumer volume is made. */
export const selectedNodeAnnotation = 'volume.kubernetes.io/selected-node';
/** Set on a volume by the provisioner that made it. */
export const provisionedByAnnotation = 'pv.kubernetes.io/provisioned-by';

/** The reference a volume keeps to its claim: kind, namespace, name and uid. */
export function claimRefFor(claim: PersistentVolumeClaim): ObjectReference {
  throw new NotImplemented('claimRefFor', section);
}

/**
 * A volume's phase, from its claimRef and the claim found under it (undefined: none): no claimRef
 * is Available; a claimRef to a claim that exists (with the same uid, when the ref has one) is
 * Bound; a claimRef whose claim is gone, or was replaced by a new claim of the same name, is
 * Released. A Failed volume stays Failed.
 */
export function volumePhase(
  volume: PersistentVolume,
  claim: PersistentVolumeClaim | undefined,
): PersistentVolumePhase {
  throw new NotImplemented('volumePhase', section);
}

/** The cluster's default class: the one annotated is-default-class "true" (the newest, if several). */
export function defaultStorageClass(classes: readonly StorageClass[]): StorageClass | undefined {
  throw new NotImplemented('defaultStorageClass', section);
}

/** The names of the claims a pod mounts, as "namespace/name" keys. */
export function claimKeysOf(pod: Pod): string[] {
  throw new NotImplemented('claimKeysOf', section);
}

/** The finalizer that keeps a claim while a pod uses it (kube's pvc-protection controller). */
export const pvcProtectionFinalizer = 'kubernetes.io/pvc-protection';
/** The finalizer that keeps a volume while a claim is bound to it (kube's pv-protection controller). */
export const pvProtectionFinalizer = 'kubernetes.io/pv-protection';

/**
 * Whether `pod` keeps the claim `key` ("namespace/name") in use: it mounts it (claimKeysOf), it is
 * on a node, and its phase is not Succeeded or Failed. A pod not yet placed does not.
 */
export function podUsesClaim(pod: Pod, key: string): boolean {
  throw new NotImplemented('podUsesClaim', section);
}

export class PersistentVolumeBinder {
  private readonly options: BinderOptions;
  readonly claims: Informer<PersistentVolumeClaim>;
  readonly volumes: Informer<PersistentVolume>;
  readonly classes: Informer<StorageClass>;
  readonly pods: Informer<Pod>;

  constructor(options: BinderOptions) {
    this.options = options;
    const { toolkit, client } = options;
    this.claims = toolkit.createInformer(
      client.resource<PersistentVolumeClaim>('persistentvolumeclaims'),
    );
    this.volumes = toolkit.createInformer(client.resource<PersistentVolume>('persistentvolumes'));
    this.classes = toolkit.createInformer(client.resource<StorageClass>('storageclasses'));
    this.pods = toolkit.createInformer(client.resource<Pod>('pods'));
  }

  /** The keys of the claims still waiting for a volume: a new volume or class may serve them. */
  private pendingClaimKeys(): string[] {
    return this.claims
      .list()
      .filter((claim) => !claim.spec.volumeName)
      .map((claim) => `claim/${this.options.toolkit.keyOf(claim)}`);
  }

  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('PersistentVolumeBinder.run', section);
  }

  /** One key: a claim's or a volume's. */
  async reconcile(key: string): Promise<void> {
    throw new NotImplemented('PersistentVolumeBinder.reconcile', section);
  }

  /**
   * Brings one claim a step toward Bound. A claim being deleted: releaseProtection, nothing else.
   * A claim without the pvc-protection finalizer: protect it first.
   */
  async syncClaim(key: string): Promise<void> {
    throw new NotImplemented('PersistentVolumeBinder.syncClaim', section);
  }

  /**
   * Adds pvcProtectionFinalizer to the claim's finalizers, unless it is there already or the claim
   * is being deleted (kube's pvc-protection controller does this for a claim that lacks it; the
   * API server puts it on new claims, as kube's StorageObjectInUseProtection admission plugin does).
   */
  async protect(claim: PersistentVolumeClaim): Promise<void> {
    throw new NotImplemented('PersistentVolumeBinder.protect', section);
  }

  /**
   * A claim being deleted that has the finalizer: when no pod uses it (podUsesClaim), first by the
   * pods informer, then by a live list of its namespace's pods, the finalizer is removed.
   */
  async releaseProtection(claim: PersistentVolumeClaim): Promise<void> {
    throw new NotImplemented('PersistentVolumeBinder.releaseProtection', section);
  }

  /** A new claim says Pending until it is bound (kube-apiserver sets it; this API server does not). */
  async markPending(claim: PersistentVolumeClaim): Promise<void> {
    throw new NotImplemented('PersistentVolumeBinder.markPending', section);
  }

  /**
   * A claim that names no class gets the default class, as Kubernetes does since 1.28 (the
   * DefaultStorageClass admission plugin does it at creation, the binder for claims made before
   * a default existed). Without a default it waits.
   */
  async assignDefaultClass(claim: PersistentVolumeClaim): Promise<void> {
    throw new NotImplemented('PersistentVolumeBinder.assignDefaultClass', section);
  }

  /**
   * Binds a volume and a claim: first the volume's claimRef (so no other claim can take it), its
   * phase Bound; then the claim's volumeName and bind-completed annotation, its phase Bound with
   * the volume's capacity and access modes. Each write is its own; a failure between them leaves a
   * reserved volume, which the retry finds first.
   */
  async bind(volume: PersistentVolume, claim: PersistentVolumeClaim): Promise<void> {
    throw new NotImplemented('PersistentVolumeBinder.bind', section);
  }

  /**
   * A claim of a WaitForFirstConsumer class waits for a pod: once a pod that mounts it is placed on
   * a node, the claim is annotated with that node, for the provisioner. (kube-scheduler's
   * VolumeBinding plugin writes this annotation before it binds the pod; here the binder writes it
   * just after, so the scheduler of chapter 05 stays as it is.)
   */
  async selectNodeForClaim(claim: PersistentVolumeClaim): Promise<void> {
    throw new NotImplemented('PersistentVolumeBinder.selectNodeForClaim', section);
  }

  /**
   * Brings one volume's phase up to date with its claim. A volume being deleted: releaseVolume
   * with its phase (volumePhase), nothing else. A volume without the pv-protection finalizer:
   * protectVolume first. A Released volume whose policy is Delete and that no provisioner made
   * cannot be erased by anyone: it becomes Failed, saying so.
   */
  async syncVolume(name: string): Promise<void> {
    throw new NotImplemented('PersistentVolumeBinder.syncVolume', section);
  }

  /**
   * Adds pvProtectionFinalizer to the volume's finalizers, unless it is there already or the
   * volume is being deleted (kube's pv-protection controller does this for a volume that lacks it).
   */
  async protectVolume(volume: PersistentVolume): Promise<void> {
    throw new NotImplemented('PersistentVolumeBinder.protectVolume', section);
  }

  /**
   * A volume being deleted that has the finalizer: unless `phase` is Bound (a claim still holds
   * it), the finalizer is removed, which lets the API server remove the volume.
   */
  async releaseVolume(volume: PersistentVolume, phase: PersistentVolumePhase): Promise<void> {
    throw new NotImplemented('PersistentVolumeBinder.releaseVolume', section);
  }

  private async setVolumePhase(name: string, phase: PersistentVolumePhase, message?: string) {
    const volume = this.volumes.get(name) ?? { metadata: { name }, spec: {} };
    await this.update(
      'persistentvolumes',
      volume as PersistentVolume,
      (current: PersistentVolume) => {
        if (current.status?.phase === phase) return false;
        current.status = { phase, ...(message ? { message } : {}) };
      },
      true,
    );
  }

  /** Reads, changes and writes one object (retrying conflicts); a deleted one is left alone. */
  private async update<T extends PersistentVolume | PersistentVolumeClaim>(
    resource: 'persistentvolumes' | 'persistentvolumeclaims',
    object: T,
    mutate: (current: T) => boolean | void,
    status = false,
  ): Promise<void> {
    const { toolkit, client } = this.options;
    const resourceClient = client.resource<T>(resource, object.metadata.namespace);
    try {
      await toolkit.updateWithRetry(resourceClient, object.metadata.name!, mutate, { status });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

export function createPersistentVolumeBinder(options: BinderOptions): PersistentVolumeBinder {
  throw new NotImplemented('createPersistentVolumeBinder', section);
}
