// The local provisioner: the class it serves, which claims it provisions and where, the volume it
// makes, when it erases one; then the loop, beside the binder, against the reference API server
// and a temporary directory standing for the nodes' disks.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { exampleClaim } from '../../harness/api/examples.ts';
import type {
  PersistentVolume,
  PersistentVolumeClaim,
  StorageClass,
} from '../../harness/api/types.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createPersistentVolumeBinder } from './binder.ts';
import {
  createLocalProvisioner,
  localPathProvisioner,
  localVolumeFor,
  localVolumePath,
  nodeToProvisionOn,
  provisionedVolumeName,
  shouldDelete,
  standardStorageClass,
} from './provisioner.ts';

const scope = testScope();
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A claim of class standard, stored (with a uid), annotated selected-node `node` if given. */
function standardClaim(name: string, node?: string): PersistentVolumeClaim {
  const claim = exampleClaim(name, '1Gi', 'standard');
  claim.metadata.uid = `uid-${name}`;
  if (node) claim.metadata.annotations = { 'volume.kubernetes.io/selected-node': node };
  return claim;
}

/** A server, a temporary volumes directory, a running binder and provisioner. */
async function setUp() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const volumesDir = mkdtempSync(join(tmpdir(), 'kata-volumes-'));
  made.push(volumesDir);
  const signal = scope.stopper().signal;
  inBackground(createPersistentVolumeBinder({ toolkit, client }).run(signal));
  inBackground(createLocalProvisioner({ toolkit, client, volumesDir }).run(signal));
  return {
    volumesDir,
    volumes: client.resource<PersistentVolume>('persistentvolumes'),
    claims: client.resource<PersistentVolumeClaim>('persistentvolumeclaims', 'default'),
    classes: client.resource<StorageClass>('storageclasses'),
  };
}

describe('The local provisioner', () => {
  test('the class standard is the default, served by the local provisioner, WaitForFirstConsumer, Delete', () => {
    const standard = standardStorageClass();
    expect(standard.metadata.name, 'the class').toBe('standard');
    expect(
      standard.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'],
      'the default-class annotation',
    ).toBe('true');
    expect(standard.provisioner, 'its provisioner').toBe(localPathProvisioner);
    expect(standard.volumeBindingMode, 'its binding mode').toBe('WaitForFirstConsumer');
    expect(standard.reclaimPolicy, 'its reclaim policy').toBe('Delete');
  });

  test("a claim is provisioned on its selected node, once, and only for this provisioner's classes", () => {
    const standard = standardStorageClass();
    expect(nodeToProvisionOn(standardClaim('a', 'n1'), standard), 'selected-node n1').toBe('n1');
    expect(nodeToProvisionOn(standardClaim('a'), standard), 'no node selected yet').toBeUndefined();
    const other = { ...standard, provisioner: 'example.com/nfs' };
    expect(nodeToProvisionOn(standardClaim('a', 'n1'), other), 'another provisioner').toBe(
      undefined,
    );
    const bound = standardClaim('a', 'n1');
    bound.spec.volumeName = 'pv1';
    expect(nodeToProvisionOn(bound, standard), 'a claim that has a volume').toBeUndefined();
  });

  test("a claim's volume is named pvc-<the claim's uid>, its directory <volumesDir>/<node>/<volume>_<namespace>_<claim>", () => {
    const claim = standardClaim('data', 'n1');
    expect(provisionedVolumeName(claim), 'the volume of the claim with uid uid-data').toBe(
      'pvc-uid-data',
    );
    expect(localVolumePath('/vols', 'n1', claim), 'the directory of default/data on n1').toBe(
      '/vols/n1/pvc-uid-data_default_data',
    );
  });

  test('the volume made for a claim is its directory on the node, reachable from that node only, reserved for the claim', () => {
    const claim = standardClaim('data', 'n1');
    const volume = localVolumeFor(claim, standardStorageClass(), 'n1', '/vols');
    const path = localVolumePath('/vols', 'n1', claim);
    expect(volume.metadata.name, "the volume's name").toBe('pvc-uid-data');
    expect(volume.spec.hostPath?.path, 'its hostPath').toBe(path);
    expect(volume.spec.capacity, 'its capacity: what the claim asked').toEqual({ storage: '1Gi' });
    expect(volume.spec.persistentVolumeReclaimPolicy, "the class's policy").toBe('Delete');
    expect(volume.spec.storageClassName, 'its class').toBe('standard');
    expect(volume.spec.claimRef?.uid, 'its claimRef names the claim').toBe('uid-data');
    expect(volume.spec.nodeAffinity?.required?.nodeSelectorTerms, 'its node affinity').toEqual([
      { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] },
    ]);
    expect(
      volume.metadata.annotations?.['pv.kubernetes.io/provisioned-by'],
      'the provisioned-by annotation',
    ).toBe(localPathProvisioner);
  });

  test('the provisioner erases only its own Released volumes of policy Delete', () => {
    const volume = localVolumeFor(standardClaim('d', 'n1'), standardStorageClass(), 'n1', '/v');
    const released = { ...volume, status: { phase: 'Released' as const } };
    expect(shouldDelete(released), 'its own, Released, Delete').toBe(true);
    expect(shouldDelete(volume), 'its own, not Released').toBe(false);
    const retained = {
      ...released,
      spec: { ...released.spec, persistentVolumeReclaimPolicy: 'Retain' as const },
    };
    expect(shouldDelete(retained), 'its own, Released, Retain').toBe(false);
    const foreign = { ...released, metadata: { name: 'pv-static' } };
    expect(shouldDelete(foreign), 'Released and Delete, but no provisioned-by').toBe(false);
  });

  test('running, it creates the class standard, and a claim with a selected node gets a directory and a bound volume', async () => {
    const { volumesDir, claims, classes } = await setUp();
    await waitFor(async () => (await classes.list()).items.length === 1, 'the class standard');
    await claims.create(standardClaim('data', 'n1'));
    await waitFor(async () => (await claims.get('data')).status?.phase === 'Bound', 'data Bound');
    const claim = await claims.get('data');
    expect(claim.spec.volumeName, "the claim's volume").toBe(`pvc-${claim.metadata.uid}`);
    expect(existsSync(localVolumePath(volumesDir, 'n1', claim)), 'its directory on n1').toBe(true);
  });

  test('a claim deleted: its volume is Released, then its directory and the volume are removed', async () => {
    const { volumesDir, claims, volumes } = await setUp();
    await claims.create(standardClaim('data', 'n1'));
    await waitFor(async () => (await claims.get('data')).status?.phase === 'Bound', 'data Bound');
    const claim = await claims.get('data');
    const dir = localVolumePath(volumesDir, 'n1', claim);
    writeFileSync(join(dir, 'index.html'), 'hello');
    await claims.delete('data');
    await waitFor(
      async () => (await volumes.list()).items.length === 0,
      'the volume deleted after its claim',
    );
    expect(existsSync(dir), 'its directory, with a file in it, after the claim is deleted').toBe(
      false,
    );
  });
});
