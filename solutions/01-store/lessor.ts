// The lessor (etcd's name for it): the store's leases and the keys attached to each.
//
// A *lease* is a promise that lives for `ttl` seconds unless someone renews it (a *keep-alive*).
// Keys written with a lease are deleted when the lease is revoked or runs out, which is how a
// process that stops renewing makes its keys disappear. The lessor only keeps the books: IDs,
// deadlines and attached keys. Deleting the keys is a write, so the store does it.
//
// Time comes from an injected clock and IDs from an injected random source, so tests can move time
// forward and predict IDs instead of sleeping and guessing.
import type { Clock } from '../../harness/clock.ts';
import { compareBytes } from '../../harness/store/bytes.ts';
import { errors } from '../../harness/store/errors.ts';
import { keyId } from './key-index.ts';

/** The longest TTL etcd grants, in seconds; a longer one is refused. */
export const MAX_LEASE_TTL = 9_000_000_000;

export interface Lease {
  readonly id: bigint;
  /** The granted TTL in seconds: what a keep-alive restores. */
  readonly ttl: number;
  /** When the lease runs out, in the clock's milliseconds. */
  expiresAt: number;
  /** The attached keys, by `keyId` (key-index.ts). */
  readonly keys: Map<string, Uint8Array>;
}

export class Lessor {
  private readonly leases = new Map<bigint, Lease>();
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly minTtl: number;

  constructor(clock: Clock, random: () => number, minTtl: number) {
    this.clock = clock;
    this.random = random;
    this.minTtl = minTtl;
  }

  /**
   * Creates a lease of at least `minTtl` seconds. An `id` of 0n lets the lessor pick one. Throws
   * etcd's errors for a TTL above MAX_LEASE_TTL and for an ID already in use.
   */
  grant(ttl: number, id: bigint): Lease {
    if (ttl > MAX_LEASE_TTL) throw errors.leaseTtlTooLarge();
    const granted = Math.max(ttl, this.minTtl);
    if (id === 0n) id = this.pickId();
    else if (this.leases.has(id)) throw errors.leaseExists();
    const lease: Lease = {
      id,
      ttl: granted,
      expiresAt: this.clock.now() + granted * 1000,
      keys: new Map(),
    };
    this.leases.set(id, lease);
    return lease;
  }

  get(id: bigint): Lease | undefined {
    return this.leases.get(id);
  }

  /** Every lease, in the order granted. */
  all(): Lease[] {
    return [...this.leases.values()];
  }

  /** Forgets the lease (its keys are the store's to delete). */
  remove(id: bigint): void {
    this.leases.delete(id);
  }

  attach(id: bigint, key: Uint8Array): void {
    this.leases.get(id)?.keys.set(keyId(key), key);
  }

  /** Detaching from a lease that is already gone is fine: there is nothing left to undo. */
  detach(id: bigint, key: Uint8Array): void {
    this.leases.get(id)?.keys.delete(keyId(key));
  }

  /** The lease's keys in byte order, the order etcd deletes them in. */
  keys(lease: Lease): Uint8Array[] {
    return [...lease.keys.values()].sort(compareBytes);
  }

  /**
   * A keep-alive: the lease's deadline moves to a full TTL from now, and the TTL is returned. A
   * lease that does not exist, or whose deadline has already passed, cannot be renewed: 0.
   */
  renew(id: bigint): number {
    const lease = this.leases.get(id);
    if (!lease || this.expired(lease)) return 0;
    lease.expiresAt = this.clock.now() + lease.ttl * 1000;
    return lease.ttl;
  }

  /** Whole seconds left before the lease runs out, never below 0. */
  remaining(lease: Lease): number {
    return Math.max(0, Math.floor((lease.expiresAt - this.clock.now()) / 1000));
  }

  /** The leases whose deadline has passed, the earliest first. */
  expiredLeases(): Lease[] {
    return this.all()
      .filter((lease) => this.expired(lease))
      .sort((a, b) => a.expiresAt - b.expiresAt);
  }

  private expired(lease: Lease): boolean {
    return lease.expiresAt <= this.clock.now();
  }

  /**
   * A positive ID that fits in 63 bits, as etcd picks: 31 random bits, then 32 more. A random
   * source that keeps repeating itself is a broken one, so give up rather than loop forever.
   */
  private pickId(): bigint {
    for (let attempt = 0; attempt < 100; attempt++) {
      const high = BigInt(Math.floor(this.random() * 2 ** 31));
      const low = BigInt(Math.floor(this.random() * 2 ** 32));
      const id = (high << 32n) | low;
      if (id !== 0n && !this.leases.has(id)) return id;
    }
    throw new Error('the random source picked 100 lease IDs that are zero or already in use');
  }
}
