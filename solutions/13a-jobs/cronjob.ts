// The CronJob controller: makes a Job each time the schedule comes round. It keeps no timer of
// its own beyond the work queue: each reconcile looks at the clock, finds the most recent time
// the schedule named since the last Job it made, makes that Job if it is still due, and asks the
// queue to bring the key back at the next scheduled time. The clock is injected, so a test can
// turn a minute in a millisecond.
//
// What a run may meet:
//   startingDeadlineSeconds   a scheduled time missed by longer is skipped: only the times
//                             within that many seconds before now are looked at, and the
//                             skipped one is told of (a MissSchedule Warning event); over a
//                             hundred runs due at once is a TooManyMissedTimes Warning event
//   concurrencyPolicy         Allow: Jobs may overlap; Forbid: skip while one is active;
//                             Replace: delete the active ones, then make the new one
//   suspend                   no new Jobs (the running ones go on)
//   history limits            finished Jobs beyond successfulJobsHistoryLimit (3) and
//                             failedJobsHistoryLimit (1) are deleted, oldest first
//
// A Job's name is the CronJob's and the scheduled time in minutes since the epoch
// ("backup-29416320"): the same time always gives the same name, so a Job is never made twice.
import { scheduledTimestampAnnotation } from '../../harness/api/batch.ts';
import type { CronJob, CronJobStatus, Job, ObjectReference } from '../../harness/api/types.ts';
import { isAlreadyExists, isNotFound } from '../../harness/client/errors.ts';
import { recordEvent } from '../../harness/client/events.ts';
import type { ApiClient, Informer, Toolkit } from '../../harness/client/types.ts';
import { rfc3339, systemClock, type TimerClock } from '../../harness/clock.ts';
import { hasCondition, isFinished } from './job-status.ts';
import { checkTimeZone, nextAfter, parseSchedule, type Schedule } from './schedule.ts';

export interface CronJobControllerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  clock?: TimerClock;
  workers?: number;
}

/** The name of the Job for the run scheduled at `scheduledTime`: "<cronjob>-<minutes since epoch>". */
export function jobNameFor(cronJob: CronJob, scheduledTime: number): string {
  return `${cronJob.metadata.name}-${Math.floor(scheduledTime / 60_000)}`;
}

/** The most recent scheduled time not yet run, and how many were passed over to reach it. */
export interface Due {
  scheduledTime?: number;
  missed: number;
}

/**
 * The latest time the schedule names after the last run (lastScheduleTime, else the CronJob's
 * creation) and no later than `now`. With startingDeadlineSeconds, times older than that many
 * seconds before `now` are not even looked at. `missed` counts the times passed over.
 */
export function mostRecentSchedule(cronJob: CronJob, schedule: Schedule, now: number): Due {
  let earliest = Date.parse(
    cronJob.status?.lastScheduleTime ?? cronJob.metadata.creationTimestamp ?? '',
  );
  if (Number.isNaN(earliest)) earliest = now;
  const deadline = cronJob.spec.startingDeadlineSeconds;
  if (deadline !== undefined) earliest = Math.max(earliest, now - deadline * 1000);
  const due: Due = { missed: 0 };
  for (let t = nextAfter(schedule, earliest, cronJob.spec.timeZone); t !== undefined && t <= now;) {
    if (due.scheduledTime !== undefined) due.missed++;
    due.scheduledTime = t;
    t = nextAfter(schedule, t, cronJob.spec.timeZone);
  }
  return due;
}

/** More runs due at once than this is told of with a TooManyMissedTimes Warning event. */
const TOO_MANY_MISSED = 100;

/** How far back missedStart looks for a run the deadline skipped, nearest first. */
const LOOK_BACK_MS = [3_600_000, 86_400_000, 32 * 86_400_000, 366 * 86_400_000];

/**
 * The latest scheduled time since the last run that startingDeadlineSeconds put out of reach (no
 * later than `now` minus the deadline), or undefined: none, or no deadline. kube's controller
 * tells of it with a MissSchedule event. It looks back an hour first, then further, so an
 * every-minute schedule missed for a month costs sixty steps, not forty thousand.
 */
export function missedStart(cronJob: CronJob, schedule: Schedule, now: number): number | undefined {
  const deadline = cronJob.spec.startingDeadlineSeconds;
  if (deadline === undefined) return undefined;
  const reach = now - deadline * 1000;
  const earliest = Date.parse(
    cronJob.status?.lastScheduleTime ?? cronJob.metadata.creationTimestamp ?? '',
  );
  if (Number.isNaN(earliest)) return undefined;
  const zone = cronJob.spec.timeZone;
  for (const lookBack of LOOK_BACK_MS) {
    const from = Math.max(earliest, reach - lookBack);
    let latest: number | undefined;
    for (let t = nextAfter(schedule, from, zone); t !== undefined && t <= reach;) {
      latest = t;
      t = nextAfter(schedule, t, zone);
    }
    if (latest !== undefined || from === earliest) return latest;
  }
  return undefined;
}

