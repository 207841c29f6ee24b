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
import type { LeaderElectionOptions, LeaderElector } from '../../harness/client/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Leader election';

/** A Lease's MicroTime: RFC 3339 with six fractional digits, "2026-01-02T03:04:05.678000Z". */
export function microTime(milliseconds: number): string {
  throw new NotImplemented('microTime', section);
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
   * Until the signal aborts: try to acquire or renew; on success lead, else sleep a retry period.
   *
   * One try: get the Lease. Missing: create it holding it (holderIdentity, leaseDurationSeconds,
   * acquireTime and renewTime as microTime(now), leaseTransitions 0). Found: note it as seen now if
   * its holder or renewTime changed since last seen (and call onNewLeader when the holder changed);
   * if someone else holds it and lease duration has not passed since it was last seen to change,
   * fail; else update it with yourself as holder and renewTime now (keep acquireTime and
   * leaseTransitions when renewing, count a transition when taking over). Any error: fail.
   *
   * Leading: isLeader() true, onStartedLeading(a signal of your own); every retry period renew;
   * when renewals have failed for renewDeadline, or the run's signal aborts, stop: isLeader()
   * false, abort your signal, onStoppedLeading(); when the run's signal aborted, release the Lease
   * (holderIdentity "") so another can take it at once.
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('LeaseLeaderElector.run', section);
  }
}

export function createLeaderElector(options: LeaderElectionOptions): LeaderElector {
  return new LeaseLeaderElector(options);
}
