// The loopback aliases for macOS: which addresses, which ifconfig lines, and what `kata network`
// says. The Mac here is a stand-in that records the lines it is asked to run: no test runs ifconfig.
import { describe, expect, test } from 'vitest';
import {
  aliasServiceCidr,
  defaultServiceRangeFor,
  loopbackPlan,
  podAddressesPerNode,
} from '../../network.ts';
import { aliasCommands, aliasPlanFor, changeAliases, type AliasMachine } from './aliases.ts';

/** A Mac that runs nothing and remembers what it was asked to run. */
function fakeMac(isRoot = true) {
  const ran: string[][] = [];
  const machine: AliasMachine = {
    platform: 'darwin',
    isRoot,
    run: (argv) => (ran.push(argv), true),
  };
  return { machine, ran };
}

const request = { nodes: 3, nodeIndexBase: 0, dryRun: false };

describe('The loopback plan', () => {
  test('covers the nodes, their first pod addresses, the aliased Service range and the tests', () => {
    const plan = loopbackPlan();
    const of = (use: string) => plan.filter((address) => address.use === use).map((a) => a.ip);
    expect(of('node'), 'the node addresses').toEqual(['127.20.0.1', '127.20.0.2', '127.20.0.3']);
    expect(of('pod'), 'pod addresses').toHaveLength(3 * podAddressesPerNode);
    expect(of('pod').slice(0, 2), 'the first pods of node-1').toEqual([
      '127.244.0.2',
      '127.244.0.3',
    ]);
    expect(of('pod'), "node-3's first pod").toContain('127.244.2.2');
    expect(aliasServiceCidr, 'the aliased Service range').toBe('127.96.0.0/24');
    expect(of('service'), 'Service addresses').toHaveLength(254);
    expect(of('service')[0], 'the `kubernetes` Service').toBe('127.96.0.1');
    expect(of('course'), "chapter 09's proxy test").toContain('127.96.9.200');
    expect(new Set(plan.map((a) => a.ip)).size, 'each address once').toBe(plan.length);
  });

  test('a cluster on macOS takes its ClusterIPs from the aliased /24; elsewhere from the /12', () => {
    expect(defaultServiceRangeFor('darwin'), 'the Service range on macOS').toBe(aliasServiceCidr);
    expect(defaultServiceRangeFor('linux'), 'the Service range on Linux').toBe('127.96.0.0/12');
  });

  test('follows --nodes and --node-index-base', () => {
    const plan = loopbackPlan(1, 10);
    expect(plan.filter((a) => a.use === 'node').map((a) => a.ip)).toEqual(['127.20.0.11']);
    expect(
      plan.some((a) => a.ip === '127.244.10.2'),
      "the tenth node's first pod",
    ).toBe(true);
  });
});

describe('The ifconfig lines', () => {
  const plan = loopbackPlan();

  test('darwin: one alias line per address to set up, one -alias line to tear down', () => {
    expect(aliasCommands('setup', plan)[0]).toEqual([
      'ifconfig',
      'lo0',
      'alias',
      '127.20.0.1',
      'up',
    ]);
    expect(aliasCommands('teardown', plan)[0]).toEqual(['ifconfig', 'lo0', '-alias', '127.20.0.1']);
    expect(aliasCommands('setup', plan)).toHaveLength(plan.length);
  });

  test('Linux needs nothing, and says why', () => {
    const linux = aliasPlanFor('linux', 'setup', plan);
    expect('nothing' in linux && linux.nothing).toMatch(/nothing to do on Linux/);
    const output: string[] = [];
    const machine: AliasMachine = {
      platform: 'linux',
      isRoot: true,
      run: () => {
        throw new Error('ran a command on Linux');
      },
    };
    expect(
      changeAliases({ ...request, action: 'setup' }, (line) => output.push(line), machine),
    ).toBe(0);
    expect(output).toEqual([expect.stringMatching(/^kata network setup: nothing to do on Linux/)]);
  });

  test('setup on a Mac as root runs every alias line and says how to remove them', () => {
    const { machine, ran } = fakeMac();
    const output: string[] = [];
    changeAliases({ ...request, action: 'setup' }, (line) => output.push(line), machine);
    expect(ran, 'the lines run').toEqual(aliasCommands('setup', plan));
    expect(output[0], 'what setup says').toBe(
      `kata network setup: added ${plan.length} loopback aliases on lo0.`,
    );
    expect(output[1], 'how to remove them').toMatch(
      /sudo npx kata network teardown.*sudo ifconfig lo0 -alias/,
    );
  });

  test('without root nothing runs, and the error says to use sudo; --dry-run prints the lines', () => {
    const { machine, ran } = fakeMac(false);
    expect(() => changeAliases({ ...request, action: 'setup' }, () => {}, machine)).toThrow(
      /needs root: sudo npx kata network setup \(or sudo npx kata doctor --fix\)/,
    );
    const printed: string[] = [];
    changeAliases(
      { ...request, action: 'teardown', dryRun: true },
      (line) => printed.push(line),
      machine,
    );
    expect(ran, 'lines run without root').toEqual([]);
    expect(printed[0], 'the first teardown line').toBe('sudo ifconfig lo0 -alias 127.20.0.1');
    expect(printed).toHaveLength(plan.length);
  });
});
