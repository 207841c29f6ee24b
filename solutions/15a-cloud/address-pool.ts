// External addresses for load balancers. A cloud gives each load balancer an address of its own
// from a pool it owns (on AWS an Elastic IP, on GCP a forwarding rule's address); the kata cloud's
// pool is a loopback range, 127.50.0.0/16, so a load balancer can listen on its address on this
// machine. The pool remembers who holds which address: the same owner (a Service's load balancer)
// asking twice gets the same address, and a released address goes back to the pool.
import { parseCidr, usableAddresses } from '../../harness/network.ts';

export class AddressPool {
  private readonly cidr: string;
  /** owner → address, and the addresses in use. */
  private readonly held = new Map<string, string>();
  private readonly used = new Set<string>();

  constructor(cidr: string) {
    parseCidr(cidr);
    this.cidr = cidr;
  }

  /**
   * The address `owner` holds, or the lowest free address of the range, now held by `owner`.
   * Throws "no addresses left in <cidr>" when every address is taken.
   */
  allocate(owner: string): string {
    const existing = this.held.get(owner);
    if (existing) return existing;
    for (const address of usableAddresses(this.cidr)) {
      if (this.used.has(address)) continue;
      this.held.set(owner, address);
      this.used.add(address);
      return address;
    }
    throw new Error(`no addresses left in ${this.cidr}`);
  }

  /** Gives `owner`'s address back; nothing happens when it holds none. */
  release(owner: string): void {
    const address = this.held.get(owner);
    if (!address) return;
    this.held.delete(owner);
    this.used.delete(address);
  }

  addressOf(owner: string): string | undefined {
    return this.held.get(owner);
  }
}
