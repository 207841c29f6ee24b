// The PersistentVolume binder: kube-controller-manager's persistentvolume-binder in small. It
// keeps claims and volumes paired, and says where each volume is in its life:
//
//   claim Pending ──findBestVolume──▶ volume.spec.claimRef = claim   (the volume is reserved)
//                                     claim.spec.volumeName = volume  (both Bound)
//   claim without a class ──────────▶ the default StorageClass's name written in
//   claim of a WaitForFirstConsumer class, no volume fits, a pod using it placed on a node
//                         ──────────▶ annotation volume.kubernetes.io/selected-node: that node
//                                     (the provisioner, provisioner.ts, makes a volume there)
//   claim in use by a pod ──────────▶ finalizer kubernetes.io/pvc-protection: a delete only marks
//                                     it, and it goes when no running pod mounts it any more
//   volume not Bound ───────────────▶ finalizer kubernetes.io/pv-protection comes off when it is
//                                     deleted; a Bound volume deleted waits for its claim to go
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
  return {
    kind: 'PersistentVolumeClaim',
    apiVersion: 'v1',
    namespace: claim.metadata.namespace,
    name: claim.metadata.name,
    uid: claim.metadata.uid,
  };
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
  if (volume.status?.phase === 'Failed') return 'Failed';
  const ref = volume.spec.claimRef;
  if (!ref) return 'Available';
  if (!claim) return 'Released';
  if (ref.uid && ref.uid !== claim.metadata.uid) return 'Released';
  return 'Bound';
}

/** The cluster's default class: the one annotated is-default-class "true" (the newest, if several). */
export function defaultStorageClass(classes: readonly StorageClass[]): StorageClass | undefined {
  const defaults = classes.filter(
    (storageClass) => storageClass.metadata.annotations?.[defaultClassAnnotation] === 'true',
  );
  return defaults.sort((a, b) =>
    (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''),
  )[0];
}

/** The names of the claims a pod mounts, as "namespace/name" keys. */
export function claimKeysOf(pod: Pod): string[] {
  const namespace = pod.metadata.namespace ?? 'default';
  return (pod.spec.volumes ?? []).flatMap((volume) =>
    volume.persistentVolumeClaim ? [`${namespace}/${volume.persistentVolumeClaim.claimName}`] : [],
  );
}

/** The finalizer that keeps a claim while a pod uses it (kube's pvc-protection controller). */
export const pvcProtectionFinalizer = 'kubernetes.io/pvc-protection';
/** The finalizer that keeps a volume while a claim is bound to it (kube's pv-protection controller). */
export const pvProtectionFinalizer = 'kubernetes.io/pv-protection';

/**
 * Whether `pod` keeps the claim `key` ("namespace/name") in use: it mounts it, it is on a node,
 * and it has not finished. A pod not yet placed does not: the scheduler places no pod whose claim
 * is being deleted (chapter 13c's VolumeBinding filter).
 */
