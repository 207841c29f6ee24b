// The arithmetic of a rollout, on Deployments and ReplicaSets written out by hand.
import { describe, expect, test } from 'vitest';
import type { Deployment, ReplicaSet } from '../../harness/api/types.ts';
import {
  newReplicaSetReplicas,
  oldReplicaSetsScaleDown,
  proportionalSizes,
  resolveFenceposts,
  resolveIntOrPercent,
} from './rollout-math.ts';

function deployment(
  replicas: number,
  maxSurge: number | string,
  maxUnavailable: number | string,
): Deployment {
  return {
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { spec: { containers: [{ name: 'app', image: 'kata/echo:1.0' }] } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } },
    },
  };
}

/** A ReplicaSet with `replicas` wanted, of which `available` are available; created at `minute`. */
function replicaSet(name: string, replicas: number, available: number, minute: number): ReplicaSet {
  return {
    metadata: {
      name,
      namespace: 'default',
      creationTimestamp: `2026-01-01T00:${String(minute).padStart(2, '0')}:00Z`,
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { spec: { containers: [{ name: 'app', image: 'kata/echo:1.0' }] } },
    },
    status: { replicas, readyReplicas: available, availableReplicas: available },
  };
}

/** A Map of ReplicaSet to size, by name, for comparing. */
const byName = (sizes: Map<ReplicaSet, number>) =>
  Object.fromEntries([...sizes].map(([rs, size]) => [rs.metadata.name, size]));

