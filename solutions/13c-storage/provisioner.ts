// The local provisioner: volumes made on demand, a directory per claim on one node, as kind's
// local-path-provisioner makes them. It serves the class `standard`, the cluster's default:
//
//   StorageClass standard (default): provisioner kubekata.io/local-path,
//                                    volumeBindingMode WaitForFirstConsumer, reclaimPolicy Delete
//
//   claim of class standard, annotated selected-node=n1 (by the binder, once a pod using it is
//   placed on n1)
//     ──▶ mkdir <volumesDir>/n1/pvc-<uid>_<namespace>_<claim>
//     ──▶ PersistentVolume pvc-<uid>: that directory as a hostPath, reachable from n1 only
//         (nodeAffinity kubernetes.io/hostname In [n1]), its claimRef already naming the claim, so
//         the binder binds the two at once
//   a volume it made, Released, policy Delete ──▶ rm -r the directory, delete the volume
//
// Why WaitForFirstConsumer: a directory lives on one node, so it must be made where the pod will
// run, and only the scheduler knows that. Pods here are processes of one machine, so the
// provisioner reaches every node's directory itself; in a cluster it starts a helper pod on the
// node to do the same.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type {
  PersistentVolume,
  PersistentVolumeClaim,
  StorageClass,
} from '../../harness/api/types.ts';
import { isAlreadyExists, isNotFound } from '../../harness/client/errors.ts';
import type { ApiClient, Informer, Toolkit } from '../../harness/client/types.ts';
import { claimRefFor, provisionedByAnnotation, selectedNodeAnnotation } from './binder.ts';
import { claimClass, defaultClassAnnotation } from './matching.ts';

export interface ProvisionerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  /** Where the volumes' directories are made: <volumesDir>/<node>/<volume>_<namespace>_<claim>. */
  volumesDir: string;
}

/** The provisioner's name, which a StorageClass names to have its volumes made here. */
export const localPathProvisioner = 'kubekata.io/local-path';

/** The class every cluster starts with, and the default: as kind's `standard`. */
export function standardStorageClass(): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'standard', annotations: { [defaultClassAnnotation]: 'true' } },
    provisioner: localPathProvisioner,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  };
}

/**
 * The node to make a volume on for this claim, or undefined when there is nothing to do: the
 * claim has a volume already, its class is not this provisioner's, or no node was selected yet.
 */
export function nodeToProvisionOn(
  claim: PersistentVolumeClaim,
  storageClass: StorageClass | undefined,
): string | undefined {
  if (claim.spec.volumeName || claim.metadata.deletionTimestamp) return undefined;
  if (storageClass?.provisioner !== localPathProvisioner) return undefined;
  return claim.metadata.annotations?.[selectedNodeAnnotation];
}

/** The name of the volume made for a claim: pvc-<the claim's uid>, as provisioners name them. */
export function provisionedVolumeName(claim: PersistentVolumeClaim): string {
  return `pvc-${claim.metadata.uid}`;
}

/** The directory of a claim's volume on a node. */
export function localVolumePath(
  volumesDir: string,
  nodeName: string,
  claim: PersistentVolumeClaim,
): string {
  const { namespace, name } = claim.metadata;
  return join(volumesDir, nodeName, `${provisionedVolumeName(claim)}_${namespace}_${name}`);
}

/**
 * The PersistentVolume made for a claim on a node: the claim's size and access modes, the class's
 * name and reclaim policy, the directory as a hostPath, reachable from that node only, and a
 * claimRef to the claim (it is made for that claim and no other).
 */
