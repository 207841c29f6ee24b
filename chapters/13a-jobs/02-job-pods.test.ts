// The pods of a Job: pure functions over a Job and its pods, no server.
import { describe, expect, test } from 'vitest';
import type { Job, Pod, PodPhase } from '../../harness/api/types.ts';
import {
  backoffDelay,
  countPods,
  formatIndexes,
  indexesToStart,
  indexOf,
  isActive,
  isOwnedBy,
  lastFailureTime,
  podFor,
  podsWanted,
  succeededIndexes,
} from './job-pods.ts';

const job = (spec: Partial<Job['spec']> = {}): Job => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'pi', namespace: 'default', uid: 'uid-pi' },
  spec: {
    completions: 1,
    parallelism: 1,
    template: {
      metadata: { labels: { app: 'pi' } },
      spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'kata/job' }] },
    },
    ...spec,
  },
});

let serial = 0;
/** A pod of Job pi in `phase`, ready or not, with an index annotation when given. */
const pod = (phase: PodPhase, options: { ready?: boolean; index?: number } = {}): Pod => ({
  metadata: {
    name: `pi-${serial++}`,
    namespace: 'default',
    ownerReferences: [
      { apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: 'uid-pi', controller: true },
    ],
    annotations:
      options.index === undefined
        ? {}
        : { 'batch.kubernetes.io/job-completion-index': String(options.index) },
  },
  spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'kata/job' }] },
  status: {
    phase,
    conditions: [{ type: 'Ready', status: options.ready ? 'True' : 'False' }],
  },
});

