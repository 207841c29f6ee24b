// The Job controller against the reference API server. No kubelet runs: the tests play it,
// writing each pod's phase (and its container's exit) as a node would when the program ends.
// Time-driven steps (back-off, deadline) run on a FakeClock the tests move.
import { describe, expect, test } from 'vitest';
import type { Job, KubeEvent, Pod, PodPhase } from '../../harness/api/types.ts';
import type { ApiClient } from '../../harness/client/types.ts';
import { FakeClock, rfc3339, systemClock, type Clock } from '../../harness/clock.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createGarbageCollector } from '../../solutions/07-controllers/garbage-collector.ts';
import { createJobController, jobKeyOf, PodExpectations } from './job.ts';

const scope = testScope();

/** The API server and the Job controller, on `clock` (the system's unless a test moves time). */
async function setUp(clock?: FakeClock) {
  const server = await scope.apiServer(clock ? { clock } : {});
  const client = toolkit.createClient({ server: server.url });
  inBackground(createJobController({ toolkit, client, clock }).run(scope.stopper().signal));
  const jobs = client.resource<Job>('jobs', 'default');
  const pods = client.resource<Pod>('pods', 'default');
  const podsOf = async (name: string) =>
    (await pods.list()).items.filter(
      (pod) => pod.metadata.labels?.['batch.kubernetes.io/job-name'] === name,
    );
  const running = async (name: string) =>
    (await podsOf(name)).filter(
      (pod) => !['Succeeded', 'Failed'].includes(pod.status?.phase ?? ''),
    );
  /** Waits until Job `name` has a condition of `type` True, and returns it. */
  const until = async (name: string, type: string, timeoutMs?: number) => {
    let last: Job | undefined;
    await waitFor(
      async () => {
        last = await jobs.get(name);
        return (
          last.status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false
        );
      },
      `Job ${name} to say ${type} (last status ${JSON.stringify(last?.status)})`,
      timeoutMs,
    );
    return last!;
  };
  return { client, jobs, pods, podsOf, running, until };
}

/** Ends a pod as a kubelet would when its one container exits: Succeeded on 0, Failed otherwise. */
async function finish(client: ApiClient, pod: Pod, exitCode: number, clock: Clock = systemClock) {
  const phase: PodPhase = exitCode === 0 ? 'Succeeded' : 'Failed';
  const finishedAt = rfc3339(clock.now());
  await client.resource<Pod>('pods', 'default').updateStatus({
    ...pod,
    status: {
      phase,
      containerStatuses: [
        {
          name: 'main',
          image: 'kata/job',
          ready: false,
          restartCount: 0,
          state: { terminated: { exitCode, finishedAt } },
        },
      ],
    },
  });
}

/** A Job running kata/job, with `spec` on top. */
function aJob(name: string, spec: Partial<Job['spec']> = {}): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      template: {
        spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'kata/job' }] },
      },
      ...spec,
    },
  };
}

