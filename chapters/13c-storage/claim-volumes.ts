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
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Mounting a claim';
import type { ClaimVolumes } from '../../harness/contracts/storage.ts';

/** Where the resolver reads claims and volumes: informers' caches, or maps in tests. */
export interface ClaimLookup {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
}

/** The directory a volume names on its node: its hostPath's or its local source's path. */
export function volumePath(volume: PersistentVolume): string | undefined {
  throw new NotImplemented('volumePath', section);
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
  throw new NotImplemented('claimDirectory', section);
}

/**
 * The pod with each persistentVolumeClaim volume replaced by a hostPath volume of its directory
 * (DirectoryOrCreate), or, when one claim is not ready, the message of the FailedMount event
 * naming the volume. (A mount is read-only by its volumeMount's readOnly, as for any volume.)
 */
export function resolveClaims(pod: Pod, lookup: ClaimLookup): Pod | string {
  throw new NotImplemented('resolveClaims', section);
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
    throw new NotImplemented('ClaimVolumeResolver.claim', section);
  }

  volume(name: string): PersistentVolume | undefined {
    throw new NotImplemented('ClaimVolumeResolver.volume', section);
  }

  /** Watches claims and volumes; a change syncs the pods that mount the claim again. */
  async run(signal: AbortSignal, resync: (podKey: string) => void): Promise<void> {
    throw new NotImplemented('ClaimVolumeResolver.run', section);
  }

  async resolve(pod: Pod): Promise<Pod | string> {
    throw new NotImplemented('ClaimVolumeResolver.resolve', section);
  }
}

export function createClaimVolumes(options: ClaimVolumesOptions): ClaimVolumes {
  throw new NotImplemented('createClaimVolumes', section);
}
