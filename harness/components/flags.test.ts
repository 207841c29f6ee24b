// The flags that say where a component serves its health, as the real components name them:
// kube-scheduler's and kube-controller-manager's --secure-port (10259, 10257) and --bind-address,
// kube-proxy's --healthz-bind-address (0.0.0.0:10256); a bad value is a UsageError naming the flag.
import { describe, expect, test } from 'vitest';
import { parseFlags as parseControllerManagerFlags } from './controller-manager.ts';
import { parseHostPort, parsePort, UsageError } from './flags.ts';
import { parseFlags as parseProxyFlags } from './proxy.ts';
import { parseFlags as parseSchedulerFlags } from './scheduler.ts';

const master = ['--master', 'http://127.0.0.1:6443'];

describe('Serving flags', () => {
  test('ports from 0 (any free one) to 65535; anything else names the flag', () => {
    expect(parsePort('0', 'secure-port')).toBe(0);
    expect(parsePort('10259', 'secure-port')).toBe(10259);
    for (const bad of ['-1', '65536', 'ten', '', '1.5'])
      expect(() => parsePort(bad, 'secure-port'), bad).toThrow(
        new UsageError(`--secure-port must be a port number (0-65535), not "${bad}"`),
      );
  });

  test('an address and port: IPv4, [IPv6], and a UsageError for anything else', () => {
    expect(parseHostPort('0.0.0.0:10256', 'healthz-bind-address')).toEqual({
      address: '0.0.0.0',
      port: 10256,
    });
    expect(parseHostPort('[::1]:0', 'healthz-bind-address')).toEqual({ address: '::1', port: 0 });
    expect(() => parseHostPort('10256', 'healthz-bind-address')).toThrow(UsageError);
    expect(() => parseHostPort('localhost:10256', 'healthz-bind-address')).toThrow(
      '--healthz-bind-address: "localhost" is not an IP address',
    );
    expect(() => parseHostPort('127.0.0.1:99999', 'healthz-bind-address')).toThrow(
      '--healthz-bind-address must be a port number (0-65535), not "99999"',
    );
  });

  test("the scheduler's and the controller-manager's defaults, and the flags that change them", () => {
    expect(parseSchedulerFlags(master)).toMatchObject({
      securePort: 10259,
      bindAddress: '127.0.0.1',
    });
    expect(parseControllerManagerFlags(master)).toMatchObject({
      securePort: 10257,
      bindAddress: '127.0.0.1',
    });
    expect(
      parseSchedulerFlags([...master, '--secure-port=0', '--bind-address', '127.0.0.2']),
    ).toMatchObject({ securePort: 0, bindAddress: '127.0.0.2' });
    expect(() => parseControllerManagerFlags([...master, '--secure-port', 'x'])).toThrow(
      '--secure-port must be a port number (0-65535), not "x"',
    );
  });

  test("kube-proxy's --healthz-bind-address, 0.0.0.0:10256 unless told", () => {
    const node = [...master, '--node-name', 'node-1'];
    expect(parseProxyFlags(node).healthz).toEqual({ address: '0.0.0.0', port: 10256 });
    expect(parseProxyFlags([...node, '--healthz-bind-address', '127.20.0.1:0']).healthz).toEqual({
      address: '127.20.0.1',
      port: 0,
    });
    expect(() => parseProxyFlags([...node, '--healthz-bind-address', 'nowhere'])).toThrow(
      UsageError,
    );
  });
});
