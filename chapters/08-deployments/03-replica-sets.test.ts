// The ReplicaSets of a Deployment: pure functions, on objects written out by hand.
import { describe, expect, test } from 'vitest';
import type { Deployment, ReplicaSet } from '../../harness/api/types.ts';
import {
  historyToDelete,
  isScalingEvent,
  newAndOldReplicaSets,
  newReplicaSetFor,
  scalingSizes,
  sizedReplicaSet,
  withNextRevision,
} from './replica-sets.ts';
import { podTemplateHash } from './template-hash.ts';

const uid = 'd-0001';

/** Deployment web: `replicas`, image kata/echo:1.0 unless told, maxSurge 1, maxUnavailable 0. */
function deployment(replicas: number, image = 'kata/echo:1.0'): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid, generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'app', image }] },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    },
  };
}

interface Made {
  replicas: number;
  available?: number;
  image?: string;
  revision?: number;
  /** The desired-replicas annotation: the replicas it was last sized for. */
  sizedFor?: number;
  minute?: number;
  owner?: string;
}

/** A ReplicaSet of Deployment web (controller ownerReference with `owner`, `uid` by default). */
function replicaSet(name: string, made: Made): ReplicaSet {
  const image = made.image ?? 'kata/echo:1.0';
  const annotations: Record<string, string> = {};
  if (made.revision) annotations['deployment.kubernetes.io/revision'] = String(made.revision);
  if (made.sizedFor !== undefined)
    annotations['deployment.kubernetes.io/desired-replicas'] = String(made.sizedFor);
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'default',
      uid: `rs-${name}`,
      creationTimestamp: `2026-01-01T00:${String(made.minute ?? 0).padStart(2, '0')}:00Z`,
      annotations,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'web',
          uid: made.owner ?? uid,
          controller: true,
        },
      ],
    },
    spec: {
      replicas: made.replicas,
      selector: { matchLabels: { app: 'web', 'pod-template-hash': name } },
      template: {
        metadata: { labels: { app: 'web', 'pod-template-hash': name } },
        spec: { containers: [{ name: 'app', image }] },
      },
    },
    status: {
      replicas: made.replicas,
      readyReplicas: made.available ?? made.replicas,
      availableReplicas: made.available ?? made.replicas,
    },
  };
}

const names = (replicaSets: ReplicaSet[]) => replicaSets.map((rs) => rs.metadata.name);
/** A Map of ReplicaSet to size, by name, for comparing. */
const byName = (sizes: Map<ReplicaSet, number>) =>
  Object.fromEntries([...sizes].map(([rs, size]) => [rs.metadata.name, size]));