/** A time as kube's MissSchedule message gives it: Go's RFC1123Z in UTC. */
export function rfc1123z(time: number): string {
  return new Date(time).toUTCString().replace('GMT', '+0000');
}

/**
 * The Job for the run at `scheduledTime`: its name from jobNameFor, the template's labels,
 * annotations and spec, the scheduled time as an annotation, controlled by the CronJob.
 */
export function jobFor(cronJob: CronJob, scheduledTime: number): Job {
  const template = structuredClone(cronJob.spec.jobTemplate);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      ...template.metadata,
      name: jobNameFor(cronJob, scheduledTime),
      namespace: cronJob.metadata.namespace,
      annotations: {
        ...template.metadata?.annotations,
        [scheduledTimestampAnnotation]: rfc3339(scheduledTime),
      },
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          name: cronJob.metadata.name!,
          uid: cronJob.metadata.uid!,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: template.spec,
  };
}

/** When a Job started, for ordering history: its startTime, else its creation. */
function startedAt(job: Job): number {
  return Date.parse(job.status?.startTime ?? job.metadata.creationTimestamp ?? '') || 0;
}

/**
 * The finished Jobs to delete: beyond the newest successfulJobsHistoryLimit (3) that completed
 * and the newest failedJobsHistoryLimit (1) that failed, oldest first.
 */
export function historyToDelete(cronJob: CronJob, jobs: Job[]): Job[] {
  const surplus = (finished: Job[], limit: number) =>
    finished
      .sort((a, b) => startedAt(a) - startedAt(b))
      .slice(0, Math.max(0, finished.length - limit));
  return [
    ...surplus(
      jobs.filter((job) => hasCondition(job, 'Complete')),
      cronJob.spec.successfulJobsHistoryLimit ?? 3,
    ),
    ...surplus(
      jobs.filter((job) => hasCondition(job, 'Failed')),
      cronJob.spec.failedJobsHistoryLimit ?? 1,
    ),
  ];
}

/** A reference to a Job, as status.active lists them. */
export function referenceTo(job: Job): ObjectReference {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    name: job.metadata.name,
    namespace: job.metadata.namespace,
    uid: job.metadata.uid,
  };
}

/** The key of the CronJob that controls `job`, if one does. */
export function cronJobKeyOf(job: Job): string[] {
  const owner = job.metadata.ownerReferences?.find((o) => o.controller);
  return owner?.kind === 'CronJob' ? [`${job.metadata.namespace}/${owner.name}`] : [];
}

export class CronJobController {
  private readonly options: CronJobControllerOptions;
  private readonly clock: TimerClock;
  private readonly cronJobs: Informer<CronJob>;
  private readonly jobs: Informer<Job>;
  private requeueAfter: (key: string, delayMs: number) => void = () => {};