describe('Rollout arithmetic', () => {
  test('a percentage of replicas: maxSurge rounds up, maxUnavailable rounds down', () => {
    expect(
      [
        resolveIntOrPercent('25%', 10, true),
        resolveIntOrPercent('25%', 10, false),
        resolveIntOrPercent('25%', 1, true),
        resolveIntOrPercent('25%', 1, false),
        resolveIntOrPercent(3, 10, true),
        resolveIntOrPercent('100%', 7, false),
      ],
      '25% of 10 up and down, 25% of 1 up and down, 3 of 10, 100% of 7 down should be 3, 2, 1, 0, 3, 7',
    ).toEqual([3, 2, 1, 0, 3, 7]);
  });

  test('both zero could never progress, so one pod may be unavailable; Recreate takes all down', () => {
    expect(
      resolveFenceposts(deployment(4, 0, 0)),
      'maxSurge 0 and maxUnavailable 0 of 4: one may be unavailable',
    ).toEqual({
      maxSurge: 0,
      maxUnavailable: 1,
    });
    expect(
      resolveFenceposts(deployment(4, '25%', '25%')),
      'maxSurge and maxUnavailable 25% of 4: 1 and 1',
    ).toEqual({
      maxSurge: 1,
      maxUnavailable: 1,
    });
    const recreate = deployment(4, 1, 1);
    recreate.spec.strategy = { type: 'Recreate' };
    expect(
      resolveFenceposts(recreate),
      'Recreate with 4 replicas: no surge, all 4 may be unavailable',
    ).toEqual({ maxSurge: 0, maxUnavailable: 4 });
  });

  test('the new ReplicaSet grows as far as replicas + maxSurge pods allow, and no further', () => {
    const d = deployment(10, 3, 2);
    const old = replicaSet('web-old', 10, 10, 0);
    expect(
      newReplicaSetReplicas(d, [old], undefined),
      'replicas 10, maxSurge 3: a new ReplicaSet beside 10 old pods may have 3',
    ).toBe(3);
    const growing = replicaSet('web-new', 3, 0, 1);
    expect(
      newReplicaSetReplicas(d, [growing, old], growing),
      'the new one at 3 beside 10 old: 13 pods, already at the bound, stays 3',
    ).toBe(3);
    const shrunk = replicaSet('web-old', 7, 7, 0);
    expect(
      newReplicaSetReplicas(d, [growing, shrunk], growing),
      'the old one shrank to 7: the new one may grow from 3 to 6',
    ).toBe(6);
    const done = replicaSet('web-new', 10, 10, 1);
    expect(
      newReplicaSetReplicas(d, [done], done),
      'the new one at 10 of 10: never past replicas',
    ).toBe(10);
  });

  test('old pods still going count against the bound: status.replicas above spec', () => {
    const d = deployment(10, 3, 2);
    const old = replicaSet('web-old', 7, 7, 0);
    old.status!.replicas = 10; // scaled down, but its three pods are not gone yet
    const growing = replicaSet('web-new', 3, 0, 1);
    expect(
      newReplicaSetReplicas(d, [growing, old], growing),
      'old spec 7 but 10 pods still in its status, new at 3: 13 pods, so the new one stays 3',
    ).toBe(3);
  });

  test('old ReplicaSets shrink as far as replicas - maxUnavailable stay available, oldest first', () => {
    const d = deployment(10, 3, 2);
    const oldest = replicaSet('web-1', 4, 4, 0);
    const old = replicaSet('web-2', 6, 6, 1);
    const newRS = replicaSet('web-3', 3, 0, 2);
    expect(
      byName(oldReplicaSetsScaleDown(d, [old, oldest], newRS)),
      'replicas 10, maxUnavailable 2, old 4 and 6 available, 3 new not available: the oldest to 2',
    ).toEqual({
      'web-1': 2,
    });
    const ready = replicaSet('web-3', 3, 3, 2);
    expect(
      byName(oldReplicaSetsScaleDown(d, [old, oldest], ready)),
      'the same with the 3 new available: the oldest to 0, the next to 5',
    ).toEqual({
      'web-1': 0,
      'web-2': 5,
    });
  });

  test('old pods that are not available go first: losing them costs no capacity', () => {
    const d = deployment(4, 2, 0);
    const old = replicaSet('web-1', 4, 2, 0); // two of its pods are failing
    const newRS = replicaSet('web-2', 2, 2, 1);
    expect(
      byName(oldReplicaSetsScaleDown(d, [old], newRS)),
      'replicas 4, maxUnavailable 0, old 4 with 2 available, new 2 available: the 2 unavailable go',
    ).toEqual({ 'web-1': 2 });
  });

  test('scaled in the middle of a rollout, each ReplicaSet keeps its share of replicas + maxSurge', () => {
    const d = deployment(20, 3, 0);
    const old = replicaSet('web-1', 10, 10, 0);
    const newRS = replicaSet('web-2', 3, 0, 1);
    // 13 pods were 10 + 3 allowed; 23 are allowed now: 10/13 and 3/13 of 23, rounded.
    expect(
      byName(proportionalSizes(d, [old, newRS])),
      '10 old and 3 new (maxSurge 3) scaled to 20: 18 and 5',
    ).toEqual({
      'web-1': 18,
      'web-2': 5,
    });
    const down = deployment(5, 3, 0);
    expect(
      byName(proportionalSizes(down, [old, newRS])),
      '10 old and 3 new (maxSurge 3) scaled to 5: 6 and 2',
    ).toEqual({
      'web-1': 6,
      'web-2': 2,
    });
  });

  test('what rounding leaves over goes to the largest: the newest on a tie when growing, the oldest when shrinking', () => {
    const three = (size: number) => [
      replicaSet('web-1', size, size, 0),
      replicaSet('web-2', size, size, 1),
      replicaSet('web-3', size, size, 2),
    ];
    expect(
      byName(proportionalSizes(deployment(10, 0, 1), three(1))),
      'three ReplicaSets of 1 scaled to 10: 3 each, and the one left over to the newest',
    ).toEqual({ 'web-1': 3, 'web-2': 3, 'web-3': 4 });
    expect(
      byName(proportionalSizes(deployment(2, 0, 1), three(2))),
      'three ReplicaSets of 2 scaled to 2: 1 each, and the one more to take from the oldest',
    ).toEqual({ 'web-1': 0, 'web-2': 1, 'web-3': 1 });
    const two = [replicaSet('web-1', 2, 2, 0), replicaSet('web-2', 2, 2, 1)];
    expect(
      byName(proportionalSizes(deployment(4, 0, 1), two)),
      'two ReplicaSets of 2 at replicas 4: nothing changes',
    ).toEqual({});
  });
});