describe('The pods of a Job', () => {
  test("a pod is active until it finishes or is being deleted; it is the Job's by its controller reference", () => {
    const deleting = pod('Running');
    deleting.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    expect(
      [pod('Pending'), pod('Running'), pod('Succeeded'), pod('Failed'), deleting].map(isActive),
      'isActive of Pending, Running, Succeeded, Failed, and a Running pod being deleted',
    ).toEqual([true, true, false, false, false]);
    const stranger = pod('Running');
    stranger.metadata.ownerReferences![0]!.uid = 'uid-other';
    expect(
      [isOwnedBy(job(), pod('Running')), isOwnedBy(job(), stranger)],
      "isOwnedBy: a pod controlled by pi's uid, and one controlled by another uid",
    ).toEqual([true, false]);
  });

  test('counting: active (and of them ready), succeeded and failed pods', () => {
    const pods = [
      pod('Running', { ready: true }),
      pod('Pending'),
      pod('Succeeded'),
      pod('Succeeded'),
      pod('Failed'),
    ];
    expect(
      countPods(pods),
      'countPods of a ready Running, a Pending, 2 Succeeded, 1 Failed',
    ).toEqual({
      active: 2,
      ready: 1,
      succeeded: 2,
      failed: 1,
    });
  });

  test('with restartPolicy OnFailure, each container restart is a failure too', () => {
    const restarting = pod('Running');
    restarting.spec.restartPolicy = 'OnFailure';
    restarting.status!.containerStatuses = [
      { name: 'pi', image: 'kata/job', ready: false, restartCount: 3 },
    ];
    expect(countPods([restarting]).failed, 'countPods: an OnFailure pod restarted 3 times').toBe(3);
  });

  test('a NonIndexed Job wants up to parallelism pods, never more than the successes missing', () => {
    const counts = (active: number, succeeded: number) => ({
      active,
      ready: 0,
      succeeded,
      failed: 0,
    });
    const fiveByTwo = job({ completions: 5, parallelism: 2 });
    expect(
      [
        podsWanted(fiveByTwo, counts(0, 0)),
        podsWanted(fiveByTwo, counts(1, 2)),
        podsWanted(fiveByTwo, counts(1, 4)),
        podsWanted(fiveByTwo, counts(0, 5)),
      ],
      'completions 5, parallelism 2: none yet; 1 active 2 done; 1 active 4 done; 5 done',
    ).toEqual([2, 1, 0, 0]);
    const workQueue = job({ completions: undefined, parallelism: 3 });
    expect(
      [podsWanted(workQueue, counts(0, 0)), podsWanted(workQueue, counts(2, 1))],
      'no completions, parallelism 3: none yet; after a first success',
    ).toEqual([3, 0]);
  });

  test('an Indexed pod carries its index; the indexes done are written as ranges', () => {
    expect(
      [indexOf(pod('Running', { index: 4 })), indexOf(pod('Running'))],
      'indexOf a pod annotated 4, and of one without the annotation',
    ).toEqual([4, undefined]);
    const pods = [0, 1, 2, 2, 5, 7, 8, 9].map((index) => pod('Succeeded', { index }));
    expect(
      succeededIndexes(pods, 9),
      'succeededIndexes with completions 9 (9 is out of range)',
    ).toEqual([0, 1, 2, 5, 7, 8]);
    expect(
      [formatIndexes([0, 1, 2, 5, 7, 8]), formatIndexes([]), formatIndexes([3])],
      'formatIndexes: runs of three or more are ranges, pairs are listed',
    ).toEqual(['0-2,5,7,8', '', '3']);
  });

  test('an Indexed Job starts the lowest indexes neither done nor running, as parallelism allows', () => {
    const indexed = job({ completionMode: 'Indexed', completions: 5, parallelism: 2 });
    expect(indexesToStart(indexed, []), 'none yet').toEqual([0, 1]);
    expect(
      indexesToStart(indexed, [pod('Succeeded', { index: 0 }), pod('Running', { index: 1 })]),
      '0 done, 1 running: one more, the lowest free',
    ).toEqual([2]);
    expect(
      indexesToStart(indexed, [pod('Failed', { index: 0 }), pod('Succeeded', { index: 1 })]),
      '0 failed, 1 done: 0 is tried again, and 2',
    ).toEqual([0, 2]);
  });

  test('a pod is made from the template, named after the Job, labelled with its uid and name, controlled by it', () => {
    const made = podFor(job());
    expect(made.metadata.generateName, 'generateName').toBe('pi-');
    expect(made.metadata.labels, "its labels: the template's, the Job's uid and name").toEqual({
      app: 'pi',
      'batch.kubernetes.io/controller-uid': 'uid-pi',
      'batch.kubernetes.io/job-name': 'pi',
    });
    expect(made.metadata.ownerReferences, 'its controller reference').toEqual([
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        name: 'pi',
        uid: 'uid-pi',
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(
      [made.metadata.namespace, made.spec.restartPolicy],
      'namespace and restartPolicy',
    ).toEqual(['default', 'Never']);
  });

  test('an Indexed pod is named with its index, carries it, and reads it as JOB_COMPLETION_INDEX', () => {
    const made = podFor(job({ completionMode: 'Indexed', completions: 3 }), 2);
    const key = 'batch.kubernetes.io/job-completion-index';
    expect(made.metadata.generateName, 'generateName of index 2').toBe('pi-2-');
    expect(
      [made.metadata.annotations?.[key], made.metadata.labels?.[key]],
      'the index as an annotation and a label',
    ).toEqual(['2', '2']);
    expect(made.spec.containers[0]!.env, 'the container reads the annotation').toEqual([
      {
        name: 'JOB_COMPLETION_INDEX',
        valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${key}']` } },
      },
    ]);
  });

  test('after a failure the back-off doubles from 10 s, up to 10 minutes, from the last failure', () => {
    expect(
      [0, 1, 2, 3, 7, 12].map(backoffDelay),
      'backoffDelay after 0, 1, 2, 3, 7 and 12 failures',
    ).toEqual([0, 10_000, 20_000, 40_000, 600_000, 600_000]);
    const failedAt = (finishedAt: string, exitCode = 1) => {
      const failed = pod('Failed');
      failed.status!.containerStatuses = [
        {
          name: 'pi',
          image: 'kata/job',
          ready: false,
          restartCount: 0,
          state: { terminated: { exitCode, finishedAt } },
        },
      ];
      return failed;
    };
    expect(
      lastFailureTime([
        failedAt('2026-01-01T00:00:05Z'),
        failedAt('2026-01-01T00:00:09Z'),
        failedAt('2026-01-01T00:01:00Z', 0),
      ]),
      'lastFailureTime: the latest finishedAt of a container that exited non-zero',
    ).toBe(Date.parse('2026-01-01T00:00:09Z'));
    expect(lastFailureTime([pod('Running')]), 'no failure: undefined').toBeUndefined();
  });
});
