// A cluster's loopback ports come from a slot of its own: never the same port twice for one plan,
// never a port another cluster's slot holds, never one that someone already listens on.
import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { loopbackPort, slotStart } from './loopback-ports.ts';

describe('Loopback ports', () => {
  test('one plan gets different ports from its slot, skipping one already in use', async () => {
    const plan = { nodeIndexBase: 7 };
    const start = slotStart(7);
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(start + 1, '127.0.0.1', resolve));
    try {
      const ports = [await loopbackPort(plan), await loopbackPort(plan), await loopbackPort(plan)];
      expect(ports, 'three ports for one plan whose slot has its second port in use').toEqual([
        start,
        start + 2,
        start + 3,
      ]);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  test("two clusters' slots never meet, and all lie below Linux's ephemeral range", () => {
    const starts = [0, 7, 200, 201, 255].map(slotStart);
    expect(
      starts.every((start, i) => i === 0 || start >= starts[i - 1]! + 40),
      'each slot 40 ports past the one before',
    ).toBe(true);
    expect(slotStart(255) + 40, 'the end of the last slot').toBeLessThanOrEqual(32768);
  });
});
