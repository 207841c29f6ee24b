// Mounting a claim: what the kubelet does with a pod's persistentVolumeClaim volume. The claim
// names a PersistentVolume once bound; the volume names a directory (hostPath or local) on the
// node. So the kubelet, before it sets up the pod's volumes, puts in place of each claim the
// directory of its volume, and sets up the rest as chapter 10a does:
//
//   volumes: [{ name: data, persistentVolumeClaim: { claimName: www-web-0 } }]
//        │ claim www-web-0 ──spec.volumeName──▶ volume pvc-1f2e… ──hostPath──▶ /…/n1/pvc-1f2e…
//        ▼
//   volumes: [{ name: data, hostPath: { path: /…/n1/pvc-1f2e…, type: DirectoryOrCreate } }]
//
// The directory outlives the pod: a new pod mounting the same claim finds the files the last one
// wrote. A claim not bound yet holds the pod's containers back (a FailedMount event), and the
// kubelet syncs the pod again when the claim or its volume changes.
import type { PersistentVolume, PersistentVolumeClaim, Pod } from '../../harness/api/types.ts';
import type { ApiClient, Informer, Toolkit } from '../../harness/client/types.ts';
import type { ClaimVolumes } from '../../harness/contracts/storage.ts';

/** Where the resolver reads claims and volumes: informers' caches, or maps in tests. */
export interface ClaimLookup {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
}

/** The directory a volume names on its node: its hostPath's or its local source's path. */
export function volumePath(volume: PersistentVolume): string | undefined {
  return volume.spec.hostPath?.path ?? volume.spec.local?.path;
}

/**
 * The directory of one claim of the pod, or why it cannot be mounted yet, in the kubelet's words:
 * the claim missing, not bound, its volume missing or of a kind this kubelet cannot mount.
 */
export function claimDirectory(
  namespace: string,
  claimName: string,
  lookup: ClaimLookup,
): { path: string } | { problem: string } {
  const claim = lookup.claim(namespace, claimName);
  if (!claim) return { problem: `persistentvolumeclaim "${claimName}" not found` };
  const volumeName = claim.spec.volumeName ?? '';
  if (claim.status?.phase !== 'Bound' || !volumeName) {
    const phase = claim.status?.phase ?? 'Pending';
    return {
      problem: `PVC ${namespace}/${claimName} has non-bound phase ("${phase}") or empty pvc.Spec.VolumeName ("${volumeName}")`,
    };
  }
  const volume = lookup.volume(volumeName);
  if (!volume) return { problem: `persistentvolume "${volumeName}" not found` };
  const path = volumePath(volume);
  if (!path) {
    return { problem: `persistentvolume "${volumeName}" has no hostPath or local directory` };
  }
  return { path };
}

/**
 * The pod with each persistentVolumeClaim volume replaced by a hostPath volume of its directory
 * (DirectoryOrCreate), or, when one claim is not ready, the message of the FailedMount event
 * naming the volume. (A mount is read-only by its volumeMount's readOnly, as for any volume.)
 */
export function resolveClaims(pod: Pod, lookup: ClaimLookup): Pod | string {
  const namespace = pod.metadata.namespace ?? 'default';
  const volumes = [];
  for (const volume of pod.spec.volumes ?? []) {
    const source = volume.persistentVolumeClaim;
    if (!source) {
      volumes.push(volume);
      continue;
    }
    const found = claimDirectory(namespace, source.claimName, lookup);
    if ('problem' in found) {
      return `MountVolume.SetUp failed for volume "${volume.name}" : ${found.problem}`;
    }
    volumes.push({ name: volume.name, hostPath: { path: found.path, type: 'DirectoryOrCreate' } });
  }
  return { ...pod, spec: { ...pod.spec, volumes } };
}

export interface ClaimVolumesOptions {
  toolkit: Toolkit;
  client: ApiClient;
}

/** The kubelet's side: informers on claims and volumes, and the pods waiting on each claim. */
export class ClaimVolumeResolver implements ClaimVolumes, ClaimLookup {
  readonly claims: Informer<PersistentVolumeClaim>;
  readonly volumes: Informer<PersistentVolume>;
  /** The pods (keys) mounting each claim ("namespace/name"), as resolve() has seen them. */
  private readonly consumers = new Map<string, Set<string>>();
  private synced: Promise<void> | undefined;

  constructor({ toolkit, client }: ClaimVolumesOptions) {
    this.claims = toolkit.createInformer(
      client.resource<PersistentVolumeClaim>('persistentvolumeclaims'),
    );
    this.volumes = toolkit.createInformer(client.resource<PersistentVolume>('persistentvolumes'));
  }

  claim(namespace: string, name: string): PersistentVolumeClaim | undefined {
    return this.claims.get(`${namespace}/${name}`);
  }

  volume(name: string): PersistentVolume | undefined {
    return this.volumes.get(name);
  }

  /** Watches claims and volumes; a change syncs the pods that mount the claim again. */
  async run(signal: AbortSignal, resync: (podKey: string) => void): Promise<void> {
    const changed = (claimKey: string | undefined) => {
      for (const podKey of this.consumers.get(claimKey ?? '') ?? []) resync(podKey);
    };
    const claimKey = (claim: PersistentVolumeClaim) =>
      `${claim.metadata.namespace}/${claim.metadata.name}`;
    this.claims.addEventHandlers({
      add: (claim) => changed(claimKey(claim)),
      update: (_, claim) => changed(claimKey(claim)),
    });
    const refOf = (volume: PersistentVolume) =>
      volume.spec.claimRef && `${volume.spec.claimRef.namespace}/${volume.spec.claimRef.name}`;
    this.volumes.addEventHandlers({
      add: (volume) => changed(refOf(volume)),
      update: (_, volume) => changed(refOf(volume)),
    });
    this.claims.run(signal);
    this.volumes.run(signal);
    this.synced = Promise.all([
      this.claims.waitForSync(signal),
      this.volumes.waitForSync(signal),
    ]).then(() => {});
    await this.synced.catch(() => {});
  }

  async resolve(pod: Pod): Promise<Pod | string> {
    if (!this.synced) throw new Error('ClaimVolumeResolver.run must be called before resolve');
    await this.synced;
    const namespace = pod.metadata.namespace ?? 'default';
    const podKey = `${namespace}/${pod.metadata.name}`;
    for (const volume of pod.spec.volumes ?? []) {
      if (!volume.persistentVolumeClaim) continue;
      const claimKey = `${namespace}/${volume.persistentVolumeClaim.claimName}`;
      this.consumers.set(claimKey, (this.consumers.get(claimKey) ?? new Set()).add(podKey));
    }
    return resolveClaims(pod, this);
  }
}

export function createClaimVolumes(options: ClaimVolumesOptions): ClaimVolumes {
  return new ClaimVolumeResolver(options);
}
