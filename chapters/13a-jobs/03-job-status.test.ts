// A Job's status: pure functions over a Job and its pods, no server.
import { describe, expect, test } from 'vitest';
import type { Job, JobCondition, Pod, PodPhase } from '../../harness/api/types.ts';
import {
  expiresAt,
  failureOf,
  hasCondition,
  isComplete,
  isFinished,
  podStatus,
  withCondition,
} from './job-status.ts';

const job = (spec: Partial<Job['spec']> = {}, conditions: JobCondition[] = []): Job => ({
  metadata: { name: 'pi', namespace: 'default', uid: 'uid-pi' },
  spec: {
    completions: 3,
    parallelism: 1,
    template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'kata/job' }] } },
    ...spec,
  },
  status: { conditions },
});

const pod = (phase: PodPhase, index?: number): Pod => ({
  metadata: {
    annotations:
      index === undefined ? {} : { 'batch.kubernetes.io/job-completion-index': String(index) },
  },
  spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'kata/job' }] },
  status: { phase },
});

const counts = (active: number, succeeded: number, failed: number) => ({
  active,
  ready: 0,
  succeeded,
  failed,
});
const T0 = Date.parse('2026-01-01T00:00:00Z');

describe("A Job's status", () => {
  test('a Job has finished when its Complete or Failed condition is True', () => {
    const finished = (type: string, status: 'True' | 'False') =>
      isFinished(job({}, [{ type, status }]));
    expect(
      [
        finished('Complete', 'True'),
        finished('Failed', 'True'),
        finished('Complete', 'False'),
        finished('Suspended', 'True'),
      ],
      'isFinished with Complete True, Failed True, Complete False, Suspended True',
    ).toEqual([true, true, false, false]);
    expect(
      hasCondition(job({}, [{ type: 'Suspended', status: 'True' }]), 'Suspended'),
      'hasCondition Suspended',
    ).toBe(true);
  });

  test('more failed pods than backoffLimit fail the Job: BackoffLimitExceeded', () => {
    expect(
      failureOf(job({ backoffLimit: 2 }), counts(1, 0, 2), T0, T0),
      '2 failed, backoffLimit 2',
    ).toBeUndefined();
    expect(
      failureOf(job({ backoffLimit: 2 }), counts(1, 0, 3), T0, T0),
      '3 failed, backoffLimit 2',
    ).toEqual({
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    });
    expect(
      failureOf(job(), counts(0, 0, 7), T0, T0)?.reason,
      '7 failed, backoffLimit unset (6)',
    ).toBe('BackoffLimitExceeded');
  });

  test('a Job active for activeDeadlineSeconds fails: DeadlineExceeded', () => {
    const timed = job({ activeDeadlineSeconds: 30 });
    expect(
      failureOf(timed, counts(1, 0, 0), T0, T0 + 29_999),
      '29.999 s after its start',
    ).toBeUndefined();
    expect(failureOf(timed, counts(1, 0, 0), T0, T0 + 30_000), '30 s after its start').toEqual({
      reason: 'DeadlineExceeded',
      message: 'Job was active longer than specified deadline',
    });
  });

  test('complete: completions successes; each index for an Indexed Job; or, without completions, a success and nothing running', () => {
    expect(isComplete(job(), [], counts(0, 3, 1)), '3 of completions 3').toBe(true);
    expect(isComplete(job(), [], counts(1, 2, 0)), '2 of completions 3').toBe(false);
    const indexed = job({ completionMode: 'Indexed' });
    const twice = [pod('Succeeded', 0), pod('Succeeded', 0), pod('Succeeded', 1)];
    expect(
      isComplete(indexed, twice, counts(0, 3, 0)),
      'Indexed, index 0 twice and 1: index 2 missing',
    ).toBe(false);
    const unset = job({ completions: undefined, parallelism: 2 });
    expect(
      [isComplete(unset, [], counts(1, 1, 0)), isComplete(unset, [], counts(0, 1, 0))],
      'no completions: a success with one still running; then with none running',
    ).toEqual([false, true]);
  });

  test('setting a condition replaces the one of its type, and keeps its transition time when the status is the same', () => {
    const before: JobCondition[] = [
      { type: 'Suspended', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' },
    ];
    const same = withCondition(
      before,
      { type: 'Suspended', status: 'True', reason: 'JobSuspended' },
      T0 + 60_000,
    );
    expect(same, 'Suspended True again, a minute later').toEqual([
      {
        type: 'Suspended',
        status: 'True',
        reason: 'JobSuspended',
        lastProbeTime: '2026-01-01T00:01:00Z',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ]);
    const flipped = withCondition(
      before,
      { type: 'Suspended', status: 'False', reason: 'JobResumed' },
      T0 + 60_000,
    );
    expect(flipped[0]!.lastTransitionTime, 'Suspended False: it flipped now').toBe(
      '2026-01-01T00:01:00Z',
    );
    expect(
      withCondition(undefined, { type: 'Complete', status: 'True' }, T0).length,
      'to no conditions',
    ).toBe(1);
  });

  test('the counters come from the pods; zeros are left out but ready; an Indexed Job lists its indexes done', () => {
    expect(
      podStatus(job(), [pod('Running'), pod('Succeeded')]),
      'one running, one succeeded',
    ).toEqual({
      ready: 0,
      active: 1,
      succeeded: 1,
    });
    expect(
      podStatus(job({ completionMode: 'Indexed' }), [
        pod('Succeeded', 0),
        pod('Succeeded', 2),
        pod('Failed', 1),
      ]),
      'Indexed: 0 and 2 succeeded, 1 failed',
    ).toEqual({ ready: 0, succeeded: 2, failed: 1, completedIndexes: '0,2' });
  });

  test('a finished Job with ttlSecondsAfterFinished expires that long after it finished', () => {
    const done = job({ ttlSecondsAfterFinished: 100 }, [{ type: 'Complete', status: 'True' }]);
    done.status!.completionTime = '2026-01-01T00:00:00Z';
    expect(expiresAt(done), 'completed at T0, ttl 100 s').toBe(T0 + 100_000);
    const failed = job({ ttlSecondsAfterFinished: 0 }, [
      { type: 'Failed', status: 'True', lastTransitionTime: '2026-01-01T00:00:10Z' },
    ]);
    expect(expiresAt(failed), 'failed at T0 + 10 s (no completionTime), ttl 0').toBe(T0 + 10_000);
    expect(expiresAt(job({ ttlSecondsAfterFinished: 100 })), 'not finished').toBeUndefined();
    expect(expiresAt(job({}, [{ type: 'Complete', status: 'True' }])), 'no ttl').toBeUndefined();
  });
});
