// The CronJob controller: makes a Job each time the schedule comes round. It keeps no timer of
// its own beyond the work queue: each reconcile looks at the clock, finds the most recent time
// the schedule named since the last Job it made, makes that Job if it is still due, and asks the
// queue to bring the key back at the next scheduled time. The clock is injected, so a test can
// turn a minute in a millisecond.
//
// What a run may meet:
//   startingDeadlineSeconds   a scheduled time missed by longer is skipped: only the times
//                             within that many seconds before now are looked at
//   concurrencyPolicy         Allow: Jobs may overlap; Forbid: skip while one is active;
//                             Replace: delete the active ones, then make the new one
//   suspend                   no new Jobs (the running ones go on)
//   history limits            finished Jobs beyond successfulJobsHistoryLimit (3) and
//                             failedJobsHistoryLimit (1) are deleted, oldest first
//
// A Job's name is the CronJob's and the scheduled time in minutes since the epoch
// ("backup-29416320"): the same time always gives the same name, so a Job is never made twice.
import type { CronJob, CronJobStatus, Job, ObjectReference } from '../../harness/api/types.ts';
import type { ApiClient, Toolkit } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import type { Schedule } from './schedule.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ CronJobs';

export interface CronJobControllerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  clock?: TimerClock;
  workers?: number;
}

/** The name of the Job for the run scheduled at `scheduledTime`: "<cronjob>-<minutes since epoch>". */
export function jobNameFor(cronJob: CronJob, scheduledTime: number): string {
  throw new NotImplemented('jobNameFor', section);
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
  throw new NotImplemented('mostRecentSchedule', section);
}

/**
 * The latest scheduled time after the last run (lastScheduleTime, else the CronJob's creation)
 * that startingDeadlineSeconds put out of reach: no later than `now` minus the deadline. Undefined
 * when there is none, or no deadline. Look back an hour before `now` minus the deadline first,
 * then a day, 32 days and 366 days (never before the last run), so that a schedule of every minute
 * missed for months costs a few dozen steps of nextAfter.
 */
export function missedStart(cronJob: CronJob, schedule: Schedule, now: number): number | undefined {
  throw new NotImplemented('missedStart', section);
}

/**
 * A time as Go's RFC1123Z layout writes it in UTC: "Thu, 01 Jan 2026 13:00:00 +0000" (kube's
 * MissSchedule message uses it).
 */
export function rfc1123z(time: number): string {
  throw new NotImplemented('rfc1123z', section);
}

/**
 * The Job for the run at `scheduledTime`: its name from jobNameFor, the template's labels,
 * annotations and spec, the scheduled time as an annotation, controlled by the CronJob.
 */
export function jobFor(cronJob: CronJob, scheduledTime: number): Job {
  throw new NotImplemented('jobFor', section);
}

/**
 * The finished Jobs to delete: beyond the newest successfulJobsHistoryLimit (3) that completed
 * and the newest failedJobsHistoryLimit (1) that failed, oldest first.
 */
export function historyToDelete(cronJob: CronJob, jobs: Job[]): Job[] {
  throw new NotImplemented('historyToDelete', section);
}

/** A reference to a Job, as status.active lists them. */
export function referenceTo(job: Job): ObjectReference {
  throw new NotImplemented('referenceTo', section);
}

/** The key of the CronJob that controls `job`, if one does. */
export function cronJobKeyOf(job: Job): string[] {
  throw new NotImplemented('cronJobKeyOf', section);
}

export class CronJobController {
  private readonly options: CronJobControllerOptions;
  private readonly clock: TimerClock;

  /**
   * Make the informers here, once: on cronjobs, and on jobs with the ownerUid index. reconcile
   * reads them; run runs them.
   */
  constructor(options: CronJobControllerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * A work queue on this.clock (so the next run comes when the clock says), and a controller on
   * it (options.workers, 2 by default) whose reconcile is `reconcile`, watching the CronJobs, and
   * the Jobs mapped with cronJobKeyOf.
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('CronJobController.run', section);
  }

  /**
   * One CronJob, by key. Gone or being deleted: nothing. From its Jobs (ownerUid index): the
   * status (active: referenceTo each unfinished Job; lastScheduleTime kept; lastSuccessfulTime the
   * latest completionTime of a completed Job, or the one it had); deleteJobs(historyToDelete).
   * A bad timeZone is a Warning event UnknownTimeZone, a bad schedule one InvalidSchedule
   * ("invalid schedule: <schedule> : <error>"); otherwise, unless suspended, runDue. Then
   * writeStatus.
   */
  async reconcile(key: string): Promise<void> {
    throw new NotImplemented('CronJobController.reconcile', section);
  }

  /**
   * Asks the queue to come back 100 ms after the next scheduled time. Then the most recent
   * scheduled time not run (mostRecentSchedule); none: a Warning event MissSchedule ("Missed
   * scheduled time to start a job: <rfc1123z>") if missedStart finds one, and done. Its Job already in status.active
   * (the cache lags behind this controller's own writes): set status.lastScheduleTime, done.
   * More than 100 runs due (missed + 1): a Warning event TooManyMissedTimes ("too many missed
   * start times: <missed + 1>. Set or decrease .spec.startingDeadlineSeconds or check clock
   * skew"), and go on. Forbid with Jobs active: done. Replace with Jobs active: deleteJobs of the unfinished ones.
   * Create jobFor(cronJob, scheduledTime) (AlreadyExists is fine), add it to status.active with a
   * SuccessfulCreate event ("Created job <name>"), and set status.lastScheduleTime.
   */
  async runDue(
    cronJob: CronJob,
    key: string,
    schedule: Schedule,
    status: CronJobStatus,
  ): Promise<void> {
    throw new NotImplemented('CronJobController.runDue', section);
  }

  /**
   * Deletes Jobs with propagationPolicy Background (their pods go too), each with a
   * SuccessfulDelete event ("Deleted job <name>"); one already gone (NotFound) is fine.
   */
  async deleteJobs(cronJob: CronJob, doomed: Job[]): Promise<void> {
    throw new NotImplemented('CronJobController.deleteJobs', section);
  }

  /**
   * Writes `status` (fields undefined and an empty active left out) to the status subresource with
   * updateWithRetry, unless it is what the CronJob has; a later lastScheduleTime already stored is
   * kept (a status computed from a lagging cache must not move it back). A CronJob gone meanwhile
   * is fine.
   */
  async writeStatus(cronJob: CronJob, status: CronJobStatus): Promise<void> {
    throw new NotImplemented('CronJobController.writeStatus', section);
  }
}

export function createCronJobController(options: CronJobControllerOptions): CronJobController {
  return new CronJobController(options);
}