export function podUsesClaim(pod: Pod, key: string): boolean {
  const phase = pod.status?.phase;
  if (!pod.spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return false;
  return claimKeysOf(pod).includes(key);
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
    const { toolkit } = this.options;
    const controller = toolkit.createController({
      name: 'persistentvolume-binder',
      reconcile: (key) => this.reconcile(key),
    });
    controller.watch(this.claims, (claim) => [
      `claim/${toolkit.keyOf(claim)}`,
      ...(claim.spec.volumeName ? [`volume/${claim.spec.volumeName}`] : []),
    ]);
    controller.watch(this.volumes, (volume) => {
      const ref = volume.spec.claimRef;
      const own = ref ? [`claim/${ref.namespace}/${ref.name}`] : this.pendingClaimKeys();
      return [`volume/${volume.metadata.name}`, ...own];
    });
    controller.watch(this.classes, () => this.pendingClaimKeys());
    controller.watch(this.pods, (pod) =>
      pod.spec.nodeName ? claimKeysOf(pod).map((key) => `claim/${key}`) : [],
    );
    await controller.run(signal);
  }

  /** One key: a claim's or a volume's. */
  async reconcile(key: string): Promise<void> {
    const [kind, ...rest] = key.split('/');
    if (kind === 'claim') await this.syncClaim(rest.join('/'));
    else if (kind === 'volume') await this.syncVolume(rest.join('/'));
  }

  /** Brings one claim a step toward Bound. */
  async syncClaim(key: string): Promise<void> {
    const claim = this.claims.get(key);
    if (!claim) return;
    if (claim.metadata.deletionTimestamp) return this.releaseProtection(claim);
    if (!claim.metadata.finalizers?.includes(pvcProtectionFinalizer)) await this.protect(claim);
    if (!claim.status?.phase) await this.markPending(claim);
    if (claim.spec.storageClassName === undefined || claim.spec.storageClassName === null) {
      await this.assignDefaultClass(claim);
      return;
    }
    if (claim.status?.phase === 'Bound' && claim.spec.volumeName) return;
    const volume = claim.spec.volumeName
      ? this.volumes.get(claim.spec.volumeName)
      : findBestVolume(claim, this.volumes.list());
    if (volume) {
      await this.bind(volume, claim);
      return;
    }
    await this.selectNodeForClaim(claim);
  }

  /**
   * Puts the pvc-protection finalizer on a claim that lacks it. The API server puts it on at
   * creation, as kube-apiserver's StorageObjectInUseProtection admission plugin does, so a claim
   * deleted before the binder saw it still waits for its pods; this is kube's pvc-protection
   * controller's part, for claims made before.
   */
  async protect(claim: PersistentVolumeClaim): Promise<void> {
    await this.update('persistentvolumeclaims', claim, (current: PersistentVolumeClaim) => {
      const finalizers = current.metadata.finalizers ?? [];
      if (current.metadata.deletionTimestamp || finalizers.includes(pvcProtectionFinalizer))
        return false;
      current.metadata.finalizers = [...finalizers, pvcProtectionFinalizer];
    });
  }

  /**
   * A claim being deleted loses its pvc-protection finalizer (and so goes) once no pod uses it:
   * first as the pods informer sees them, then, as kube's controller does, by a live list of the
   * namespace's pods, since a cache a moment behind could miss a pod that just started.
   */
  async releaseProtection(claim: PersistentVolumeClaim): Promise<void> {
    if (!claim.metadata.finalizers?.includes(pvcProtectionFinalizer)) return;
    const key = this.options.toolkit.keyOf(claim);
    if (this.pods.list().some((pod) => podUsesClaim(pod, key))) return;
    const live = await this.options.client.resource<Pod>('pods', claim.metadata.namespace).list();
    if (live.items.some((pod) => podUsesClaim(pod, key))) return;
    await this.update('persistentvolumeclaims', claim, (current: PersistentVolumeClaim) => {
      const finalizers = current.metadata.finalizers ?? [];
      if (!finalizers.includes(pvcProtectionFinalizer)) return false;
      current.metadata.finalizers = finalizers.filter((name) => name !== pvcProtectionFinalizer);
    });
  }

  /** A new claim says Pending until it is bound (kube-apiserver sets it; this API server does not). */
  async markPending(claim: PersistentVolumeClaim): Promise<void> {
    await this.update(
      'persistentvolumeclaims',
      claim,
      (current: PersistentVolumeClaim) => {
        if (current.status?.phase) return false;
        current.status = { ...current.status, phase: 'Pending' };
      },
      true,
    );
  }

  /**
   * A claim that names no class gets the default class, as Kubernetes does since 1.28 (the
   * DefaultStorageClass admission plugin does it at creation, the binder for claims made before
   * a default existed). Without a default it waits.
   */
  async assignDefaultClass(claim: PersistentVolumeClaim): Promise<void> {
    const chosen = defaultStorageClass(this.classes.list());
    if (!chosen) return;
    await this.update('persistentvolumeclaims', claim, (current: PersistentVolumeClaim) => {
      if (current.spec.storageClassName !== undefined && current.spec.storageClassName !== null)
        return false;
      current.spec.storageClassName = chosen.metadata.name!;
    });
  }

  /**
   * Binds a volume and a claim: first the volume's claimRef (so no other claim can take it), its
   * phase Bound; then the claim's volumeName and bind-completed annotation, its phase Bound with
   * the volume's capacity and access modes. Each write is its own; a failure between them leaves a
   * reserved volume, which the retry finds first.
   */
  async bind(volume: PersistentVolume, claim: PersistentVolumeClaim): Promise<void> {
    const ref = claimRefFor(claim);
    await this.update('persistentvolumes', volume, (current: PersistentVolume) => {
      if (current.spec.claimRef?.uid === ref.uid) return false;
      current.spec.claimRef = ref;
    });
    await this.setVolumePhase(volume.metadata.name!, 'Bound');
    await this.update('persistentvolumeclaims', claim, (current: PersistentVolumeClaim) => {
      const annotations = current.metadata.annotations ?? {};
      if (current.spec.volumeName === volume.metadata.name && annotations[bindCompletedAnnotation])
        return false;
      current.spec.volumeName = volume.metadata.name!;
      current.metadata.annotations = { ...annotations, [bindCompletedAnnotation]: 'yes' };
    });
    await this.update(
      'persistentvolumeclaims',
      claim,
      (current: PersistentVolumeClaim) => {
        if (current.status?.phase === 'Bound') return false;
        current.status = {
          phase: 'Bound',
          accessModes: volume.spec.accessModes ?? [],
          capacity: volume.spec.capacity ?? {},
        };
      },
      true,
    );
  }

  /**
   * A claim of a WaitForFirstConsumer class waits for a pod: once a pod that mounts it is placed on
   * a node, the claim is annotated with that node, for the provisioner. (kube-scheduler's
   * VolumeBinding plugin writes this annotation before it binds the pod; here the binder writes it
   * just after, so the scheduler of chapter 05 stays as it is.)
   */
  async selectNodeForClaim(claim: PersistentVolumeClaim): Promise<void> {
    if (claim.metadata.annotations?.[selectedNodeAnnotation]) return;
    const storageClass = this.classes.get(claimClass(claim));
    if (storageClass?.volumeBindingMode !== 'WaitForFirstConsumer') return;
    const key = this.options.toolkit.keyOf(claim);
    const consumer = this.pods
      .list()
      .find((pod) => pod.spec.nodeName && claimKeysOf(pod).includes(key));
    if (!consumer) return;
    await this.update('persistentvolumeclaims', claim, (current: PersistentVolumeClaim) => {
      if (current.metadata.annotations?.[selectedNodeAnnotation]) return false;
      current.metadata.annotations = {
        ...current.metadata.annotations,
        [selectedNodeAnnotation]: consumer.spec.nodeName!,
      };
    });
  }

  /**
   * Brings one volume's phase up to date with its claim. A Released volume whose policy is Delete
   * and that no provisioner made cannot be erased by anyone: it becomes Failed, saying so.
   */
  async syncVolume(name: string): Promise<void> {
    const volume = this.volumes.get(name);
    if (!volume) return;
    const ref = volume.spec.claimRef;
    const claim = ref ? this.claims.get(`${ref.namespace}/${ref.name}`) : undefined;
    const phase = volumePhase(volume, claim);
    if (volume.metadata.deletionTimestamp) return this.releaseVolume(volume, phase);
    if (!volume.metadata.finalizers?.includes(pvProtectionFinalizer))
      await this.protectVolume(volume);
    const policy = volume.spec.persistentVolumeReclaimPolicy ?? 'Retain';
    const provisioned = volume.metadata.annotations?.[provisionedByAnnotation];
    if (phase === 'Released' && policy === 'Delete' && !provisioned) {
      const message = `error getting deleter volume plugin for volume "${name}": no deletable volume plugin matched`;
      await this.setVolumePhase(name, 'Failed', message);
      return;
    }
    if (phase !== volume.status?.phase) await this.setVolumePhase(name, phase);
  }

  /**
   * Puts the pv-protection finalizer on a volume that lacks it (the API server puts it on at
   * creation, as kube's StorageObjectInUseProtection admission plugin does; this is for older ones).
   */
  async protectVolume(volume: PersistentVolume): Promise<void> {
    await this.update('persistentvolumes', volume, (current: PersistentVolume) => {
      const finalizers = current.metadata.finalizers ?? [];
      if (current.metadata.deletionTimestamp || finalizers.includes(pvProtectionFinalizer))
        return false;
      current.metadata.finalizers = [...finalizers, pvProtectionFinalizer];
    });
  }

  /**
   * A volume being deleted loses its pv-protection finalizer (and so goes) once it is not Bound:
   * a claim still bound to it keeps it, as kube's pv-protection controller does.
   */
  async releaseVolume(volume: PersistentVolume, phase: PersistentVolumePhase): Promise<void> {
    if (phase === 'Bound' || !volume.metadata.finalizers?.includes(pvProtectionFinalizer)) return;
    await this.update('persistentvolumes', volume, (current: PersistentVolume) => {
      const finalizers = current.metadata.finalizers ?? [];
      if (!finalizers.includes(pvProtectionFinalizer)) return false;
      current.metadata.finalizers = finalizers.filter((each) => each !== pvProtectionFinalizer);
    });
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
  return new PersistentVolumeBinder(options);
}
