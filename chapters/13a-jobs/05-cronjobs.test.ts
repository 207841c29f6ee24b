// CronJobs: pure functions first, then the controller against the reference API server, both on
// a FakeClock the tests turn a minute at a time. No Job controller runs: the Jobs made stay
// active until a test writes them Complete, as the Job controller would.
import { describe, expect, test } from 'vitest';
import type { CronJob, Job, KubeEvent } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import {
  createCronJobController,
  cronJobKeyOf,
  historyToDelete,
  jobFor,
  jobNameFor,
  missedStart,
  mostRecentSchedule,
  referenceTo,
  rfc1123z,
} from './cronjob.ts';
import { parseSchedule } from './schedule.ts';

const scope = testScope();
/** 10:00:30 UTC on 1 January 2026: half a minute before a minute turns. */
const START = Date.parse('2026-01-01T10:00:30Z');

function aCronJob(name: string, spec: Partial<CronJob['spec']> = {}): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      creationTimestamp: '2026-01-01T10:00:30Z',
    },
    spec: {
      schedule: '* * * * *',
      jobTemplate: {
        metadata: { labels: { app: name } },
        spec: {
          template: {
            spec: { restartPolicy: 'OnFailure', containers: [{ name: 'main', image: 'kata/job' }] },
          },
        },
      },
      ...spec,
    },
  };
}

/** A finished Job (Complete or Failed) started at `minute` past 10:00. */
function finished(name: string, type: 'Complete' | 'Failed', minute: number): Job {
  return {
    metadata: { name },
    spec: { template: { spec: { containers: [] } } },
    status: {
      startTime: `2026-01-01T10:${String(minute).padStart(2, '0')}:00Z`,
      conditions: [{ type, status: 'True' }],
    },
  };
}

/** The server and the CronJob controller, on a FakeClock at START. */
async function setUp() {
  const clock = new FakeClock(START);
  const server = await scope.apiServer({ clock });
  const client = toolkit.createClient({ server: server.url });
  inBackground(createCronJobController({ toolkit, client, clock }).run(scope.stopper().signal));
  const cronJobs = client.resource<CronJob>('cronjobs', 'default');
  const jobs = client.resource<Job>('jobs', 'default');
  const jobNames = async () => (await jobs.list()).items.map((job) => job.metadata.name!).sort();
  /** Once the controller has asked to come back, turns the clock `ms` forward. */
  const tick = async (ms: number) => {
    await waitFor(() => clock.pendingTimers > 0, 'the controller to ask for its next run');
    clock.advance(ms);
  };
  /** Writes a Job Complete, as the Job controller would. */
  const complete = async (name: string) => {
    const job = await jobs.get(name);
    await jobs.updateStatus({
      ...job,
      status: {
        conditions: [{ type: 'Complete', status: 'True' }],
        completionTime: new Date(clock.now()).toISOString().replace(/\.\d+Z/, 'Z'),
      },
    });
  };
  return { clock, client, cronJobs, jobs, jobNames, tick, complete };
}

/** The Job name for the run at 10:mm, as jobNameFor gives it. */
const nameAt = (name: string, minute: number) =>
  `${name}-${Math.floor(Date.UTC(2026, 0, 1, 10, minute) / 60_000)}`;

