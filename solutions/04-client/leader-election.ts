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
import type { Lease, LeaseSpec } from '../../harness/api/types.ts';
import { isNotFound } from '../../harness/client/errors.ts';
import type {
  LeaderElectionOptions,
  LeaderElector,
  ResourceClient,
} from '../../harness/client/types.ts';
import { sleep, systemClock, type TimerClock } from '../../harness/clock.ts';

/** A Lease's MicroTime: RFC 3339 with six fractional digits. */
export function microTime(milliseconds: number): string {
  return new Date(milliseconds).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * The spec a candidate writes to hold the Lease at `now`: itself as holder, renewTime now, the lease
 * duration in whole seconds. Renewing its own Lease keeps acquireTime and leaseTransitions; taking
 * one over (from another holder, or from nobody after a release) starts acquireTime now and counts
 * one more transition; creating it (no `current`) counts none.
 */
export function leaseSpecFor(
  current: LeaseSpec | undefined,
  identity: string,
  now: number,
  leaseDurationMs: number,
): LeaseSpec {
  const renewing = current?.holderIdentity === identity;
  const transitions = current?.leaseTransitions ?? 0;
  return {
    holderIdentity: identity,
    leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000),
    acquireTime: renewing ? current.acquireTime : microTime(now),
    renewTime: microTime(now),
    leaseTransitions: current === undefined || renewing ? transitions : transitions + 1,
  };
}

export class LeaseLeaderElector implements LeaderElector {
  private readonly options: LeaderElectionOptions;
  private readonly leases: ResourceClient<Lease>;
  private readonly clock: TimerClock;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  /** The Lease's spec as last seen, and when (on our clock) it was seen to change. */
  private observed: LeaseSpec | undefined;
  private observedAt = 0;
  private leading = false;

  constructor(options: LeaderElectionOptions) {
    this.options = options;
    this.leases = options.client.resource<Lease>('leases', options.namespace);
    this.clock = options.clock ?? systemClock;
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
  }

  isLeader(): boolean {
    return this.leading;
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew()) await this.lead(signal);
      else await sleep(this.clock, this.retryPeriodMs, signal);
    }
  }

  /** Leads until renewals fail for renewDeadline or `signal` aborts. */
  private async lead(signal: AbortSignal): Promise<void> {
    this.leading = true;
    const leadership = new AbortController();
    this.options.onStartedLeading(leadership.signal);
    let lastRenewal = this.clock.now();
    while (!signal.aborted) {
      await sleep(this.clock, this.retryPeriodMs, signal);
      if (signal.aborted) break;
      if (await this.tryAcquireOrRenew()) lastRenewal = this.clock.now();
      else if (this.clock.now() - lastRenewal >= this.renewDeadlineMs) break;
    }
    // Stop acting first, then (when leaving on purpose) hand the Lease back for a quick takeover.
    this.leading = false;
    leadership.abort();
    this.options.onStoppedLeading?.();
    if (signal.aborted) await this.release();
  }

  /**
   * One attempt: create the Lease, renew our hold, or take over one its holder has not renewed for
   * a lease duration. True when we hold the Lease afterwards.
   */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock.now();
    let lease: Lease | undefined;
    try {
      lease = await this.leases.get(this.options.name);
    } catch (error) {
      if (!isNotFound(error)) return false;
    }
    const current = lease ? (lease.spec ?? {}) : undefined;
    if (current) {
      this.see(current, now);
      const holder = current.holderIdentity;
      // Held by another, and seen renewed less than a lease duration ago by our own clock: wait.
      const expired = now >= this.observedAt + this.leaseDurationMs;
      if (holder && holder !== this.options.identity && !expired) return false;
    }
    const spec = leaseSpecFor(current, this.options.identity, now, this.leaseDurationMs);
    try {
      if (lease) await this.leases.update({ ...lease, spec });
      else await this.leases.create({ ...this.newLease(), spec });
      this.see(spec, now);
      return true;
    } catch {
      // 409 Conflict: another candidate wrote first. Anything else: try again next period.
      return false;
    }
  }

  private newLease(): Lease {
    const { name, namespace } = this.options;
    return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace } };
  }

  /** Notes the Lease as seen at `now`, restarting the expiry count when it changed. */
  private see(spec: LeaseSpec, now: number): void {
    const changed =
      this.observed?.holderIdentity !== spec.holderIdentity ||
      this.observed?.renewTime !== spec.renewTime;
    if (!changed) return;
    const newHolder = this.observed?.holderIdentity !== spec.holderIdentity;
    this.observed = spec;
    this.observedAt = now;
    if (newHolder && spec.holderIdentity) this.options.onNewLeader?.(spec.holderIdentity);
  }

  /** Gives the Lease up: an empty holder, which any candidate may take at once. */
  private async release(): Promise<void> {
    try {
      const lease = await this.leases.get(this.options.name);
      if (lease.spec?.holderIdentity !== this.options.identity) return;
      await this.leases.update({
        ...lease,
        spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 },
      });
    } catch {
      // Not released: the others take over when it expires.
    }
  }
}

export function createLeaderElector(options: LeaderElectionOptions): LeaderElector {
  return new LeaseLeaderElector(options);
}
