// Storage protection at creation, on the reference API server with no controller running: a
// new claim and a new volume carry their finalizers, so a claim deleted at once is only marked.
import { describe, expect, test } from 'vitest';
import { exampleClaim, exampleVolume } from './examples.ts';
import type { PersistentVolume, PersistentVolumeClaim } from './types.ts';
import { testScope } from '../testing/scope.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { PV_PROTECTION, PVC_PROTECTION, protectOnCreate } from './storage-protection.ts';

const scope = testScope();

describe('Storage protection', () => {
  test('protectOnCreate adds the finalizer once, keeping the others', () => {
    const claim = exampleClaim('data', '1Gi');
    claim.metadata.finalizers = ['example.com/backup'];
    const once = protectOnCreate(PVC_PROTECTION)(claim);
    expect(
      [once.metadata.finalizers, protectOnCreate(PVC_PROTECTION)(once).metadata.finalizers],
      'a claim with one finalizer protected, then protected again',
    ).toEqual([
      ['example.com/backup', PVC_PROTECTION],
      ['example.com/backup', PVC_PROTECTION],
    ]);
  });

  test('a claim deleted before any controller saw it is only marked; a new volume is protected', async () => {
    const server = await scope.apiServer();
    const client = toolkit.createClient({ server: server.url });
    const claims = client.resource<PersistentVolumeClaim>('persistentvolumeclaims', 'default');
    const volumes = client.resource<PersistentVolume>('persistentvolumes');
    await claims.create(exampleClaim('data', '1Gi'));
    await claims.delete('data');
    const marked = await claims.get('data');
    const volume = await volumes.create(exampleVolume('pv-data', '1Gi'));
    expect(
      [
        marked.metadata.deletionTimestamp !== undefined,
        marked.metadata.finalizers,
        volume.metadata.finalizers,
      ],
      'claim data created and deleted at once, then volume pv-data created',
    ).toEqual([true, [PVC_PROTECTION], [PV_PROTECTION]]);
  });
});