describe('Jobs', () => {
  test("a pod's events go to its Job's key; creations are expected until the informer shows them", () => {
    const pod: Pod = {
      metadata: {
        namespace: 'ns',
        ownerReferences: [
          { apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: 'u', controller: true },
        ],
      },
      spec: { containers: [] },
    };
    const orphan: Pod = { metadata: { namespace: 'ns' }, spec: { containers: [] } };
    expect([jobKeyOf(pod), jobKeyOf(orphan)], 'jobKeyOf a pod of Job pi, and of an orphan').toEqual(
      [['ns/pi'], []],
    );
    const expectations = new PodExpectations();
    expectations.expectCreations('ns/pi', 2);
    expectations.creationObserved('ns/pi');
    const halfway = expectations.satisfied('ns/pi');
    expectations.creationObserved('ns/pi');
    expect(
      [halfway, expectations.satisfied('ns/pi')],
      'satisfied after one of two creations seen, then both',
    ).toEqual([false, true]);
  });

  test('a Job gets a pod labelled with its generated selector; the pod succeeds, the Job is Complete', async () => {
    const { client, jobs, podsOf, until } = await setUp();
    const pi = await jobs.create(aJob('pi'));
    expect(pi.spec.selector, 'the server generates the selector from the uid').toEqual({
      matchLabels: { 'batch.kubernetes.io/controller-uid': pi.metadata.uid },
    });
    await waitFor(async () => (await podsOf('pi')).length === 1, "Job pi's pod");
    const [pod] = await podsOf('pi');
    expect(
      pod!.metadata.labels?.['batch.kubernetes.io/controller-uid'],
      "the pod carries the Job's uid",
    ).toBe(pi.metadata.uid);
    await finish(client, pod!, 0);
    const done = await until('pi', 'Complete');
    expect(
      [
        done.status?.succeeded,
        done.status?.active,
        typeof done.status?.completionTime,
        typeof done.status?.startTime,
      ],
      'status: 1 succeeded, none active, a completionTime and a startTime',
    ).toEqual([1, undefined, 'string', 'string']);
    expect(done.status?.conditions?.find((c) => c.type === 'Complete')?.reason, 'the reason').toBe(
      'CompletionsReached',
    );
  });

  test('completions 5, parallelism 2: never more than 2 pods at once, and 5 successes complete it', async () => {
    const { client, jobs, podsOf, running, until } = await setUp();
    await jobs.create(aJob('five', { completions: 5, parallelism: 2 }));
    for (const expected of [2, 2, 1]) {
      await waitFor(
        async () => (await running('five')).length === expected,
        `${expected} pods of Job five running`,
      );
      const active = await running('five');
      expect(active.length, `pods running at once (${expected} expected)`).toBe(expected);
      for (const pod of active) await finish(client, pod, 0);
    }
    const done = await until('five', 'Complete');
    expect(
      [done.status?.succeeded, (await podsOf('five')).length],
      'succeeded, and pods made',
    ).toEqual([5, 5]);
  });

  test('an Indexed Job runs one pod per index, each told its index, and lists the indexes done', async () => {
    const { client, jobs, running, until } = await setUp();
    await jobs.create(
      aJob('shards', { completions: 3, parallelism: 3, completionMode: 'Indexed' }),
    );
    await waitFor(async () => (await running('shards')).length === 3, 'three pods');
    const active = await running('shards');
    const key = 'batch.kubernetes.io/job-completion-index';
    expect(active.map((pod) => pod.metadata.annotations?.[key]).sort(), 'their indexes').toEqual([
      '0',
      '1',
      '2',
    ]);
    expect(
      active[0]!.spec.containers[0]!.env?.[0]?.name,
      'each container reads JOB_COMPLETION_INDEX',
    ).toBe('JOB_COMPLETION_INDEX');
    for (const pod of active) await finish(client, pod, 0);
    const done = await until('shards', 'Complete');
    expect(done.status?.completedIndexes, 'completedIndexes').toBe('0-2');
  });

  test('a pod deleted before it finished is made again; one that finished is not', async () => {
    const { client, jobs, pods, podsOf, running } = await setUp();
    await jobs.create(aJob('steady', { completions: 2 }));
    await waitFor(async () => (await running('steady')).length === 1, 'its first pod');
    const [first] = await podsOf('steady');
    await pods.delete(first!.metadata.name!);
    await waitFor(
      async () =>
        (await running('steady')).some((pod) => pod.metadata.name !== first!.metadata.name),
      'a new pod in place of the deleted one',
    );
    const [second] = await running('steady');
    await finish(client, second!, 0);
    await waitFor(async () => (await podsOf('steady')).length === 2, "the second completion's pod");
    expect(
      (await running('steady')).length,
      'one pod runs: the finished one is kept, not replaced',
    ).toBe(1);
  });

  test('a failed pod is replaced only when the back-off after the failure is over', async () => {
    const clock = new FakeClock(Date.now());
    const { client, jobs, podsOf } = await setUp(clock);
    await jobs.create(aJob('flaky', { backoffLimit: 3 }));
    await waitFor(async () => (await podsOf('flaky')).length === 1, 'the first pod');
    await finish(client, (await podsOf('flaky'))[0]!, 1, clock);
    await waitFor(async () => (await jobs.get('flaky')).status?.failed === 1, 'status.failed 1');
    expect((await podsOf('flaky')).length, 'right after the failure: no new pod yet').toBe(1);
    clock.advance(10_000);
    await waitFor(async () => (await podsOf('flaky')).length === 2, 'a second pod, 10 s later');
  });

  test('more failures than backoffLimit: Failed, BackoffLimitExceeded, and its running pods are deleted', async () => {
    const { client, jobs, podsOf, until } = await setUp();
    await jobs.create(aJob('doomed', { backoffLimit: 0, parallelism: 2, completions: 2 }));
    await waitFor(async () => (await podsOf('doomed')).length === 2, 'two pods');
    await finish(client, (await podsOf('doomed'))[0]!, 3);
    const failed = await until('doomed', 'Failed');
    expect(failed.status?.conditions?.find((c) => c.type === 'Failed')?.reason, 'the reason').toBe(
      'BackoffLimitExceeded',
    );
    await waitFor(
      async () => (await podsOf('doomed')).length === 1,
      'the running pod deleted, the failed one kept',
    );
    const warnings = (await client.resource<KubeEvent>('events', 'default').list()).items.filter(
      (e) => e.type === 'Warning',
    );
    expect(
      warnings.map((e) => e.reason),
      'a Warning event says why',
    ).toContain('BackoffLimitExceeded');
  });

  test('past activeDeadlineSeconds: Failed, DeadlineExceeded, its pods deleted', async () => {
    const clock = new FakeClock(Date.now());
    const { jobs, podsOf, until } = await setUp(clock);
    await jobs.create(aJob('slow', { activeDeadlineSeconds: 30 }));
    await waitFor(async () => (await podsOf('slow')).length === 1, 'its pod');
    await waitFor(
      async () => (await jobs.get('slow')).status?.startTime !== undefined,
      'its startTime',
    );
    clock.advance(30_000);
    const failed = await until('slow', 'Failed');
    expect(failed.status?.conditions?.find((c) => c.type === 'Failed')?.reason, 'the reason').toBe(
      'DeadlineExceeded',
    );
    await waitFor(async () => (await podsOf('slow')).length === 0, 'its pod deleted');
  });

  test('a suspended Job runs no pods and says Suspended; resumed, it runs them', async () => {
    const { jobs, podsOf, until } = await setUp();
    await jobs.create(aJob('later', { suspend: true }));
    const suspended = await until('later', 'Suspended');
    expect(
      [(await podsOf('later')).length, suspended.status?.startTime],
      'no pods, no startTime',
    ).toEqual([0, undefined]);
    await jobs.patch('later', { spec: { suspend: false } });
    await waitFor(async () => (await podsOf('later')).length === 1, 'a pod once resumed');
    const suspendedCondition = async () =>
      (await jobs.get('later')).status?.conditions?.find((c) => c.type === 'Suspended');
    await waitFor(async () => (await suspendedCondition())?.status === 'False', 'Suspended False');
    const resumed = await suspendedCondition();
    expect([resumed?.status, resumed?.reason], 'Suspended False, JobResumed').toEqual([
      'False',
      'JobResumed',
    ]);
  });

  test('ttlSecondsAfterFinished: a finished Job is deleted that long after, and its pods with it', async () => {
    const { client, jobs, podsOf, until } = await setUp();
    inBackground(
      createGarbageCollector({ toolkit, client, resources: ['pods', 'jobs'] }).run(
        scope.stopper().signal,
      ),
    );
    await jobs.create(aJob('brief', { ttlSecondsAfterFinished: 0 }));
    await waitFor(async () => (await podsOf('brief')).length === 1, 'its pod');
    await finish(client, (await podsOf('brief'))[0]!, 0);
    await waitFor(async () => (await jobs.list()).items.length === 0, 'Job brief deleted');
    await waitFor(async () => (await podsOf('brief')).length === 0, 'its pod deleted with it');
  });
});
