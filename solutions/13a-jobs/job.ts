// The Job controller: runs a Job's pods until enough succeed, then says Complete, or until too
// many fail or its deadline passes, then says Failed. Like chapter 07's ReplicaSet controller it
// is a reconcile loop over Jobs and their pods (a pod's events wake its Job), and it notes the
// pods it creates as expectations, so a slow watch never makes it create them twice.
//
// reconcile(key), one step:
//   1. gone or being deleted: nothing; finished: only its time to live (ttlSecondsAfterFinished);
//   2. suspended: its active pods are deleted, Suspended True;
//   3. failing (back-off limit, deadline): its active pods are deleted, Failed True;
//   4. complete: Complete True, completionTime;
//   5. otherwise more pods, as parallelism allows, once the back-off since the last failure is over;
//   6. the status, written when it changed; the key comes back at the deadline or back-off's end.
import type { Job, JobStatus, Pod } from '../../harness/api/types.ts';
import { isNotFound } from '../../harness/client/errors.ts';
import { recordEvent } from '../../harness/client/events.ts';
import type { ApiClient, Informer, Toolkit } from '../../harness/client/types.ts';
import { rfc3339, systemClock, type TimerClock } from '../../harness/clock.ts';
import {
  backoffDelay,
  countPods,
  indexesToStart,
  isActive,
  isOwnedBy,
  lastFailureTime,
  podFor,
  podsWanted,
} from './job-pods.ts';
import {
  expiresAt,
  failureOf,
  hasCondition,
  isComplete,
  isFinished,
  podStatus,
  withCondition,
} from './job-status.ts';

export interface JobControllerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  clock?: TimerClock;
  workers?: number;
}

/**
 * Pod creations a Job's reconcile asked for and its informer has not shown yet, by Job key.
 * Until they are seen, the Job's pods are not counted again.
 */
export class PodExpectations {
  private readonly pending = new Map<string, number>();

  expectCreations(key: string, count: number): void {
    this.pending.set(key, (this.pending.get(key) ?? 0) + count);
  }

  creationObserved(key: string): void {
    const left = (this.pending.get(key) ?? 0) - 1;
    if (left > 0) this.pending.set(key, left);
    else this.pending.delete(key);
  }

  satisfied(key: string): boolean {
    return !this.pending.has(key);
  }
}

/** The key of the Job that controls `pod`, if a Job does. */
export function jobKeyOf(pod: Pod): string[] {
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
  return owner?.kind === 'Job' ? [`${pod.metadata.namespace}/${owner.name}`] : [];
}

/** The conditions this controller sets, with Kubernetes' reasons and messages. */
const complete = {
  type: 'Complete',
  status: 'True' as const,
  reason: 'CompletionsReached',
  message: 'Reached expected number of succeeded pods',
};
const suspended = {
  type: 'Suspended',
  status: 'True' as const,
  reason: 'JobSuspended',
  message: 'Job suspended',
};
const resumed = {
  type: 'Suspended',
  status: 'False' as const,
  reason: 'JobResumed',
  message: 'Job resumed',
};

export class JobController {
  private readonly options: JobControllerOptions;
  private readonly clock: TimerClock;
  readonly expectations = new PodExpectations();
  private readonly jobs: Informer<Job>;
  private readonly pods: Informer<Pod>;
  private requeueAfter: (key: string, delayMs: number) => void = () => {};

