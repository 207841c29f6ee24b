// The lessor (etcd's name for it): the store's leases and the keys attached to each.
//
// A *lease* is a promise that lives for `ttl` seconds unless someone renews it (a *keep-alive*).
// Keys written with a lease are deleted when the lease is revoked or runs out, which is how a
// process that stops renewing makes its keys disappear. The lessor only keeps the books: IDs,
// deadlines and attached keys. Deleting the keys is a write, so the store does it.
//
// Read the time from the injected clock and IDs from the injected random source, never from
// Date.now() or Math.random(): tests move time forward and predict IDs instead of sleeping.
import type { Clock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

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
  constructor(clock: Clock, random: () => number, minTtl: number) {
    // Keep what the methods below need: the clock, the random source, the minimum TTL, and the
    // leases themselves (a Map from ID to Lease keeps them in the order granted).
  }

  /**
   * Creates a lease of at least `minTtl` seconds (a shorter TTL is raised to it) that runs out
   * `ttl` seconds from now. An `id` of 0n lets the lessor pick one: positive, within 63 bits (for
   * example 31 random bits, then 32 more, as a bigint), not already in use.
   * Throws errors.leaseTtlTooLarge() above MAX_LEASE_TTL, errors.leaseExists() for an ID in use.
   */
  grant(ttl: number, id: bigint): Lease {
    throw new NotImplemented('Lessor.grant', '§ Leases');
  }

  get(id: bigint): Lease | undefined {
    throw new NotImplemented('Lessor.get', '§ Leases');
  }

  /** Every lease, in the order granted. */
  all(): Lease[] {
    throw new NotImplemented('Lessor.all', '§ Leases');
  }

  /** Forgets the lease (its keys are the store's to delete). */
  remove(id: bigint): void {
    throw new NotImplemented('Lessor.remove', '§ Leases');
  }

  /** Attaches a key to the lease, if the lease exists. */
  attach(id: bigint, key: Uint8Array): void {
    throw new NotImplemented('Lessor.attach', '§ Leases');
  }

  /** Detaches a key from the lease; a lease that is already gone has nothing to undo. */
  detach(id: bigint, key: Uint8Array): void {
    throw new NotImplemented('Lessor.detach', '§ Leases');
  }

  /** The lease's keys in byte order, the order etcd deletes them in. */
  keys(lease: Lease): Uint8Array[] {
    throw new NotImplemented('Lessor.keys', '§ Leases');
  }

  /**
   * A keep-alive: the lease's deadline moves to a full TTL from now, and the TTL is returned. A
   * lease that does not exist, or whose deadline has already passed, cannot be renewed: 0.
   */
  renew(id: bigint): number {
    throw new NotImplemented('Lessor.renew', '§ Leases');
  }

  /** Whole seconds left before the lease runs out (rounded down), never below 0. */
  remaining(lease: Lease): number {
    throw new NotImplemented('Lessor.remaining', '§ Leases');
  }

  /** The leases whose deadline has passed (deadline <= now), the earliest first. */
  expiredLeases(): Lease[] {
    throw new NotImplemented('Lessor.expiredLeases', '§ Leases');
  }
}