describe('The ReplicaSets of a Deployment', () => {
  test('the new ReplicaSet is the one it controls that runs its template; the others it controls are old', () => {
    const current = replicaSet('web-b', { replicas: 2, minute: 2 });
    const twin = replicaSet('web-c', { replicas: 0, minute: 3 });
    const old = replicaSet('web-a', { replicas: 0, image: 'kata/echo:0.9', minute: 1 });
    const stranger = replicaSet('web-x', { replicas: 2, owner: 'another-uid' });
    const going = replicaSet('web-g', { replicas: 1, image: 'kata/echo:0.8' });
    going.metadata.deletionTimestamp = '2026-01-01T01:00:00Z';
    const { newRS, oldRSs } = newAndOldReplicaSets(deployment(2), [
      twin,
      old,
      stranger,
      current,
      going,
    ]);
    expect(
      newRS?.metadata.name,
      'of web-b and web-c, both with the template, the new one should be the older, web-b',
    ).toBe('web-b');
    expect(
      names(oldRSs),
      "old: web-c and web-a, in the order given (not web-x, another Deployment's, nor web-g, being deleted)",
    ).toEqual(['web-c', 'web-a']);
    const none = newAndOldReplicaSets(deployment(2, 'kata/echo:2.0'), [current, old]);
    expect(
      [none.newRS, names(none.oldRSs)],
      'a template no ReplicaSet runs: no new one, both old',
    ).toEqual([undefined, ['web-b', 'web-a']]);
  });

  test('the ReplicaSet for a new template is named after its hash and selects only its own pods', () => {
    const web = deployment(3);
    const hash = podTemplateHash(web.spec.template);
    const rs = newReplicaSetFor(web, []);
    expect(
      [rs.apiVersion, rs.kind, rs.metadata.namespace, rs.metadata.name],
      "apps/v1 ReplicaSet in the Deployment's namespace, named web-<hash of the template>",
    ).toEqual(['apps/v1', 'ReplicaSet', 'default', `web-${hash}`]);
    const labels = { app: 'web', 'pod-template-hash': hash };
    expect(rs.spec.selector.matchLabels, 'its selector: the hash label added').toEqual(labels);
    expect(rs.spec.template.metadata?.labels, "its template's labels: the hash added").toEqual(
      labels,
    );
    expect(rs.metadata.labels, 'its own labels: those of its template').toEqual(labels);
    expect(rs.spec.template.spec, "its template's spec: the Deployment's").toEqual(
      web.spec.template.spec,
    );
    expect(web.spec.template.metadata?.labels, 'the Deployment itself is not changed').toEqual({
      app: 'web',
    });
    web.status = { collisionCount: 1 };
    expect(
      newReplicaSetFor(web, []).metadata.name,
      'with status.collisionCount 1: named after podTemplateHash(template, 1)',
    ).toBe(`web-${podTemplateHash(web.spec.template, 1)}`);
  });

  test("it is controlled by the Deployment, and carries the Deployment's annotations (not the rollout's), the next revision and what it was sized for", () => {
    const web = deployment(3);
    web.spec.minReadySeconds = 5;
    web.metadata.annotations = {
      'kubernetes.io/change-cause': 'kubectl set image',
      'deployment.kubernetes.io/revision': '7',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
    };
    const olds = [
      replicaSet('web-a', { replicas: 0, image: 'kata/echo:0.8', revision: 4 }),
      replicaSet('web-b', { replicas: 3, image: 'kata/echo:0.9', revision: 6 }),
    ];
    const rs = newReplicaSetFor(web, olds);
    expect(rs.metadata.ownerReferences, 'one controller ownerReference to Deployment web').toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'web',
        uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(
      rs.metadata.annotations,
      'change-cause copied; revision 7 (old ones at 4 and 6); desired-replicas 3, max-replicas 3 + maxSurge 1',
    ).toEqual({
      'kubernetes.io/change-cause': 'kubectl set image',
      'deployment.kubernetes.io/revision': '7',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    expect(rs.spec.minReadySeconds, "minReadySeconds: the Deployment's").toBe(5);
    expect(
      newReplicaSetFor(web, []).metadata.annotations?.['deployment.kubernetes.io/revision'],
      'the first ReplicaSet of a Deployment: revision 1',
    ).toBe('1');
  });

  test('it starts as large as maxSurge allows beside the old pods', () => {
    const web = deployment(3);
    expect(newReplicaSetFor(web, []).spec.replicas, 'the first: all 3 replicas at once').toBe(3);
    const old = replicaSet('web-a', { replicas: 3, image: 'kata/echo:0.9' });
    expect(
      newReplicaSetFor(web, [old]).spec.replicas,
      'beside 3 old pods, replicas 3 and maxSurge 1: 1',
    ).toBe(1);
  });

  test('an old template that comes back (a rollback) gets the next revision; the newest keeps its own', () => {
    const web = deployment(2);
    web.metadata.annotations = { 'kubernetes.io/change-cause': 'rollback' };
    const back = replicaSet('web-a', { replicas: 0, revision: 1 });
    const olds = [replicaSet('web-b', { replicas: 2, image: 'kata/echo:2.0', revision: 2 })];
    const revised = withNextRevision(web, back, olds);
    expect(
      revised?.metadata.annotations,
      "revision 1 beside an old revision 2: revision 3, and the Deployment's change-cause",
    ).toEqual({
      'deployment.kubernetes.io/revision': '3',
      'kubernetes.io/change-cause': 'rollback',
    });
    expect(back.metadata.annotations, 'a copy: the ReplicaSet given is not changed').toEqual({
      'deployment.kubernetes.io/revision': '1',
    });
    const newest = replicaSet('web-c', { replicas: 2, revision: 3 });
    expect(
      withNextRevision(web, newest, olds),
      'revision 3 beside an old revision 2: already the newest, nothing to write',
    ).toBeUndefined();
  });

  test('sizing a ReplicaSet sets its replicas and what it was sized for; nothing to write when it already is so', () => {
    const web = deployment(4);
    const rs = replicaSet('web-a', { replicas: 2, revision: 1 });
    const sized = sizedReplicaSet(web, rs, 3);
    expect(sized?.spec.replicas, 'sized to 3').toBe(3);
    expect(
      sized?.metadata.annotations,
      'its revision kept; desired-replicas 4 and max-replicas 4 + maxSurge 1 added',
    ).toEqual({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '4',
      'deployment.kubernetes.io/max-replicas': '5',
    });
    expect(rs.spec.replicas, 'a copy: the ReplicaSet given is not changed').toBe(2);
    expect(sizedReplicaSet(web, sized!, 3), 'the same size and annotations again').toBeUndefined();
    expect(
      sizedReplicaSet(deployment(5), sized!, 3)?.metadata.annotations?.[
        'deployment.kubernetes.io/desired-replicas'
      ],
      'the same size for a Deployment now at 5 replicas: the annotations are rewritten',
    ).toBe('5');
  });

  test('a ReplicaSet running pods that was sized for other replicas means the Deployment was scaled', () => {
    const web = deployment(5);
    const sizedFor = (replicas: number, size = 3) =>
      replicaSet('web-a', { replicas: size, sizedFor: replicas });
    expect(isScalingEvent(web, [sizedFor(5)]), 'sized for 5, the Deployment at 5').toBe(false);
    expect(isScalingEvent(web, [sizedFor(4)]), 'sized for 4, the Deployment at 5').toBe(true);
    expect(
      isScalingEvent(web, [sizedFor(4, 0)]),
      'sized for 4 but at 0 replicas: it runs no pods, it does not count',
    ).toBe(false);
    expect(
      isScalingEvent(web, [replicaSet('web-b', { replicas: 3 })]),
      'no desired-replicas annotation: it does not count',
    ).toBe(false);
  });

  test('scaled with one ReplicaSet running, that one takes all replicas; once the new one is saturated, old ones go to 0', () => {
    const web = deployment(6);
    const old = replicaSet('web-a', { replicas: 4, image: 'kata/echo:0.9', sizedFor: 4 });
    const idle = replicaSet('web-b', { replicas: 0, image: 'kata/echo:0.8' });
    expect(
      byName(scalingSizes(web, undefined, [old, idle])),
      'only web-a runs pods (no new one yet): web-a to 6',
    ).toEqual({ 'web-a': 6 });
    const fresh = replicaSet('web-n', { replicas: 0, sizedFor: 4 });
    expect(byName(scalingSizes(web, fresh, [])), 'nothing runs pods: the new one to 6').toEqual({
      'web-n': 6,
    });
    const saturated = replicaSet('web-n', { replicas: 6, sizedFor: 6 });
    const leftover = replicaSet('web-a', { replicas: 1, image: 'kata/echo:0.9', sizedFor: 4 });
    expect(
      byName(scalingSizes(web, saturated, [leftover, idle])),
      'the new one at 6 of 6, all available: the old ones to 0',
    ).toEqual({ 'web-n': 6, 'web-a': 0, 'web-b': 0 });
  });

  test('scaled with several running, each keeps its share; every running ReplicaSet is written', () => {
    const web = deployment(10);
    web.spec.strategy = {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 0, maxUnavailable: 1 },
    };
    const newRS = replicaSet('web-n', { replicas: 2, available: 0, sizedFor: 5 });
    const old = replicaSet('web-a', { replicas: 3, image: 'kata/echo:0.9', sizedFor: 5 });
    expect(
      byName(scalingSizes(web, newRS, [old])),
      '2 new and 3 old, scaled from 5 to 10 (maxSurge 0): 4 and 6',
    ).toEqual({ 'web-n': 4, 'web-a': 6 });
    const same = deployment(5);
    same.spec.strategy = web.spec.strategy;
    expect(
      byName(scalingSizes(same, newRS, [old])),
      'the same ReplicaSets at 5 replicas: both written at their size (to rewrite annotations)',
    ).toEqual({ 'web-n': 2, 'web-a': 3 });
  });

  test('history keeps the newest revisionHistoryLimit idle old ReplicaSets and gives up the rest, lowest revision first', () => {
    const web = deployment(2);
    web.spec.revisionHistoryLimit = 2;
    const olds = [5, 2, 4, 1, 3].map((revision) =>
      replicaSet(`web-${revision}`, { replicas: 0, image: `kata/echo:${revision}`, revision }),
    );
    expect(
      names(historyToDelete(web, olds)),
      'five idle old ReplicaSets, revisions 1 to 5, limit 2: delete 1, 2 and 3',
    ).toEqual(['web-1', 'web-2', 'web-3']);
    const draining = olds[3]!; // revision 1, its pods not gone yet
    draining.status = { replicas: 1 };
    expect(
      names(historyToDelete(web, olds)),
      'revision 1 still has a pod: it is not idle, so delete 2 and 3 only',
    ).toEqual(['web-2', 'web-3']);
    web.spec.revisionHistoryLimit = undefined;
    expect(
      historyToDelete(web, olds),
      'no revisionHistoryLimit: 10 are kept, nothing to delete',
    ).toEqual([]);
  });
});
