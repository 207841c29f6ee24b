// Leader election: several copies of a component run (on several control-plane nodes), and one
// acts. They agree through one Lease object: whoever's name is in spec.holderIdentity, with a
// recent spec.renewTime, leads. The leader renews every retry period; the others try as often and
// take the Lease over only once it has gone unrenewed for leaseDurationSeconds.
//
// "Unrenewed for how long" is judged by each candidate's own clock, from the moment it last saw the
// Lease change, never by comparing renewTime with its clock: the machines' clocks need not agree.
// And the leader gives up if it could not renew for renewDeadline, which is shorter than the lease
// duration, so it has stopped acting before anyone else may start. Writes carry the
// resourceVersion they read, so of two candidates racing for a free Lease exactly one wins; the
// other gets 409 Conflict.
import type { LeaseSpec } from '../../harness/api/types.ts';
import type { LeaderElectionOptions, LeaderElector } from '../../harness/client/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Leader election';

/** A Lease's MicroTime: RFC 3339 with six fractional digits, "2026-01-02T03:04:05.678000Z". */
export function microTime(milliseconds: number): string {
  throw new NotImplemented('microTime', section);
}

/**
 * The spec a candidate writes to hold the Lease at `now`: holderIdentity `identity`, renewTime
 * microTime(now), leaseDurationSeconds the lease duration in whole seconds (rounded up).
 * - creating it (`current` undefined): acquireTime now, leaseTransitions 0;
 * - renewing (`current` is held by `identity`): acquireTime and leaseTransitions as they were;
 * - taking it over (held by another, or by nobody, "", after a release): acquireTime now, and one
 *   more leaseTransition than `current` had (none counts as 0).
 */
export function leaseSpecFor(
  current: LeaseSpec | undefined,
  identity: string,
  now: number,
  leaseDurationMs: number,
): LeaseSpec {
  throw new NotImplemented('leaseSpecFor', section);
}

/**
 * Defaults: leaseDurationMs 15 s, renewDeadlineMs 10 s, retryPeriodMs 2 s, the system clock. The
 * Lease is options.client.resource('leases', options.namespace), named options.name.
 */
export class LeaseLeaderElector implements LeaderElector {
  constructor(options: LeaderElectionOptions) {
    throw new NotImplemented('LeaseLeaderElector constructor', section);
  }

  isLeader(): boolean {
    throw new NotImplemented('LeaseLeaderElector.isLeader', section);
  }

  /**
   * One try, at the clock's now; true when this candidate holds the Lease afterwards, false on any
   * failure (nothing is thrown). Get the Lease:
   * - missing (404): create it with leaseSpecFor(undefined, ...);
   * - found: first note it as seen now if its holder or renewTime changed since you last saw it
   *   (calling onNewLeader when the holder changed). If someone else holds it and a lease duration
   *   has not passed since you last saw it change (by your clock, never by its renewTime), fail.
   *   Otherwise update it with leaseSpecFor(its spec, ...), which carries its resourceVersion: a
   *   candidate that wrote first makes this a 409, a failure.
   * After a write that succeeded, note what you wrote as seen now (onNewLeader on taking over).
   */
  async tryAcquireOrRenew(): Promise<boolean> {
    throw new NotImplemented('LeaseLeaderElector.tryAcquireOrRenew', section);
  }

  /**
   * Until the signal aborts: tryAcquireOrRenew; on success lead, else sleep a retry period.
   *
   * Leading: isLeader() true, onStartedLeading(a signal of your own); every retry period renew
   * (tryAcquireOrRenew); when renewals have failed for renewDeadline, or the run's signal aborts,
   * stop: isLeader() false, abort your signal, onStoppedLeading(); when the run's signal aborted,
   * release the Lease (update it with holderIdentity "", if you still hold it) so another can take
   * it at once.
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('LeaseLeaderElector.run', section);
  }
}

export function createLeaderElector(options: LeaderElectionOptions): LeaderElector {
  return new LeaseLeaderElector(options);
}
