// The address plan and its CIDR helpers.
import { describe, expect, test } from 'vitest';
import {
  canBind,
  chooseNetworkMode,
  isNetworkChoice,
  networkModeFromEnvironment,
  cidrContains,
  defaultPodCidr,
  defaultServiceCidr,
  formatCidr,
  kubernetesServiceIp,
  nodeIp,
  nthAddress,
  parseCidr,
  podCidrForNode,
  usableAddresses,
} from './network.ts';

describe('The address plan', () => {
  test('CIDRs parse, and bad ones say why', () => {
    expect(formatCidr(parseCidr('127.244.3.0/24'))).toBe('127.244.3.0/24');
    expect(() => parseCidr('127.244.3.1/24')).toThrow(/host bits/);
    expect(() => parseCidr('127.244.3.0')).toThrow(/a\.b\.c\.d\/n/);
    expect(() => parseCidr('300.0.0.0/8')).toThrow(/invalid IPv4/);
  });

  test('nth address, contains and the usable addresses of a range', () => {
    expect(nthAddress('127.96.0.0/12', 1)).toBe('127.96.0.1');
    expect(nthAddress('10.0.0.0/8', 256 * 256 + 2)).toBe('10.1.0.2');
    expect(() => nthAddress('127.0.0.0/30', 4)).toThrow(/no address number 4/);
    expect(cidrContains(defaultServiceCidr, '127.111.255.255')).toBe(true);
    expect(cidrContains(defaultServiceCidr, '127.112.0.0')).toBe(false);
    expect([...usableAddresses('127.0.0.0/29')]).toEqual([
      '127.0.0.1',
      '127.0.0.2',
      '127.0.0.3',
      '127.0.0.4',
      '127.0.0.5',
      '127.0.0.6',
    ]);
    expect([...usableAddresses('127.0.0.8/31')]).toEqual(['127.0.0.8', '127.0.0.9']);
  });

  test('nodes, pods and services each have their own loopback range, as in Kubernetes', () => {
    expect(nodeIp(0)).toBe('127.20.0.1');
    expect(nodeIp(2)).toBe('127.20.0.3');
    expect(podCidrForNode(0)).toBe('127.244.0.0/24');
    expect(podCidrForNode(7)).toBe('127.244.7.0/24');
    expect(cidrContains(defaultPodCidr, nthAddress(podCidrForNode(255), 254))).toBe(true);
    expect(() => podCidrForNode(256)).toThrow(/outside 0\.\.255/);
    expect(kubernetesServiceIp).toBe('127.96.0.1');
  });

  test('canBind tells whether this machine lets a program listen on an address', async () => {
    expect(await canBind('127.0.0.1')).toBe(true);
    expect(await canBind('192.0.2.1'), 'TEST-NET-1 is on no interface').toBe(false);
  });
});

describe('The network mode', () => {
  test('a mode asked for is kept; auto is single when an address of the plan cannot be bound', async () => {
    expect(await chooseNetworkMode('single')).toBe('single');
    expect(await chooseNetworkMode('loopback', ['192.0.2.10'])).toBe('loopback');
    expect(await chooseNetworkMode('auto', ['127.0.0.1'])).toBe('loopback');
    // 192.0.2.10, an address kept for documentation, is on no interface: as 127.20.0.1 on macOS.
    expect(await chooseNetworkMode('auto', ['127.0.0.1', '192.0.2.10'])).toBe('single');
    expect([isNetworkChoice('auto'), isNetworkChoice('single'), isNetworkChoice('one')]).toEqual([
      true,
      true,
      false,
    ]);
  });

  test('KATA_NETWORK names a mode, or nothing; another value is an error that says so', () => {
    const before = process.env.KATA_NETWORK;
    try {
      delete process.env.KATA_NETWORK;
      expect(networkModeFromEnvironment()).toBeUndefined();
      process.env.KATA_NETWORK = 'single';
      expect(networkModeFromEnvironment()).toBe('single');
      process.env.KATA_NETWORK = 'auto';
      expect(() => networkModeFromEnvironment()).toThrow(
        'KATA_NETWORK takes loopback or single, not "auto"',
      );
    } finally {
      if (before === undefined) delete process.env.KATA_NETWORK;
      else process.env.KATA_NETWORK = before;
    }
  });
});