export function localVolumeFor(
  claim: PersistentVolumeClaim,
  storageClass: StorageClass,
  nodeName: string,
  volumesDir: string,
): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: provisionedVolumeName(claim),
      annotations: { [provisionedByAnnotation]: localPathProvisioner },
    },
    spec: {
      capacity: { storage: claim.spec.resources?.requests?.storage ?? '0' },
      accessModes: claim.spec.accessModes ?? ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: storageClass.reclaimPolicy ?? 'Delete',
      storageClassName: storageClass.metadata.name!,
      volumeMode: 'Filesystem',
      claimRef: claimRefFor(claim),
      hostPath: { path: localVolumePath(volumesDir, nodeName, claim), type: 'DirectoryOrCreate' },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: 'kubernetes.io/hostname', operator: 'In', values: [nodeName] },
              ],
            },
          ],
        },
      },
    },
  };
}

/** Whether the provisioner erases this volume now: its own, Released, with policy Delete. */
export function shouldDelete(volume: PersistentVolume): boolean {
  return (
    volume.metadata.annotations?.[provisionedByAnnotation] === localPathProvisioner &&
    volume.status?.phase === 'Released' &&
    volume.spec.persistentVolumeReclaimPolicy === 'Delete'
  );
}

export class LocalProvisioner {
  private readonly options: ProvisionerOptions;
  readonly claims: Informer<PersistentVolumeClaim>;
  readonly volumes: Informer<PersistentVolume>;
  readonly classes: Informer<StorageClass>;

  constructor(options: ProvisionerOptions) {
    this.options = options;
    const { toolkit, client } = options;
    this.claims = toolkit.createInformer(
      client.resource<PersistentVolumeClaim>('persistentvolumeclaims'),
    );
    this.volumes = toolkit.createInformer(client.resource<PersistentVolume>('persistentvolumes'));
    this.classes = toolkit.createInformer(client.resource<StorageClass>('storageclasses'));
  }

  /** Makes sure the class `standard` exists (as a cluster add-on would), then provisions. */
  async run(signal: AbortSignal): Promise<void> {
    const { toolkit } = this.options;
    await this.ensureStandardClass();
    const controller = toolkit.createController({
      name: 'local-path-provisioner',
      reconcile: (key) => this.reconcile(key),
    });
    controller.watch(this.claims, (claim) => [`claim/${toolkit.keyOf(claim)}`]);
    controller.watch(this.volumes, (volume) => [`volume/${volume.metadata.name}`]);
    controller.watch(this.classes, () =>
      this.claims.list().map((claim) => `claim/${toolkit.keyOf(claim)}`),
    );
    await controller.run(signal);
  }

  /** Creates the class `standard`; one already there (the user's, perhaps changed) is kept. */
  async ensureStandardClass(): Promise<void> {
    try {
      await this.options.client
        .resource<StorageClass>('storageclasses')
        .create(standardStorageClass());
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
    }
  }

  async reconcile(key: string): Promise<void> {
    const [kind, ...rest] = key.split('/');
    if (kind === 'claim') await this.provision(rest.join('/'));
    else if (kind === 'volume') await this.reclaim(rest.join('/'));
  }

  /** Makes the directory and the volume for one claim, when it is this provisioner's to make. */
  async provision(key: string): Promise<void> {
    const claim = this.claims.get(key);
    if (!claim) return;
    const storageClass = this.classes.get(claimClass(claim));
    const nodeName = nodeToProvisionOn(claim, storageClass);
    if (!nodeName || this.volumes.get(provisionedVolumeName(claim))) return;
    const volume = localVolumeFor(claim, storageClass!, nodeName, this.options.volumesDir);
    mkdirSync(volume.spec.hostPath!.path, { recursive: true });
    try {
      await this.options.client.resource<PersistentVolume>('persistentvolumes').create(volume);
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
    }
  }

  /** Erases a Released volume of policy Delete that it made: its directory, then the object. */
  async reclaim(name: string): Promise<void> {
    const volume = this.volumes.get(name);
    if (!volume || !shouldDelete(volume)) return;
    if (volume.spec.hostPath) rmSync(volume.spec.hostPath.path, { recursive: true, force: true });
    try {
      await this.options.client.resource('persistentvolumes').delete(name);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

export function createLocalProvisioner(options: ProvisionerOptions): LocalProvisioner {
  return new LocalProvisioner(options);
}