  constructor(options: CronJobControllerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    const { toolkit, client } = options;
    this.cronJobs = toolkit.createInformer(client.resource<CronJob>('cronjobs'));
    this.jobs = toolkit.createInformer(client.resource<Job>('jobs'), {
      indexers: { ownerUid: toolkit.indexers.ownerUid },
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    const { toolkit } = this.options;
    const queue = toolkit.createWorkQueue({ clock: this.clock });
    const controller = toolkit.createController({
      name: 'cronjob-controller',
      workers: this.options.workers ?? 2,
      queue,
      reconcile: (key) => this.reconcile(key),
    });
    controller.watch(this.cronJobs);
    controller.watch(this.jobs, cronJobKeyOf);
    this.requeueAfter = (key, delayMs) => queue.addAfter(key, delayMs);
    await controller.run(signal);
  }

  async reconcile(key: string): Promise<void> {
    const cronJob = this.cronJobs.get(key);
    if (!cronJob || cronJob.metadata.deletionTimestamp) return;
    const jobs = this.jobs.byIndex('ownerUid', cronJob.metadata.uid!);
    const status: CronJobStatus = {
      active: jobs.filter((job) => !isFinished(job)).map(referenceTo),
      lastScheduleTime: cronJob.status?.lastScheduleTime,
      lastSuccessfulTime: lastSuccess(cronJob, jobs),
    };
    await this.deleteJobs(cronJob, historyToDelete(cronJob, jobs));
    const schedule = await this.scheduleOf(cronJob);
    if (schedule && !cronJob.spec.suspend) await this.runDue(cronJob, key, schedule, status);
    await this.writeStatus(cronJob, status);
  }

  /** The parsed schedule, or undefined (with a Warning event) for a bad schedule or time zone. */
  private async scheduleOf(cronJob: CronJob): Promise<Schedule | undefined> {
    try {
      if (cronJob.spec.timeZone !== undefined) checkTimeZone(cronJob.spec.timeZone);
    } catch (error) {
      await this.event(cronJob, 'Warning', 'UnknownTimeZone', (error as Error).message);
      return undefined;
    }
    try {
      return parseSchedule(cronJob.spec.schedule);
    } catch (error) {
      const message = `invalid schedule: ${cronJob.spec.schedule} : ${(error as Error).message}`;
      await this.event(cronJob, 'Warning', 'InvalidSchedule', message);
      return undefined;
    }
  }

  /** Makes the Job of the most recent scheduled time, if still due and allowed; requeues for the next. */
  async runDue(
    cronJob: CronJob,
    key: string,
    schedule: Schedule,
    status: CronJobStatus,
  ): Promise<void> {
    const now = this.clock.now();
    const next = nextAfter(schedule, now, cronJob.spec.timeZone);
    // A little after the minute turns, so the clock has surely passed it.
    if (next !== undefined) this.requeueAfter(key, next - now + 100);
    const { scheduledTime, missed } = mostRecentSchedule(cronJob, schedule, now);
    if (scheduledTime === undefined) return this.tellMissed(cronJob, schedule, now);
    // Already made (the cache may not show the status that says so yet): nothing to do.
    const name = jobNameFor(cronJob, scheduledTime);
    if (status.active!.some((job) => job.name === name)) {
      status.lastScheduleTime = rfc3339(scheduledTime);
      return;
    }
    // Over a hundred runs due at once: a clock that jumped, or a long suspension. Told, as kube
    // does, counting the latest run too; only that one is made.
    if (missed + 1 > TOO_MANY_MISSED) {
      const message = `too many missed start times: ${missed + 1}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`;
      await this.event(cronJob, 'Warning', 'TooManyMissedTimes', message);
    }
    const policy = cronJob.spec.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && status.active!.length > 0) return;
    if (policy === 'Replace' && status.active!.length > 0) {
      const active = this.jobs
        .byIndex('ownerUid', cronJob.metadata.uid!)
        .filter((job) => !isFinished(job));
      await this.deleteJobs(cronJob, active);
      status.active = [];
    }
    const jobs = this.options.client.resource<Job>('jobs', cronJob.metadata.namespace);
    const created = await jobs.create(jobFor(cronJob, scheduledTime)).catch((error: unknown) => {
      if (isAlreadyExists(error)) return undefined;
      throw error;
    });
    if (created) {
      status.active!.push(referenceTo(created));
      await this.event(
        cronJob,
        'Normal',
        'SuccessfulCreate',
        `Created job ${created.metadata.name}`,
      );
    }
    status.lastScheduleTime = rfc3339(scheduledTime);
  }

  /**
   * A Warning event, MissSchedule, when the deadline put a run out of reach. Like kube's, it is
   * told again at each pass until a run is made (the recorder counts the repeats), since
   * lastScheduleTime stays where the last run left it.
   */
  private async tellMissed(cronJob: CronJob, schedule: Schedule, now: number): Promise<void> {
    const missed = missedStart(cronJob, schedule, now);
    if (missed === undefined) return;
    const message = `Missed scheduled time to start a job: ${rfc1123z(missed)}`;
    await this.event(cronJob, 'Warning', 'MissSchedule', message);
  }

  /** Deletes Jobs with their pods (in the background); one already gone is fine. */
  async deleteJobs(cronJob: CronJob, doomed: Job[]): Promise<void> {
    const jobs = this.options.client.resource<Job>('jobs', cronJob.metadata.namespace);
    for (const job of doomed) {
      try {
        await jobs.delete(job.metadata.name!, { propagationPolicy: 'Background' });
        await this.event(cronJob, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
  }

  /** Writes `status` to the status subresource, unless it is what the CronJob has. */
  async writeStatus(cronJob: CronJob, status: CronJobStatus): Promise<void> {
    const next = JSON.parse(JSON.stringify(status)) as CronJobStatus;
    if (next.active?.length === 0) delete next.active;
    if (JSON.stringify(next) === JSON.stringify(cronJob.status ?? {})) return;
    await this.options.toolkit
      .updateWithRetry(
        this.options.client.resource<CronJob>('cronjobs', cronJob.metadata.namespace),
        cronJob.metadata.name!,
        (current) => {
          // A status written from a cache that lags keeps the latest run the stored one knows.
          const stored = current.status?.lastScheduleTime ?? '';
          if (stored > (next.lastScheduleTime ?? '')) next.lastScheduleTime = stored;
          current.status = next;
        },
        { status: true },
      )
      .catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
  }

  private event(cronJob: CronJob, type: 'Normal' | 'Warning', reason: string, message: string) {
    const about = { ...cronJob, apiVersion: 'batch/v1', kind: 'CronJob' };
    return recordEvent(
      this.options.client,
      'cronjob-controller',
      about,
      { type, reason, message },
      this.clock,
    );
  }
}

/** The latest completionTime of a Job that completed, or what the status said before. */
function lastSuccess(cronJob: CronJob, jobs: Job[]): string | undefined {
  const times = jobs
    .filter((job) => hasCondition(job, 'Complete'))
    .map((job) => job.status?.completionTime ?? '');
  return [cronJob.status?.lastSuccessfulTime ?? '', ...times].sort().at(-1) || undefined;
}

export function createCronJobController(options: CronJobControllerOptions): CronJobController {
  return new CronJobController(options);
}