  constructor(options: JobControllerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    const { toolkit, client } = options;
    this.jobs = toolkit.createInformer(client.resource<Job>('jobs'));
    this.pods = toolkit.createInformer(client.resource<Pod>('pods'), {
      indexers: { ownerUid: toolkit.indexers.ownerUid },
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    const { toolkit } = this.options;
    const queue = toolkit.createWorkQueue({ clock: this.clock });
    const controller = toolkit.createController({
      name: 'job-controller',
      workers: this.options.workers ?? 4,
      queue,
      reconcile: (key) => this.reconcile(key),
    });
    this.pods.addEventHandlers({
      add: (pod) => jobKeyOf(pod).forEach((key) => this.expectations.creationObserved(key)),
    });
    controller.watch(this.jobs);
    controller.watch(this.pods, jobKeyOf);
    this.requeueAfter = (key, delayMs) => queue.addAfter(key, delayMs);
    await controller.run(signal);
  }

  async reconcile(key: string): Promise<void> {
    const job = this.jobs.get(key);
    if (!job || job.metadata.deletionTimestamp) return;
    if (isFinished(job)) return this.expire(job, key);
    if (!this.expectations.satisfied(key)) return;
    const pods = this.pods.byIndex('ownerUid', job.metadata.uid!).filter((p) => isOwnedBy(job, p));
    const active = pods.filter(isActive);
    const now = this.clock.now();
    const status: JobStatus = { ...podStatus(job, pods), conditions: job.status?.conditions };
    if (job.spec.suspend) {
      await this.deletePods(active);
      return this.suspend(job, status, now);
    }
    status.startTime = job.status?.startTime ?? rfc3339(now);
    if (hasCondition(job, 'Suspended')) {
      // Resumed: the deadline counts from now again.
      status.startTime = rfc3339(now);
      status.conditions = withCondition(status.conditions, resumed, now);
    }
    const counts = countPods(pods);
    const failure = failureOf(job, counts, Date.parse(status.startTime), now);
    if (failure) {
      await this.deletePods(active);
      [status.active, status.ready] = [undefined, 0];
      status.conditions = withCondition(
        status.conditions,
        { type: 'Failed', status: 'True', ...failure },
        now,
      );
      await this.event(job, 'Warning', failure.reason, failure.message);
    } else if (isComplete(job, pods, counts)) {
      status.completionTime = rfc3339(now);
      status.conditions = withCondition(status.conditions, complete, now);
      await this.event(job, 'Normal', 'Completed', 'Job completed');
    } else {
      await this.startPods(job, key, pods, now);
      this.requeueAtDeadline(job, key, Date.parse(status.startTime), now);
    }
    await this.writeStatus(job, status);
  }

  /** Creates the pods the Job needs now, unless the back-off since the last failure still runs. */
  async startPods(job: Job, key: string, pods: Pod[], now: number): Promise<void> {
    const counts = countPods(pods);
    const waitUntil = (lastFailureTime(pods) ?? 0) + backoffDelay(counts.failed);
    if (counts.failed > 0 && waitUntil > now) {
      this.requeueAfter(key, waitUntil - now);
      return;
    }
    const indexed = job.spec.completionMode === 'Indexed';
    const wanted = indexed
      ? indexesToStart(job, pods)
      : Array(podsWanted(job, counts)).fill(undefined);
    if (wanted.length === 0) return;
    const client = this.options.client.resource<Pod>('pods', job.metadata.namespace);
    this.expectations.expectCreations(key, wanted.length);
    const results = await Promise.allSettled(
      wanted.map((index) => client.create(podFor(job, index))),
    );
    // Events are told without waiting on each other: they say what happened, they decide nothing.
    await Promise.all(
      results.map((result) => {
        if (result.status === 'rejected') return this.expectations.creationObserved(key);
        const message = `Created pod: ${result.value.metadata.name}`;
        return this.event(job, 'Normal', 'SuccessfulCreate', message);
      }),
    );
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  /** The key comes back when activeDeadlineSeconds runs out. */
  private requeueAtDeadline(job: Job, key: string, startTime: number, now: number): void {
    const deadline = job.spec.activeDeadlineSeconds;
    if (deadline !== undefined) this.requeueAfter(key, startTime + deadline * 1000 - now);
  }

  private async suspend(job: Job, status: JobStatus, now: number): Promise<void> {
    if (!hasCondition(job, 'Suspended')) {
      status.conditions = withCondition(status.conditions, suspended, now);
      await this.event(job, 'Normal', 'Suspended', 'Job suspended');
    }
    status.startTime = undefined;
    await this.writeStatus(job, status);
  }

  /** A finished Job with a time to live is deleted when it runs out, with its pods first. */
  async expire(job: Job, key: string): Promise<void> {
    const at = expiresAt(job);
    if (at === undefined) return;
    const now = this.clock.now();
    if (at > now) return this.requeueAfter(key, at - now);
    await this.options.client
      .resource<Job>('jobs', job.metadata.namespace)
      .delete(job.metadata.name!, { propagationPolicy: 'Foreground' })
      .catch(ignoreNotFound);
  }

  /** Deletes pods; one already gone is fine. */
  async deletePods(pods: Pod[]): Promise<void> {
    await Promise.all(
      pods.map((pod) =>
        this.options.client
          .resource<Pod>('pods', pod.metadata.namespace)
          .delete(pod.metadata.name!)
          .catch(ignoreNotFound),
      ),
    );
  }

  /** Writes `status` to the status subresource, unless it is what the Job has. */
  async writeStatus(job: Job, status: JobStatus): Promise<void> {
    const next = JSON.parse(JSON.stringify(status)) as JobStatus;
    if (JSON.stringify(next) === JSON.stringify(job.status ?? {})) return;
    await this.options.toolkit
      .updateWithRetry(
        this.options.client.resource<Job>('jobs', job.metadata.namespace),
        job.metadata.name!,
        (current) => {
          current.status = next;
        },
        { status: true },
      )
      .catch(ignoreNotFound);
  }

  private event(job: Job, type: 'Normal' | 'Warning', reason: string, message: string) {
    const about = { ...job, apiVersion: 'batch/v1', kind: 'Job' };
    return recordEvent(
      this.options.client,
      'job-controller',
      about,
      { type, reason, message },
      this.clock,
    );
  }
}

function ignoreNotFound(error: unknown): undefined {
  if (isNotFound(error)) return undefined;
  throw error;
}

export function createJobController(options: JobControllerOptions): JobController {
  return new JobController(options);
}
