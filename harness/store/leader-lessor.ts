// Lease expiry in a replicated store, as etcd's lessor does it: only the leader counts time.
// Every member learns each lease from the log (a grant applied, a revoke applied), and every
// member's store keeps the leases and their keys, but none of them expires a lease on its own
// clock: three clocks would delete the keys at three different points of the log. The leader's
// lessor is the *primary* one: it keeps each lease's expiry, renews it on a keep-alive (which
// followers forward to the leader), and, once one passes, has its revoke proposed through the log,
// so that every member deletes the lease's keys at the same revision.
//
// A member that becomes leader first gives every lease its whole TTL again (etcd's Promote): the
// keep-alives the old leader saw are lost with it, and its clients need a moment to find the new
// one. A lease whose revoke was proposed is not proposed again until that proposal has had time
// to fail.

/** How long a proposed revoke is waited for before the lease counts as expired again. */
export const REVOKE_RETRY_MS = 3000;

/** One lease as the lessor counts it. */
interface CountedLease {
  ttlSeconds: number;
  /** When it expires, on the primary lessor's clock; undefined on a follower. */
  expiresAt?: number;
  /** When its revoke was proposed, if it was. */
  revokingSince?: number;
}

export class LeaderLessor {
  private readonly leases = new Map<string, CountedLease>();
  private primary = false;

  /** Whether this member's lessor counts time: its member leads. */
  get isPrimary(): boolean {
    return this.primary;
  }

  /** A grant was applied from the log: the lease exists, with its whole TTL from now. */
  granted(id: string, ttlSeconds: number, now: number): void {
    this.leases.set(id, {
      ttlSeconds,
      ...(this.primary ? { expiresAt: now + ttlSeconds * 1000 } : {}),
    });
  }

  /** A revoke was applied from the log (or the lease was never known): it is gone. */
  revoked(id: string): void {
    this.leases.delete(id);
  }

  /** This member became leader: every lease gets its whole TTL again, counted from now. */
  promote(now: number): void {
    this.primary = true;
    for (const lease of this.leases.values()) {
      lease.expiresAt = now + lease.ttlSeconds * 1000;
      lease.revokingSince = undefined;
    }
  }

  /** This member stopped leading: it counts no time. */
  demote(): void {
    this.primary = false;
    for (const lease of this.leases.values()) {
      lease.expiresAt = undefined;
      lease.revokingSince = undefined;
    }
  }

  /**
   * A keep-alive of `id` on the primary: its expiry moves to now + TTL. Returns the TTL granted
   * again, or 0 for a lease unknown or already past its expiry (etcd answers those with TTL 0).
   */
  keepAlive(id: string, now: number): number {
    const lease = this.leases.get(id);
    if (!lease || !this.primary) return 0;
    if (lease.expiresAt !== undefined && lease.expiresAt <= now) return 0;
    lease.expiresAt = now + lease.ttlSeconds * 1000;
    return lease.ttlSeconds;
  }

  /** On the primary: the whole seconds `id` has left (0 once past expiry); else undefined. */
  remaining(id: string, now: number): number | undefined {
    const expiresAt = this.leases.get(id)?.expiresAt;
    if (!this.primary || expiresAt === undefined) return undefined;
    return Math.max(0, Math.ceil((expiresAt - now) / 1000));
  }

  /**
   * The leases whose revoke is due now: past their expiry on the primary, and not proposed in the
   * last REVOKE_RETRY_MS. Each is marked as proposed from now.
   */
  due(now: number): string[] {
    if (!this.primary) return [];
    const due: string[] = [];
    for (const [id, lease] of this.leases) {
      if (lease.expiresAt === undefined || lease.expiresAt > now) continue;
      if (lease.revokingSince !== undefined && now - lease.revokingSince < REVOKE_RETRY_MS)
        continue;
      lease.revokingSince = now;
      due.push(id);
    }
    return due;
  }
}
