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
import type { ApiClient, Toolkit } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Jobs';

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
  /** Adds `count` creations to those expected for `key`. */
  expectCreations(key: string, count: number): void {
    throw new NotImplemented('PodExpectations.expectCreations', section);
  }

  /** One expected creation for `key` was seen; none left, `key` is forgotten. */
  creationObserved(key: string): void {
    throw new NotImplemented('PodExpectations.creationObserved', section);
  }

  /** Whether no creation is expected for `key`. */
  satisfied(key: string): boolean {
    throw new NotImplemented('PodExpectations.satisfied', section);
  }
}

/** The key of the Job that controls `pod`, if a Job does. */
export function jobKeyOf(pod: Pod): string[] {
  throw new NotImplemented('jobKeyOf', section);
}

export class JobController {
  private readonly options: JobControllerOptions;
  private readonly clock: TimerClock;
  readonly expectations = new PodExpectations();

  /**
   * Make the informers here, once: on jobs, and on pods with the ownerUid index. reconcile reads
   * them; run runs them.
   */
  constructor(options: JobControllerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * A work queue on this.clock (so back-off and deadlines follow it), and a controller on it
   * (options.workers, 4 by default) whose reconcile is `reconcile`, watching the Jobs, and the
   * pods mapped with jobKeyOf. A pod added lowers its Job's expected creations.
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('JobController.run', section);
  }

  /**
   * One Job, by key. Gone or being deleted: nothing. Finished: expire. Expectations not
   * satisfied: nothing. Else, from its pods (ownerUid index, isOwnedBy) and the clock's now:
   * suspended: delete the active pods, Suspended True (an event, once), no startTime; otherwise
   * startTime (kept, or now; now again when it was Suspended, with Suspended False JobResumed);
   * failureOf: delete the active pods, Failed True with its reason, a Warning event; isComplete:
   * completionTime now, Complete True CompletionsReached "Reached expected number of succeeded
   * pods", a Completed event; else startPods, and come back at the deadline. Then writeStatus:
   * podStatus and the conditions.
   */
  async reconcile(key: string): Promise<void> {
    throw new NotImplemented('JobController.reconcile', section);
  }

  /**
   * The pods the Job needs now (indexesToStart for an Indexed Job, podsWanted otherwise), created
   * with podFor and expected first, a SuccessfulCreate event for each ("Created pod: <name>");
   * a failed creation is no longer expected, and its error is thrown. While the back-off since
   * the last failure (lastFailureTime + backoffDelay(failed)) runs, none: the key comes back then.
   */
  async startPods(job: Job, key: string, pods: Pod[], now: number): Promise<void> {
    throw new NotImplemented('JobController.startPods', section);
  }

  /**
   * A finished Job is deleted at expiresAt (propagationPolicy Foreground, its pods with it); before
   * then, the key comes back at that time. No ttl: nothing. Already gone: fine.
   */
  async expire(job: Job, key: string): Promise<void> {
    throw new NotImplemented('JobController.expire', section);
  }

  /** Deletes pods; one already gone (NotFound) is fine. */
  async deletePods(pods: Pod[]): Promise<void> {
    throw new NotImplemented('JobController.deletePods', section);
  }

  /**
   * Writes `status` (fields undefined left out) to the Job's status subresource with
   * updateWithRetry, unless it is what the Job has. A Job gone meanwhile is fine.
   */
  async writeStatus(job: Job, status: JobStatus): Promise<void> {
    throw new NotImplemented('JobController.writeStatus', section);
  }
}

export function createJobController(options: JobControllerOptions): JobController {
  return new JobController(options);
}
