// External addresses: the pool a cloud hands load balancer addresses out of. Pure bookkeeping,
// no sockets: who holds which address, and what happens when the range runs out.
import { describe, expect, test } from 'vitest';
import { AddressPool } from './address-pool.ts';

describe('External addresses', () => {
  test('allocate hands out the lowest free address, and the same one again to the same owner', () => {
    const pool = new AddressPool('127.50.0.0/16');
    expect(pool.allocate('default/web'), 'the first owner of 127.50.0.0/16').toBe('127.50.0.1');
    expect(pool.allocate('default/api'), 'a second owner').toBe('127.50.0.2');
    expect(pool.allocate('default/web'), 'default/web asks again').toBe('127.50.0.1');
    expect(pool.addressOf('default/api'), 'what default/api holds').toBe('127.50.0.2');
  });

  test('release gives the address back for the next owner; releasing nothing is harmless', () => {
    const pool = new AddressPool('127.50.0.0/16');
    pool.allocate('default/web');
    pool.allocate('default/api');
    pool.release('default/web');
    pool.release('default/nobody');
    expect(pool.addressOf('default/web'), 'default/web after its release').toBeUndefined();
    expect(pool.allocate('default/db'), 'a new owner after 127.50.0.1 was released').toBe(
      '127.50.0.1',
    );
  });

  test('a full pool says so; a range that is no CIDR is refused at once', () => {
    const pool = new AddressPool('127.50.0.0/30');
    pool.allocate('a');
    pool.allocate('b');
    expect(
      () => pool.allocate('c'),
      'a third owner in a /30 (two usable addresses) throws "no addresses left in 127.50.0.0/30"',
    ).toThrow('no addresses left in 127.50.0.0/30');
    expect(
      () => new AddressPool('127.50.0.1/16'),
      'a range with host bits set throws "invalid CIDR"',
    ).toThrow('invalid CIDR');
  });
});
