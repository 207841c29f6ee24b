// The binder: first the pure parts (the claimRef, a volume's phase, the default class, a pod's
// claims), then the loop against the reference API server: claims and volumes bound both ways,
// the default class given, volumes released and reclaimed, and a node selected for a claim that
// waits for its first pod.
import { describe, expect, test } from 'vitest';
import { exampleClaim, examplePod, exampleVolume } from '../../harness/api/examples.ts';
import type {
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  StorageClass,
} from '../../harness/api/types.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import {
  claimKeysOf,
  claimRefFor,
  createPersistentVolumeBinder,
  defaultStorageClass,
  podUsesClaim,
  pvcProtectionFinalizer,
  pvProtectionFinalizer,
  selectedNodeAnnotation,
  volumePhase,
} from './binder.ts';

const scope = testScope();

/** A server and a running binder, with clients for volumes, claims, classes and pods. */
async function setUp() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  inBackground(createPersistentVolumeBinder({ toolkit, client }).run(scope.stopper().signal));
  return {
    volumes: client.resource<PersistentVolume>('persistentvolumes'),
    claims: client.resource<PersistentVolumeClaim>('persistentvolumeclaims', 'default'),
    classes: client.resource<StorageClass>('storageclasses'),
    pods: client.resource<Pod>('pods', 'default'),
    client,
  };
}

/** A StorageClass `name`, the default one when `isDefault`. */
function storageClass(
  name: string,
  isDefault: boolean,
  mode: StorageClass['volumeBindingMode'] = 'Immediate',
): StorageClass {
  const annotations: Record<string, string> = isDefault
    ? { 'storageclass.kubernetes.io/is-default-class': 'true' }
    : {};
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, annotations },
    provisioner: 'example.com/none',
    volumeBindingMode: mode,
  };
}

/** The claim with a uid, as the server gives it. */
function stored(claim: PersistentVolumeClaim, uid = 'uid-1'): PersistentVolumeClaim {
  return { ...claim, metadata: { ...claim.metadata, uid } };
}

