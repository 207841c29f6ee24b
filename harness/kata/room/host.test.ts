import { describe, expect, test } from 'vitest';
import { hostRoom, lanAddresses, newTokens } from './host.ts';
import { paint } from '../output.ts';
import { startRoomServer } from './server.ts';

describe('Opening a room', () => {
  test('the join command names the addresses other machines reach, never loopback', () => {
    const entry = (address: string, family: 'IPv4' | 'IPv6', internal: boolean) => ({
      address,
      family,
      internal,
      netmask: '',
      mac: '',
      cidr: null,
      ...(family === 'IPv6' && { scopeid: 0 }),
    });
    const interfaces = {
      lo: [entry('127.0.0.1', 'IPv4', true), entry('::1', 'IPv6', true)],
      wlan0: [entry('192.168.1.20', 'IPv4', false), entry('fe80::1', 'IPv6', false)],
      eth0: [entry('10.0.0.7', 'IPv4', false)],
    } as unknown as Parameters<typeof lanAddresses>[0];
    expect(lanAddresses(interfaces), 'the addresses offered').toEqual(['192.168.1.20', '10.0.0.7']);
  });

  test('tokens are new every time, and fit in a join address', () => {
    const [one, two] = [newTokens(), newTokens()];
    expect(one.room, 'two rooms').not.toBe(two.room);
    expect(one.room, 'the room token and the instructor token').not.toBe(one.instructor);
    expect(`${one.room}${one.instructor}`, 'their characters').toMatch(/^[A-Za-z0-9_-]{40,}$/);
  });

  test('a port or address the room cannot use is refused in one line', async () => {
    await expect(hostRoom({ port: '6000' }, paint(false)), '--port 6000').rejects.toThrow(
      '--port 6000 is one browsers and fetch refuse to connect to',
    );
    await expect(hostRoom({ port: 'x' }, paint(false)), '--port x').rejects.toThrow(
      '--port must be a port number',
    );
    await expect(hostRoom({ address: 'here' }, paint(false)), '--address here').rejects.toThrow(
      '--address takes an IP address, not "here"',
    );
  });

  test('a busy port names the flag that moves the room', async () => {
    const busy = await startRoomServer({ port: 0, address: '127.0.0.1', tokens: newTokens() });
    try {
      const flags = { port: String(busy.port), address: '127.0.0.1' };
      await expect(hostRoom(flags, paint(false)), 'a second room on the port').rejects.toThrow(
        `cannot open the room on 127.0.0.1:${busy.port}: the port is in use; choose another with --port`,
      );
    } finally {
      await busy.close();
    }
  });
});
