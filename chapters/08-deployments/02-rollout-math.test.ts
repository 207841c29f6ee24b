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
    expect([
      resolveIntOrPercent('25%', 10, true),
      resolveIntOrPercent('25%', 10, false),
      resolveIntOrPercent('25%', 1, true),
      resolveIntOrPercent('25%', 1, false),
      resolveIntOrPercent(3, 10, true),
      resolveIntOrPercent('100%', 7, false),
    ]).toEqual([3, 2, 1, 0, 3, 7]);
  });

  test('both zero could never progress, so one pod may be unavailable; Recreate takes all down', () => {
    expect(resolveFenceposts(deployment(4, 0, 0)), '0 and 0').toEqual({
      maxSurge: 0,
      maxUnavailable: 1,
    });
    expect(resolveFenceposts(deployment(4, '25%', '25%')), '25% of 4').toEqual({
      maxSurge: 1,
      maxUnavailable: 1,
    });
    const recreate = deployment(4, 1, 1);
    recreate.spec.strategy = { type: 'Recreate' };
    expect(resolveFenceposts(recreate), 'Recreate').toEqual({ maxSurge: 0, maxUnavailable: 4 });
  });

  test('the new ReplicaSet grows as far as replicas + maxSurge pods allow, and no further', () => {
    const d = deployment(10, 3, 2);
    const old = replicaSet('web-old', 10, 10, 0);
    expect(newReplicaSetReplicas(d, [old], undefined), 'a new one beside 10 old').toBe(3);
    const growing = replicaSet('web-new', 3, 0, 1);
    expect(newReplicaSetReplicas(d, [growing, old], growing), 'already at the bound').toBe(3);
    const shrunk = replicaSet('web-old', 7, 7, 0);
    expect(newReplicaSetReplicas(d, [growing, shrunk], growing), 'old shrank by 3').toBe(6);
    const done = replicaSet('web-new', 10, 10, 1);
    expect(newReplicaSetReplicas(d, [done], done), 'never past replicas').toBe(10);
  });

  test('old pods still going count against the bound: status.replicas above spec', () => {
    const d = deployment(10, 3, 2);
    const old = replicaSet('web-old', 7, 7, 0);
    old.status!.replicas = 10; // scaled down, but its three pods are not gone yet
    const growing = replicaSet('web-new', 3, 0, 1);
    expect(newReplicaSetReplicas(d, [growing, old], growing)).toBe(3);
  });

  test('old ReplicaSets shrink as far as replicas - maxUnavailable stay available, oldest first', () => {
    const d = deployment(10, 3, 2);
    const oldest = replicaSet('web-1', 4, 4, 0);
    const old = replicaSet('web-2', 6, 6, 1);
    const newRS = replicaSet('web-3', 3, 0, 2);
    expect(
      byName(oldReplicaSetsScaleDown(d, [old, oldest], newRS)),
      'none of the new are available',
    ).toEqual({
      'web-1': 2,
    });
    const ready = replicaSet('web-3', 3, 3, 2);
    expect(byName(oldReplicaSetsScaleDown(d, [old, oldest], ready)), 'three new available').toEqual(
      {
        'web-1': 0,
        'web-2': 5,
      },
    );
  });

  test('old pods that are not available go first: losing them costs no capacity', () => {
    const d = deployment(4, 2, 0);
    const old = replicaSet('web-1', 4, 2, 0); // two of its pods are failing
    const newRS = replicaSet('web-2', 2, 2, 1);
    expect(byName(oldReplicaSetsScaleDown(d, [old], newRS))).toEqual({ 'web-1': 2 });
  });

  test('scaled in the middle of a rollout, each ReplicaSet keeps its share of replicas + maxSurge', () => {
    const d = deployment(20, 3, 0);
    const old = replicaSet('web-1', 10, 10, 0);
    const newRS = replicaSet('web-2', 3, 0, 1);
    // 13 pods were 10 + 3 allowed; 23 are allowed now: 10/13 and 3/13 of 23, rounded.
    expect(byName(proportionalSizes(d, [old, newRS])), 'scaled up to 20').toEqual({
      'web-1': 18,
      'web-2': 5,
    });
    const down = deployment(5, 3, 0);
    expect(byName(proportionalSizes(down, [old, newRS])), 'scaled down to 5').toEqual({
      'web-1': 6,
      'web-2': 2,
    });
  });
});
