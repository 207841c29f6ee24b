// External addresses for load balancers. A cloud gives each load balancer an address of its own
// from a pool it owns (on AWS an Elastic IP, on GCP a forwarding rule's address); the kata cloud's
// pool is a loopback range, 127.50.0.0/16, so a load balancer can listen on its address on this
// machine. The pool remembers who holds which address: the same owner (a Service's load balancer)
// asking twice gets the same address, and a released address goes back to the pool.
import { NotImplemented } from '../../harness/not-implemented.ts';
import { parseCidr } from '../../harness/network.ts';

const section = '§ External addresses';

export class AddressPool {
  private readonly cidr: string;

  /** A pool over `cidr` ("127.50.0.0/16"); throws "invalid CIDR ..." for anything else. */
  constructor(cidr: string) {
    parseCidr(cidr);
    this.cidr = cidr;
  }

  /**
   * The address `owner` holds, or the lowest free usable address of the range (usableAddresses in
   * harness/network.ts: neither the network nor the broadcast address), now held by `owner`.
   * Throws "no addresses left in <cidr>" when every address is taken.
   */
  allocate(owner: string): string {
    throw new NotImplemented('AddressPool.allocate', section);
  }

  /** Gives `owner`'s address back to the pool; nothing happens when it holds none. */
  release(owner: string): void {
    throw new NotImplemented('AddressPool.release', section);
  }

  /** The address `owner` holds, if any. */
  addressOf(owner: string): string | undefined {
    throw new NotImplemented('AddressPool.addressOf', section);
  }
}