describe('The binder', () => {
  test("a volume's claimRef names the claim's kind, namespace, name and uid", () => {
    expect(claimRefFor(stored(exampleClaim('data'))), 'the claimRef of default/data').toEqual({
      kind: 'PersistentVolumeClaim',
      apiVersion: 'v1',
      namespace: 'default',
      name: 'data',
      uid: 'uid-1',
    });
  });

  test('a volume is Available without a claimRef, Bound to its claim, Released once the claim is gone', () => {
    const claim = stored(exampleClaim('data'));
    const volume = exampleVolume('pv1');
    expect(volumePhase(volume, undefined), 'no claimRef').toBe('Available');
    volume.spec.claimRef = claimRefFor(claim);
    expect(volumePhase(volume, claim), 'claimRef to the claim there').toBe('Bound');
    expect(volumePhase(volume, undefined), 'claimRef to a claim deleted').toBe('Released');
    expect(volumePhase(volume, stored(claim, 'uid-2')), 'a new claim of the same name').toBe(
      'Released',
    );
    const failed = { ...volume, status: { phase: 'Failed' as const } };
    expect(volumePhase(failed, claim), 'a Failed volume').toBe('Failed');
  });

  test('the default class is the one annotated is-default-class "true", the newest of several', () => {
    const older = storageClass('older', true);
    older.metadata.creationTimestamp = '2026-01-01T00:00:00Z';
    const newer = storageClass('newer', true);
    newer.metadata.creationTimestamp = '2026-02-01T00:00:00Z';
    const plain = storageClass('plain', false);
    expect(defaultStorageClass([plain]), 'only a class not annotated').toBeUndefined();
    expect(defaultStorageClass([older, plain, newer])?.metadata.name, 'two defaults').toBe('newer');
  });

  test('a pod mounts the claims its persistentVolumeClaim volumes name', () => {
    const pod = examplePod('web');
    pod.metadata.namespace = 'shop';
    pod.spec.volumes = [
      { name: 'cache', emptyDir: {} },
      { name: 'data', persistentVolumeClaim: { claimName: 'www' } },
    ];
    expect(claimKeysOf(pod), 'a pod in shop with an emptyDir and claim www').toEqual(['shop/www']);
  });

  test('a pod uses a claim it mounts while it is on a node and has not finished', () => {
    const pod = examplePod('web');
    pod.spec.volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'www' } }];
    expect(podUsesClaim(pod, 'default/www'), 'a pod mounting www, not yet placed').toBe(false);
    pod.spec.nodeName = 'n1';
    pod.status = { phase: 'Running' };
    expect(podUsesClaim(pod, 'default/www'), 'the same pod Running on n1').toBe(true);
    expect(podUsesClaim(pod, 'default/other'), 'that pod and another claim').toBe(false);
    pod.status = { phase: 'Succeeded' };
    expect(podUsesClaim(pod, 'default/www'), 'the pod Succeeded').toBe(false);
  });

  test('a claim no volume fits says Pending; a claim and a volume that fits it are bound both ways, and both say Bound', async () => {
    const { volumes, claims } = await setUp();
    await volumes.create(exampleVolume('small', '1Gi'));
    await volumes.create(exampleVolume('big', '5Gi'));
    await claims.create(exampleClaim('waiting', '20Gi'));
    await waitFor(
      async () => (await claims.get('waiting')).status?.phase === 'Pending',
      'a claim no volume fits says Pending',
    );
    await claims.create(exampleClaim('data', '1Gi'));
    await waitFor(async () => (await claims.get('data')).status?.phase === 'Bound', 'data Bound');
    const claim = await claims.get('data');
    expect(claim.spec.volumeName, 'a 1Gi claim, volumes of 1Gi and 5Gi').toBe('small');
    expect(claim.status?.capacity, "the claim's capacity is its volume's").toEqual({
      storage: '1Gi',
    });
    await waitFor(
      async () => (await volumes.get('small')).status?.phase === 'Bound',
      'small Bound',
    );
    const volume = await volumes.get('small');
    expect(volume.spec.claimRef?.name, "the volume's claimRef").toBe('data');
    expect(volume.spec.claimRef?.uid, "the claimRef carries the claim's uid").toBe(
      claim.metadata.uid,
    );
  });

  test('a claim that names a volume in volumeName is bound to that one, even when a smaller one fits', async () => {
    const { volumes, claims } = await setUp();
    await volumes.create(exampleVolume('small', '1Gi'));
    await volumes.create(exampleVolume('chosen', '5Gi'));
    const claim = exampleClaim('data', '1Gi');
    claim.spec.volumeName = 'chosen';
    await claims.create(claim);
    await waitFor(
      async () => (await volumes.get('chosen')).spec.claimRef?.name === 'data',
      "chosen's claimRef naming data",
    );
    await waitFor(async () => (await claims.get('data')).status?.phase === 'Bound', 'data Bound');
    expect((await volumes.get('small')).spec.claimRef, 'the smaller volume nobody asked for').toBe(
      undefined,
    );
  });

  test('a claim that names no class is given the default class, then bound to a volume of it', async () => {
    const { volumes, claims, classes } = await setUp();
    await classes.create(storageClass('gold', true));
    await volumes.create(exampleVolume('pv-gold', '1Gi', 'gold'));
    await claims.create(exampleClaim('data', '1Gi', null));
    await waitFor(async () => (await claims.get('data')).status?.phase === 'Bound', 'data Bound');
    const claim = await claims.get('data');
    expect(claim.spec.storageClassName, 'a claim with no class, default class gold').toBe('gold');
    expect(claim.spec.volumeName, 'the only gold volume').toBe('pv-gold');
  });

  test('a deleted claim releases its volume: Retain keeps it Released, Delete without a provisioner fails', async () => {
    const { volumes, claims } = await setUp();
    await volumes.create(exampleVolume('kept', '1Gi'));
    await claims.create(exampleClaim('one', '1Gi'));
    await waitFor(async () => (await volumes.get('kept')).status?.phase === 'Bound', 'kept Bound');
    await claims.delete('one');
    await waitFor(
      async () => (await volumes.get('kept')).status?.phase === 'Released',
      'kept Released after its claim is deleted',
    );
    const doomed = exampleVolume('doomed', '1Gi');
    doomed.spec.persistentVolumeReclaimPolicy = 'Delete';
    await volumes.create(doomed);
    await claims.create(exampleClaim('two', '1Gi'));
    await waitFor(
      async () => (await volumes.get('doomed')).status?.phase === 'Bound',
      'doomed Bound',
    );
    await claims.delete('two');
    await waitFor(
      async () => (await volumes.get('doomed')).status?.phase === 'Failed',
      'doomed Failed: policy Delete, and no provisioner made it',
    );
    expect((await volumes.get('kept')).status?.phase, 'the Retain volume still').toBe('Released');
  });

  test('a claim of a WaitForFirstConsumer class gets the node of its first pod as selected-node', async () => {
    const { claims, classes, pods, client } = await setUp();
    await classes.create(storageClass('local', false, 'WaitForFirstConsumer'));
    await claims.create(exampleClaim('data', '1Gi', 'local'));
    const pod = examplePod('web');
    pod.spec.volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }];
    await pods.create(pod);
    const annotation = async () =>
      (await claims.get('data')).metadata.annotations?.[selectedNodeAnnotation];
    expect(await annotation(), 'a pod mounting the claim, not yet placed').toBeUndefined();
    await client.bind({
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'web', namespace: 'default' },
      target: { apiVersion: 'v1', kind: 'Node', name: 'n2' },
    });
    await waitFor(async () => (await annotation()) === 'n2', 'selected-node n2 on the claim');
  });

  test('a claim a running pod uses is protected: deleted, it stays until the pod has finished', async () => {
    const { claims, pods } = await setUp();
    await claims.create(exampleClaim('data', '1Gi'));
    const finalizers = async () => (await claims.get('data')).metadata.finalizers ?? [];
    await waitFor(
      async () => (await finalizers()).includes(pvcProtectionFinalizer),
      'the pvc-protection finalizer on claim data',
    );
    const pod = examplePod('web');
    pod.spec.volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }];
    pod.spec.nodeName = 'n1';
    const running = await pods.create(pod);
    await pods.updateStatus({ ...running, status: { phase: 'Running' } });
    await claims.delete('data');
    const marked = await claims.get('data');
    expect(
      [marked.metadata.deletionTimestamp !== undefined, marked.metadata.finalizers],
      'claim data deleted while pod web, on n1, is Running: marked, kept by its finalizer',
    ).toEqual([true, [pvcProtectionFinalizer]]);
    await pods.updateStatus({ ...(await pods.get('web')), status: { phase: 'Succeeded' } });
    await waitFor(
      async () => (await claims.list()).items.length === 0,
      'claim data gone once pod web has Succeeded',
    );
  });

  test('a volume bound to a claim is protected: deleted, it stays until its claim is gone', async () => {
    const { volumes, claims } = await setUp();
    await volumes.create(exampleVolume('pv-data', '1Gi'));
    // As a volume made before the API server put the finalizer on: without it.
    await toolkit.updateWithRetry(volumes, 'pv-data', (current) => {
      current.metadata.finalizers = [];
    });
    await claims.create(exampleClaim('data', '1Gi'));
    await waitFor(async () => (await volumes.get('pv-data')).status?.phase === 'Bound', 'Bound');
    await waitFor(
      async () =>
        (await volumes.get('pv-data')).metadata.finalizers?.includes(pvProtectionFinalizer) ===
        true,
      'the pv-protection finalizer back on pv-data',
    );
    await volumes.delete('pv-data');
    const marked = await volumes.get('pv-data');
    await claims.delete('data');
    await waitFor(
      async () => (await volumes.list()).items.length === 0,
      'volume pv-data gone once claim data is',
    );
    expect(
      [marked.metadata.deletionTimestamp !== undefined, marked.metadata.finalizers],
      'volume pv-data deleted while claim data is bound to it: marked, kept by its finalizer',
    ).toEqual([true, [pvProtectionFinalizer]]);
  });
});
