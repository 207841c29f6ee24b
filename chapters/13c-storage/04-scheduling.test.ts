// Scheduling with claims: why one claim keeps a pod off a node, every reason of a pod's claims,
// then the filter over informers, given to chapter 05's reference scheduler beside its own.
import { describe, expect, test } from 'vitest';
import {
  exampleClaim,
  exampleNode,
  examplePod,
  exampleVolume,
} from '../../harness/api/examples.ts';
import type {
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  StorageClass,
} from '../../harness/api/types.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { defaultFilters } from '../../solutions/05-scheduler/filters.ts';
import { createScheduler } from '../../solutions/05-scheduler/scheduler.ts';
import {
  claimReason,
  createVolumeBinding,
  volumeBindingReasons,
  type StorageLookup,
} from './volume-binding.ts';

const scope = testScope();

/** A volume reachable from node `node` only, as the local provisioner makes them. */
function localVolume(name: string, node: string): PersistentVolume {
  const volume = exampleVolume(name);
  volume.spec.nodeAffinity = {
    required: {
      nodeSelectorTerms: [
        { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
      ],
    },
  };
  return volume;
}

/** A claim bound to `volume` (or unbound, of class `className`). */
function claim(name: string, volume?: string, className = ''): PersistentVolumeClaim {
  const made = exampleClaim(name, '1Gi', className);
  if (volume) made.spec.volumeName = volume;
  return made;
}

/** A lookup over plain lists, as the informers' caches would answer. */
function lookupOf(
  claims: PersistentVolumeClaim[],
  volumes: PersistentVolume[] = [],
  classes: StorageClass[] = [],
): StorageLookup {
  return {
    claim: (namespace, name) =>
      claims.find((c) => c.metadata.namespace === namespace && c.metadata.name === name),
    volume: (name) => volumes.find((v) => v.metadata.name === name),
    storageClass: (name) => classes.find((c) => c.metadata.name === name),
  };
}

/** A class `name` with `mode`. */
function storageClass(name: string, mode: StorageClass['volumeBindingMode']): StorageClass {
  return { metadata: { name }, provisioner: 'example.com/none', volumeBindingMode: mode };
}

/** A pod in default mounting the claims named. */
function podWithClaims(name: string, ...claimNames: string[]): Pod {
  const pod = examplePod(name);
  pod.metadata.namespace = 'default';
  pod.spec.volumes = [
    { name: 'scratch', emptyDir: {} },
    ...claimNames.map((claimName) => ({ name: claimName, persistentVolumeClaim: { claimName } })),
  ];
  return pod;
}

describe('Scheduling with claims', () => {
  test('a claim that is not there, or is being deleted, keeps the pod off every node', () => {
    const n1 = exampleNode('n1');
    expect(claimReason('default', 'data', n1, lookupOf([])), 'no claim data').toBe(
      'persistentvolumeclaim "data" not found',
    );
    const going = claim('data', 'pv1');
    going.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    expect(claimReason('default', 'data', n1, lookupOf([going])), 'claim data deleting').toBe(
      'persistentvolumeclaim "data" is being deleted',
    );
  });

  test('a bound claim allows only the nodes that reach its volume', () => {
    const lookup = lookupOf(
      [claim('data', 'pv1'), claim('lost', 'gone')],
      [localVolume('pv1', 'n2')],
    );
    expect(claimReason('default', 'data', exampleNode('n2'), lookup), 'volume on n2, node n2').toBe(
      undefined,
    );
    expect(claimReason('default', 'data', exampleNode('n1'), lookup), 'volume on n2, node n1').toBe(
      'node(s) had volume node affinity conflict',
    );
    expect(
      claimReason('default', 'lost', exampleNode('n1'), lookup),
      'bound to a volume not there',
    ).toBe('pvc(s) bound to non-existent pv(s)');
  });

  test('an unbound claim allows every node when its class waits for the first consumer, none otherwise', () => {
    const classes = [
      storageClass('local', 'WaitForFirstConsumer'),
      storageClass('now', 'Immediate'),
    ];
    const lookup = lookupOf(
      [claim('late', undefined, 'local'), claim('soon', undefined, 'now')],
      [],
      classes,
    );
    const n1 = exampleNode('n1');
    expect(claimReason('default', 'late', n1, lookup), 'unbound, WaitForFirstConsumer').toBe(
      undefined,
    );
    expect(claimReason('default', 'soon', n1, lookup), 'unbound, Immediate').toBe(
      'pod has unbound immediate PersistentVolumeClaims',
    );
  });

  test("a pod's reasons are those of its claims, each once; a pod without claims fits anywhere", () => {
    const lookup = lookupOf(
      [claim('a', 'pv1'), claim('b', 'pv2')],
      [localVolume('pv1', 'n2'), localVolume('pv2', 'n2')],
    );
    expect(
      volumeBindingReasons(podWithClaims('web', 'a', 'b'), exampleNode('n1'), lookup),
      'two claims on n2, node n1',
    ).toEqual(['node(s) had volume node affinity conflict']);
    expect(
      volumeBindingReasons(podWithClaims('web', 'a', 'b'), exampleNode('n2'), lookup),
      'node n2',
    ).toEqual([]);
    expect(
      volumeBindingReasons(podWithClaims('plain'), exampleNode('n1'), lookup),
      'no claims',
    ).toEqual([]);
  });

  test("with the filter beside chapter 05's, a pod lands on the node of its claim's volume", async () => {
    const server = await scope.apiServer();
    const client = toolkit.createClient({ server: server.url });
    for (const name of ['n1', 'n2', 'n3'])
      await client.resource<Node>('nodes').create(exampleNode(name));
    await client.resource<PersistentVolume>('persistentvolumes').create(localVolume('pv1', 'n3'));
    const claims = client.resource<PersistentVolumeClaim>('persistentvolumeclaims', 'default');
    await claims.create(claim('data', 'pv1'));
    const binding = createVolumeBinding({ toolkit, client });
    const signal = scope.stopper().signal;
    await binding.run(signal);
    const scheduler = createScheduler({
      toolkit,
      client,
      filters: [...defaultFilters, binding.filter],
    });
    inBackground(scheduler.run(signal));
    const pods = client.resource<Pod>('pods', 'default');
    for (const name of ['a', 'b', 'c']) await pods.create(podWithClaims(name, 'data'));
    await waitFor(
      async () => (await pods.list()).items.every((pod) => pod.spec.nodeName),
      'all three pods placed',
    );
    const nodes = (await pods.list()).items.map((pod) => pod.spec.nodeName);
    expect(nodes, 'three pods mounting a claim bound to a volume on n3').toEqual([
      'n3',
      'n3',
      'n3',
    ]);
  });
});