describe('CronJobs', () => {
  test("a run's Job is named after the CronJob and the minute; it is referred to, and mapped back, by its owner", () => {
    const backup = aCronJob('backup');
    expect(jobNameFor(backup, Date.parse('2026-01-01T10:01:00Z')), 'jobNameFor 10:01').toBe(
      'backup-29454361',
    );
    const job: Job = {
      metadata: {
        name: 'backup-1',
        namespace: 'default',
        uid: 'j1',
        ownerReferences: [
          {
            apiVersion: 'batch/v1',
            kind: 'CronJob',
            name: 'backup',
            uid: 'uid-backup',
            controller: true,
          },
        ],
      },
      spec: { template: { spec: { containers: [] } } },
    };
    expect(referenceTo(job), 'referenceTo the Job').toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      name: 'backup-1',
      namespace: 'default',
      uid: 'j1',
    });
    expect(cronJobKeyOf(job), 'cronJobKeyOf the Job').toEqual(['default/backup']);
  });

  test('the most recent scheduled time since the last run, and how many were passed over', () => {
    const hourly = parseSchedule('0 * * * *');
    expect(
      mostRecentSchedule(aCronJob('a'), hourly, START),
      'created at 10:00:30, now the same',
    ).toEqual({ missed: 0 });
    expect(
      mostRecentSchedule(aCronJob('a'), hourly, Date.parse('2026-01-01T13:20:00Z')),
      'created at 10:00:30, now 13:20: 11:00, 12:00 passed over, 13:00 due',
    ).toEqual({ scheduledTime: Date.parse('2026-01-01T13:00:00Z'), missed: 2 });
    const ran = aCronJob('a');
    ran.status = { lastScheduleTime: '2026-01-01T13:00:00Z' };
    expect(
      mostRecentSchedule(ran, hourly, Date.parse('2026-01-01T13:20:00Z')),
      'last run at 13:00',
    ).toEqual({ missed: 0 });
  });

  test('with startingDeadlineSeconds, a time missed by longer is not due', () => {
    const late = aCronJob('a', { startingDeadlineSeconds: 600 });
    const hourly = parseSchedule('0 * * * *');
    expect(
      mostRecentSchedule(late, hourly, Date.parse('2026-01-01T11:09:00Z')).scheduledTime,
      '9 minutes after 11:00',
    ).toBe(Date.parse('2026-01-01T11:00:00Z'));
    expect(
      mostRecentSchedule(late, hourly, Date.parse('2026-01-01T11:11:00Z')).scheduledTime,
      '11 minutes after 11:00',
    ).toBeUndefined();
  });

  test('the run a deadline put out of reach is the latest scheduled time no later than now minus the deadline', () => {
    const late = aCronJob('a', { startingDeadlineSeconds: 600 });
    const hourly = parseSchedule('0 * * * *');
    expect(
      missedStart(late, hourly, Date.parse('2026-01-01T13:20:00Z')),
      'created at 10:00:30, deadline 10 minutes, now 13:20: 11:00 and 12:00 missed, 13:00 too',
    ).toBe(Date.parse('2026-01-01T13:00:00Z'));
    expect(
      missedStart(late, hourly, Date.parse('2026-01-01T11:09:00Z')),
      'now 11:09: 11:00 is still within reach',
    ).toBeUndefined();
    expect(
      missedStart(aCronJob('a'), hourly, Date.parse('2026-01-01T13:20:00Z')),
      'without startingDeadlineSeconds nothing is out of reach',
    ).toBeUndefined();
    const everyMinute = aCronJob('a', { schedule: '* * * * *', startingDeadlineSeconds: 10 });
    expect(
      missedStart(everyMinute, parseSchedule('* * * * *'), Date.parse('2026-03-01T00:00:30Z')),
      'every minute, deadline 10 s, two months late: the minute that turned 30 s ago',
    ).toBe(Date.parse('2026-03-01T00:00:00Z'));
    expect(
      rfc1123z(Date.parse('2026-01-01T13:00:00Z')),
      "13:00 UTC, as kube's message writes a time",
    ).toBe('Thu, 01 Jan 2026 13:00:00 +0000');
  });

  test("in a time zone, the schedule runs on that zone's wall clock", () => {
    const paris = aCronJob('a', { schedule: '0 9 * * *', timeZone: 'Europe/Paris' });
    paris.metadata.creationTimestamp = '2026-01-01T00:00:00Z';
    expect(
      mostRecentSchedule(paris, parseSchedule('0 9 * * *'), Date.parse('2026-01-01T08:30:00Z'))
        .scheduledTime,
      '"0 9 * * *" in Paris (UTC+1 in winter), now 8:30 UTC: 9:00 in Paris is 8:00 UTC, due',
    ).toBe(Date.parse('2026-01-01T08:00:00Z'));
  });

  test("a run's Job: the template's labels and spec, the scheduled time, controlled by the CronJob", () => {
    const job = jobFor(aCronJob('backup'), Date.parse('2026-01-01T10:01:00Z'));
    expect(job.metadata.name, 'its name').toBe('backup-29454361');
    expect(job.metadata.labels, 'its labels').toEqual({ app: 'backup' });
    expect(job.metadata.annotations, 'its annotations').toEqual({
      'batch.kubernetes.io/cronjob-scheduled-timestamp': '2026-01-01T10:01:00Z',
    });
    expect(job.metadata.ownerReferences, 'its controller').toEqual([
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        name: 'backup',
        uid: 'uid-backup',
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(job.spec.template.spec.restartPolicy, "the template's pod spec").toBe('OnFailure');
  });

  test('history keeps the newest 3 completed and 1 failed Jobs (or as the limits say); older ones go, oldest first', () => {
    const jobs = [
      finished('c1', 'Complete', 1),
      finished('c4', 'Complete', 4),
      finished('c2', 'Complete', 2),
      finished('c3', 'Complete', 3),
      finished('f1', 'Failed', 1),
      finished('f2', 'Failed', 2),
    ];
    const running: Job = {
      metadata: { name: 'r' },
      spec: { template: { spec: { containers: [] } } },
    };
    expect(
      historyToDelete(aCronJob('a'), [...jobs, running]).map((j) => j.metadata.name),
      'default limits 3 and 1',
    ).toEqual(['c1', 'f1']);
    expect(
      historyToDelete(
        aCronJob('a', { successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 0 }),
        jobs,
      ).map((j) => j.metadata.name),
      'limits 1 and 0',
    ).toEqual(['c1', 'c2', 'c3', 'f1', 'f2']);
  });

  test('each time the minute turns, a Job; the CronJob lists it as active and says when it ran', async () => {
    const { cronJobs, jobNames, tick } = await setUp();
    await cronJobs.create(aCronJob('tick'));
    await tick(31_000);
    await waitFor(async () => (await jobNames()).length === 1, 'the Job of 10:01');
    expect(await jobNames(), 'its name').toEqual([nameAt('tick', 1)]);
    await waitFor(
      async () => (await cronJobs.get('tick')).status?.active?.length === 1,
      'status.active',
    );
    expect((await cronJobs.get('tick')).status?.lastScheduleTime, 'lastScheduleTime').toBe(
      '2026-01-01T10:01:00Z',
    );
    await tick(60_000);
    await waitFor(
      async () => (await jobNames()).length === 2,
      'the Job of 10:02 beside it (Allow)',
    );
  });

  test('Forbid skips a run while a Job is active; Replace deletes the active Job and makes the new one', async () => {
    const { cronJobs, jobNames, tick } = await setUp();
    await cronJobs.create(aCronJob('solo', { concurrencyPolicy: 'Forbid' }));
    await cronJobs.create(aCronJob('fresh', { concurrencyPolicy: 'Replace' }));
    await tick(31_000);
    await waitFor(async () => (await jobNames()).length === 2, 'one Job of each at 10:01');
    await tick(60_000);
    await waitFor(
      async () => (await jobNames()).includes(nameAt('fresh', 2)),
      "fresh's Job of 10:02",
    );
    await waitFor(
      async () => !(await jobNames()).includes(nameAt('fresh', 1)),
      "fresh's Job of 10:01 deleted",
    );
    expect(await jobNames(), "solo's first Job still alone; fresh's replaced").toEqual(
      [nameAt('fresh', 2), nameAt('solo', 1)].sort(),
    );
  });

  test('finished Jobs beyond the history limit are deleted; lastSuccessfulTime follows the completed ones', async () => {
    const { cronJobs, jobNames, tick, complete } = await setUp();
    await cronJobs.create(aCronJob('tidy', { successfulJobsHistoryLimit: 1 }));
    await tick(31_000);
    await waitFor(async () => (await jobNames()).length === 1, 'the Job of 10:01');
    await complete(nameAt('tidy', 1));
    await tick(60_000);
    await waitFor(async () => (await jobNames()).length === 2, 'the Job of 10:02');
    await complete(nameAt('tidy', 2));
    await waitFor(async () => (await jobNames()).length === 1, 'the older completed Job deleted');
    expect(await jobNames(), 'the newest kept').toEqual([nameAt('tidy', 2)]);
    await waitFor(
      async () => (await cronJobs.get('tidy')).status?.lastSuccessfulTime !== undefined,
      'lastSuccessfulTime',
    );
  });

  test('suspended, no Jobs; resumed, only the most recent missed run is made', async () => {
    const { clock, cronJobs, jobNames, tick } = await setUp();
    await cronJobs.create(aCronJob('nap', { suspend: true }));
    await cronJobs.create(aCronJob('awake'));
    await tick(150_000);
    await waitFor(async () => (await jobNames()).length >= 1, "awake's Job");
    expect(
      (await jobNames()).filter((name) => name.startsWith('nap')),
      'no Job of nap while suspended',
    ).toEqual([]);
    await cronJobs.patch('nap', { spec: { suspend: false } });
    await waitFor(
      async () => (await jobNames()).some((name) => name.startsWith('nap')),
      "nap's Job once resumed",
    );
    expect(
      (await jobNames()).filter((name) => name.startsWith('nap')),
      `only the run of 10:03 (now ${new Date(clock.now()).toISOString()})`,
    ).toEqual([nameAt('nap', 3)]);
  });

  test('a run missed by more than startingDeadlineSeconds is not made, and is a Warning event, MissSchedule', async () => {
    const { client, cronJobs, jobNames, tick } = await setUp();
    await cronJobs.create(aCronJob('late', { suspend: true, startingDeadlineSeconds: 10 }));
    await cronJobs.create(aCronJob('awake'));
    await tick(80_000);
    await waitFor(async () => (await jobNames()).length >= 1, "awake's Job of 10:01");
    await cronJobs.patch('late', { spec: { suspend: false } });
    const events = client.resource<KubeEvent>('events', 'default');
    const missed = async () =>
      (await events.list()).items.filter((e) => e.reason === 'MissSchedule');
    await waitFor(async () => (await missed()).length > 0, 'a MissSchedule event');
    const [event] = await missed();
    expect(
      [event!.type, event!.involvedObject.name, event!.message],
      'resumed at 10:01:50, 50 s after the run of 10:01, with a deadline of 10 s',
    ).toEqual([
      'Warning',
      'late',
      'Missed scheduled time to start a job: Thu, 01 Jan 2026 10:01:00 +0000',
    ]);
    expect(
      (await jobNames()).filter((name) => name.startsWith('late')),
      'no Job made for the missed run',
    ).toEqual([]);
  });

  test('more than 100 runs missed is a Warning event, TooManyMissedTimes, and the latest run is still made', async () => {
    const { client, cronJobs, jobNames, tick } = await setUp();
    await cronJobs.create(aCronJob('behind'));
    await tick(3 * 3_600_000);
    const events = client.resource<KubeEvent>('events', 'default');
    const tooMany = async () =>
      (await events.list()).items.filter((e) => e.reason === 'TooManyMissedTimes');
    await waitFor(async () => (await tooMany()).length > 0, 'a TooManyMissedTimes event');
    await waitFor(async () => (await jobNames()).length > 0, 'the Job of 13:00');
    const [event] = await tooMany();
    expect(
      [event!.type, event!.message, await jobNames()],
      'created at 10:00:30, every minute, looked at again at 13:00:30 (180 runs due)',
    ).toEqual([
      'Warning',
      'too many missed start times: 180. Set or decrease .spec.startingDeadlineSeconds or check clock skew',
      [nameAt('behind', 180)],
    ]);
  });

  test('a schedule that does not parse is a Warning event, InvalidSchedule', async () => {
    const { client, cronJobs } = await setUp();
    await cronJobs.create(aCronJob('bad', { schedule: '61 * * * *' }));
    const events = client.resource<KubeEvent>('events', 'default');
    await waitFor(
      async () => (await events.list()).items.some((e) => e.reason === 'InvalidSchedule'),
      'an InvalidSchedule event',
    );
    const [event] = (await events.list()).items.filter((e) => e.reason === 'InvalidSchedule');
    expect([event!.type, event!.message], 'its type and message').toEqual([
      'Warning',
      'invalid schedule: 61 * * * * : end of range (61) above maximum (59): 61',
    ]);
  });
});
