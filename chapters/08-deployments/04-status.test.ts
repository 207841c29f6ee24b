// Status and conditions: pure functions, on objects written out by hand, at times given in
// milliseconds (no clock runs).
import { describe, expect, test } from 'vitest';
import type { Deployment, DeploymentCondition, ReplicaSet } from '../../harness/api/types.ts';
import {
  availableCondition,
  countReplicas,
  madeProgress,
  nextStatus,
  pastDeadline,
  progressCheckDelay,
  progressingCondition,
} from './status.ts';

/** 2026-01-01T00:00:00Z, in milliseconds: the tests' "now" is this plus some seconds. */
const t0 = Date.parse('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(t0 + seconds * 1000).toISOString().replace('.000', '');

/** Deployment web at generation 1: `replicas`, maxSurge 1, maxUnavailable 1, a 60 s deadline. */
function deployment(replicas: number, conditions: DeploymentCondition[] = []): Deployment {
  return {
    metadata: { name: 'web', namespace: 'default', generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { spec: { containers: [{ name: 'app', image: 'kata/echo:2.0' }] } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
      progressDeadlineSeconds: 60,
    },
    status: { observedGeneration: 1, conditions },
  };
}

/** A ReplicaSet wanting `replicas`, whose status counts `pods` pods, `ready` ready, `available`. */
function replicaSet(
  name: string,
  replicas: number,
  pods: number,
  ready: number,
  available = ready,
): ReplicaSet {
  return {
    metadata: { name, namespace: 'default' },
    spec: { replicas, selector: {}, template: { spec: { containers: [] } } },
    status: { replicas: pods, readyReplicas: ready, availableReplicas: available },
  };
}

/** A Progressing condition as a status holds it, last updated `seconds` after t0. */
function progressing(reason: string, seconds = 0, status = 'True'): DeploymentCondition {
  return {
    type: 'Progressing',
    status: status as DeploymentCondition['status'],
    reason,
    message: '...',
    lastUpdateTime: at(seconds),
    lastTransitionTime: at(seconds),
  };
}

/** What progressingCondition says: status and reason (or undefined). */
const said = (condition: { status: string; reason?: string } | undefined) =>
  condition && [condition.status, condition.reason];

describe('Status and conditions', () => {
  test("status sums the ReplicaSets' pods; updatedReplicas are the new ReplicaSet's", () => {
    const web = deployment(4);
    web.metadata.generation = 3;
    web.status!.collisionCount = 1;
    const newRS = replicaSet('web-new', 2, 2, 1);
    const old = replicaSet('web-old', 2, 3, 3, 2);
    expect(
      countReplicas(web, newRS, [old]),
      'new: 2 pods, 1 ready; old: wants 2, 3 pods, 3 ready, 2 available',
    ).toEqual({
      observedGeneration: 3,
      replicas: 5,
      updatedReplicas: 2,
      readyReplicas: 4,
      availableReplicas: 3,
      unavailableReplicas: 1,
      collisionCount: 1,
    });
  });

  test('zeros are left out, and unavailableReplicas never goes below 0', () => {
    const web = deployment(2);
    const done = replicaSet('web-new', 2, 2, 2);
    const scaledDown = replicaSet('web-old', 0, 1, 1);
    expect(
      countReplicas(web, done, [scaledDown]),
      'new: 2 of 2 available; old: at 0, one pod still going and available (3 available for 2 wanted)',
    ).toEqual({
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 2,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(
      countReplicas(web, undefined, [replicaSet('web-old', 0, 0, 0)]),
      'no new ReplicaSet, an old one with nothing: only observedGeneration is left',
    ).toEqual({ observedGeneration: 1 });
  });

  test('Available is True while at least replicas - maxUnavailable pods are available', () => {
    const web = deployment(4); // maxUnavailable 1: 3 must be available
    expect(availableCondition(web, { availableReplicas: 3 }), '3 of 4 available').toEqual({
      type: 'Available',
      status: 'True',
      reason: 'MinimumReplicasAvailable',
      message: 'Deployment has minimum availability.',
    });
    expect(availableCondition(web, { availableReplicas: 2 }), '2 of 4 available').toEqual({
      type: 'Available',
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
      message: 'Deployment does not have minimum availability.',
    });
    expect(availableCondition(web, {}).status, 'no availableReplicas (0): not available').toBe(
      'False',
    );
  });

  test('progress is more updated, ready or available pods, or fewer old ones', () => {
    const before = { replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 };
    const cases: [string, object, boolean][] = [
      ['the same counts', {}, false],
      ['one more updated pod', { replicas: 5, updatedReplicas: 2 }, true],
      ['one more ready pod', { readyReplicas: 4 }, true],
      ['one more available pod', { availableReplicas: 4 }, true],
      ['one old pod fewer (4 - 1 old became 3 - 1)', { replicas: 3 }, true],
      ['a new pod gone (old pods still 3)', { replicas: 3, updatedReplicas: 0 }, false],
      ['fewer ready pods', { readyReplicas: 2, availableReplicas: 2 }, false],
    ];
    for (const [what, change, progress] of cases) {
      expect(
        madeProgress(before, { ...before, ...change }),
        `from 4 pods (1 updated, 3 ready and available): ${what}`,
      ).toBe(progress);
    }
  });

  test('paused, Progressing is Unknown DeploymentPaused; resumed, DeploymentResumed', () => {
    const step = { newRS: 'web-new', created: false, now: t0 };
    const paused = deployment(2, [progressing('ReplicaSetUpdated')]);
    paused.spec.paused = true;
    expect(
      progressingCondition(paused, {}, step),
      'spec.paused, the condition ReplicaSetUpdated',
    ).toEqual({
      type: 'Progressing',
      status: 'Unknown',
      reason: 'DeploymentPaused',
      message: 'Deployment is paused',
    });
    paused.status!.conditions = [progressing('DeploymentPaused', 0, 'Unknown')];
    expect(
      progressingCondition(paused, {}, step),
      'still paused, the condition already DeploymentPaused: unchanged (undefined)',
    ).toBeUndefined();
    const resumed = deployment(2, [progressing('DeploymentPaused', 0, 'Unknown')]);
    expect(
      progressingCondition(resumed, {}, step),
      'not paused any more, the condition DeploymentPaused',
    ).toEqual({
      type: 'Progressing',
      status: 'Unknown',
      reason: 'DeploymentResumed',
      message: 'Deployment is resumed',
    });
  });

  test('a rollout says NewReplicaSetCreated, then ReplicaSetUpdated at each step, then NewReplicaSetAvailable, and stays so', () => {
    const web = deployment(2, [progressing('NewReplicaSetAvailable')]);
    web.status = { ...web.status, replicas: 2, updatedReplicas: 0, availableReplicas: 2 };
    const step = { newRS: 'web-new', created: true, now: t0 };
    expect(
      progressingCondition(web, { replicas: 2, availableReplicas: 2 }, step),
      'a new ReplicaSet created, the last rollout finished',
    ).toEqual({
      type: 'Progressing',
      status: 'True',
      reason: 'NewReplicaSetCreated',
      message: 'Created new replica set "web-new"',
    });
    web.status!.conditions = [progressing('NewReplicaSetCreated')];
    const grown = { replicas: 3, updatedReplicas: 1, availableReplicas: 2, observedGeneration: 1 };
    expect(
      progressingCondition(web, grown, { ...step, created: false }),
      'one new pod more',
    ).toEqual({
      type: 'Progressing',
      status: 'True',
      reason: 'ReplicaSetUpdated',
      message: 'ReplicaSet "web-new" is progressing.',
    });
    const done = { replicas: 2, updatedReplicas: 2, availableReplicas: 2, observedGeneration: 1 };
    expect(
      progressingCondition(web, done, { ...step, created: false }),
      'all 2 pods updated and available, no old one left',
    ).toEqual({
      type: 'Progressing',
      status: 'True',
      reason: 'NewReplicaSetAvailable',
      message: 'ReplicaSet "web-new" has successfully progressed.',
    });
    web.status = { ...done, conditions: [progressing('NewReplicaSetAvailable')] };
    expect(
      said(
        progressingCondition(web, { ...done, availableReplicas: 1 }, { ...step, created: false }),
      ),
      'finished, then a pod not available: a finished rollout stays finished (undefined)',
    ).toBeUndefined();
  });

  test('a new ReplicaSet found with no Progressing condition yet: FoundNewReplicaSet', () => {
    const web = deployment(2);
    web.status = { replicas: 2, updatedReplicas: 2, availableReplicas: 1 };
    const step = { newRS: 'web-new', created: false, now: t0 };
    expect(
      progressingCondition(web, { ...web.status }, step),
      'no condition, no progress, ReplicaSet web-new found',
    ).toEqual({
      type: 'Progressing',
      status: 'True',
      reason: 'FoundNewReplicaSet',
      message: 'Found new replica set "web-new"',
    });
    const done = { replicas: 2, updatedReplicas: 2, availableReplicas: 2, observedGeneration: 1 };
    expect(
      said(progressingCondition(web, done, step)),
      'no condition, but the rollout complete: NewReplicaSetAvailable comes first',
    ).toEqual(['True', 'NewReplicaSetAvailable']);
  });

  test("a deadline passes progressDeadlineSeconds after the condition's lastUpdateTime", () => {
    const web = deployment(2); // progressDeadlineSeconds 60
    const updated = progressing('ReplicaSetUpdated', 0);
    expect(pastDeadline(web, updated, t0 + 59_000), 'updated at 0 s, now 59 s').toBe(false);
    expect(pastDeadline(web, updated, t0 + 60_000), 'updated at 0 s, now 60 s').toBe(true);
    web.spec.progressDeadlineSeconds = undefined;
    expect(pastDeadline(web, updated, t0 + 60_000), 'no deadline set (600 s), now 60 s').toBe(
      false,
    );
    expect(pastDeadline(web, updated, t0 + 600_000), 'no deadline set (600 s), now 600 s').toBe(
      true,
    );
    expect(pastDeadline(web, undefined, t0 + 900_000), 'no condition: nothing to count from').toBe(
      false,
    );
  });

  test("a deadline never counts from a finished rollout's NewReplicaSetAvailable; a timeout is said once", () => {
    const web = deployment(2); // progressDeadlineSeconds 60
    const finished = progressing('NewReplicaSetAvailable', 0);
    expect(
      pastDeadline(web, finished, t0 + 3600_000),
      'NewReplicaSetAvailable an hour ago (the last rollout): not past any deadline',
    ).toBe(false);
    expect(
      pastDeadline(web, progressing('ProgressDeadlineExceeded', 0, 'False'), t0 + 1000),
      'ProgressDeadlineExceeded already: still past',
    ).toBe(true);
    // A new rollout read from a cache still holding the last one's status: no timeout.
    web.status = { replicas: 2, updatedReplicas: 0, availableReplicas: 2, conditions: [finished] };
    const after = { replicas: 2, availableReplicas: 2, observedGeneration: 1 };
    const step = { newRS: 'web-new', created: false, now: t0 + 3600_000 };
    expect(
      progressingCondition(web, after, step),
      "a new template, no progress, the condition the last rollout's NewReplicaSetAvailable: unchanged",
    ).toBeUndefined();
    web.status.conditions = [progressing('ReplicaSetUpdated', 0)];
    expect(
      progressingCondition(web, after, { ...step, now: t0 + 30_000 }),
      'ReplicaSetUpdated 30 s ago, no progress since: unchanged',
    ).toBeUndefined();
    expect(
      progressingCondition(web, after, { ...step, now: t0 + 61_000 }),
      'ReplicaSetUpdated 61 s ago, no progress since, deadline 60 s',
    ).toEqual({
      type: 'Progressing',
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: 'ReplicaSet "web-new" has timed out progressing.',
    });
  });

  test('nextStatus: the counters, Available and Progressing set with their times', () => {
    const web = deployment(2, [
      {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
        lastUpdateTime: at(0),
        lastTransitionTime: at(0),
      },
      progressing('NewReplicaSetCreated', 0),
    ]);
    web.status = { ...web.status, replicas: 2, availableReplicas: 2 };
    const newRS = replicaSet('web-new', 1, 1, 0);
    const old = replicaSet('web-old', 2, 2, 2);
    const status = nextStatus(web, newRS, [old], { created: false, now: t0 + 5000 });
    expect(
      status,
      'a new pod (not ready) beside 2 old ones, 5 s after the ReplicaSet was created',
    ).toEqual({
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 1,
      readyReplicas: 2,
      availableReplicas: 2,
      unavailableReplicas: 1,
      conditions: [
        web.status.conditions![0], // Available: the same, its times kept
        {
          type: 'Progressing',
          status: 'True',
          reason: 'ReplicaSetUpdated',
          message: 'ReplicaSet "web-new" is progressing.',
          lastUpdateTime: at(5),
          lastTransitionTime: at(0),
        },
      ],
    });
    expect(web.status.conditions![1]!.reason, "the Deployment's own status is not changed").toBe(
      'NewReplicaSetCreated',
    );
  });

  test('a rollout under way is looked at again a second after its deadline; a finished, failed or paused one is not', () => {
    const web = deployment(2); // progressDeadlineSeconds 60
    const withProgressing = (condition: DeploymentCondition) => ({ conditions: [condition] });
    const updated = withProgressing(progressing('ReplicaSetUpdated', 0));
    expect(
      progressCheckDelay(web, updated, t0 + 20_000),
      'updated at 0 s, now 20 s: the deadline at 60 s, plus a second',
    ).toBe(41_000);
    expect(
      progressCheckDelay(web, updated, t0 + 90_000),
      'updated at 0 s, now 90 s: at once (1 ms)',
    ).toBe(1);
    for (const [reason, status] of [
      ['NewReplicaSetAvailable', 'True'],
      ['ProgressDeadlineExceeded', 'False'],
      ['DeploymentPaused', 'Unknown'],
    ]) {
      expect(
        progressCheckDelay(web, withProgressing(progressing(reason!, 0, status)), t0),
        `Progressing ${status} ${reason}: nothing to wait for`,
      ).toBeUndefined();
    }
    expect(progressCheckDelay(web, {}, t0), 'no Progressing condition').toBeUndefined();
  });
});
