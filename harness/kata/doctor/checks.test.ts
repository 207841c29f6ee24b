// The doctor's judgements, given the facts of machines this one is not: a Mac without aliases, an
// old Node.js, a half-done npm install, a busy port, a kubectl too far from the API server.
import { describe, expect, test } from 'vitest';
import { loopbackPlan } from '../../network.ts';
import {
  checkInstall,
  checkKubectl,
  checkNetwork,
  checkNode,
  checkOptional,
  checkPorts,
  checkWsl,
  doctorExitCode,
  formatLine,
  summary,
} from './checks.ts';
import { planFlags, plannedAddresses, plannedPorts, type DoctorOptions } from './plan.ts';
import { paint } from '../output.ts';

const defaults: DoctorOptions = {
  network: 'auto',
  nodes: 3,
  nodeIndexBase: 0,
  storePort: 2379,
  apiserverPort: 6443,
  kubeletPort: 10250,
};

describe('Node.js and npm install', () => {
  test('the running Node.js is held against engines.node', () => {
    expect(checkNode('v20.19.0', '>=20.19').verdict, 'v20.19.0 for >=20.19').toBe('ok');
    expect(checkNode('v22.1.0', '>=20.19').verdict, 'v22.1.0 for >=20.19').toBe('ok');
    const old = checkNode('v20.18.3', '>=20.19');
    expect(old.verdict, 'v20.18.3 for >=20.19').toBe('fail');
    expect(old.text, 'what the old Node.js line says to do').toMatch(/install Node\.js 20\.19/);
    expect(checkNode('v20.19.0', '^20').verdict, 'an engines range it cannot read').toBe('fail');
  });

  test('npm install is done when every direct dependency is there at its locked version', () => {
    const wanted = { tsx: '^4', yaml: '^2', vitest: '^4' };
    const locked = { tsx: '4.2.0', yaml: '2.9.1', vitest: '4.1.0' };
    expect(
      checkInstall({ wanted, locked, installed: { ...locked } }).verdict,
      'everything installed as locked',
    ).toBe('ok');
    const half = checkInstall({ wanted, locked, installed: { tsx: '4.2.0', yaml: '2.8.0' } });
    expect(half.verdict, 'vitest missing, yaml older than locked').toBe('fail');
    expect(half.text, 'the half-done install line').toBe(
      'npm install: 1 dependency missing (vitest); yaml 2.8.0 installed, 2.9.1 locked; run `npm install` in the repository',
    );
  });
});

describe('The loopback addresses', () => {
  const planned = loopbackPlan();

  test('a Mac without aliases gets a ✗ with the exact ifconfig line and --fix', () => {
    const line = checkNetwork({
      platform: 'darwin',
      network: 'auto',
      planned,
      unbindable: planned.slice(0, 2),
    });
    expect(line.verdict, 'the verdict on a Mac missing two aliases').toBe('fail');
    expect(line.text, 'the line names the addresses').toContain('2 of');
    expect(line.text, 'the line gives the alias command').toContain(
      'sudo ifconfig lo0 alias 127.20.0.1 up',
    );
    expect(line.text, 'the line offers --fix').toContain('sudo npx kata doctor --fix');
    expect(line.text, 'the line says what happens without them').toMatch(
      /falls back to the single-address mode/,
    );
  });

  test('a plan made with other flags gives its commands with the same flags', () => {
    const options = { ...defaults, nodes: 5 };
    expect(planFlags(options), 'the flags of a 5-node plan').toBe(' --nodes 5');
    const planned = plannedAddresses(options);
    const line = checkNetwork({
      platform: 'darwin',
      network: 'auto',
      planned,
      unbindable: planned,
      planFlags: planFlags(options),
    });
    expect(line.text, 'the fix of a 5-node plan').toContain('sudo npx kata doctor --fix --nodes 5');
  });

  test('forcing the loopback plan without the addresses says the cluster cannot start', () => {
    const line = checkNetwork({
      platform: 'darwin',
      network: 'loopback',
      planned,
      unbindable: planned,
    });
    expect(line.verdict, 'the verdict with --network loopback').toBe('fail');
    expect(line.text, 'the consequence named').toContain('cannot start');
  });

  test('the single-address mode is a ✓ with a note of what changes, and checks no address', () => {
    const options = { ...defaults, network: 'single' as const };
    expect(plannedAddresses(options), 'addresses checked in the single mode').toEqual([]);
    const line = checkNetwork({
      platform: 'darwin',
      network: 'single',
      planned: [],
      unbindable: [],
    });
    expect(line.verdict, 'the single mode').toBe('ok');
    expect(line.text, 'the note').toMatch(/share 127\.0\.0\.1.*ports are mapped.*per-pod IPs skip/);
  });

  test('every address bindable is a ✓; Linux refusing one is a ✗ without ifconfig', () => {
    expect(
      checkNetwork({ platform: 'linux', network: 'auto', planned, unbindable: [] }).verdict,
    ).toBe('ok');
    const line = checkNetwork({ platform: 'linux', network: 'auto', planned, unbindable: planned });
    expect(line.verdict, 'Linux refusing the plan').toBe('fail');
    expect(line.text, 'no macOS advice on Linux').not.toContain('ifconfig');
  });
});

describe('The ports', () => {
  const groups = plannedPorts(defaults, [{ port: 30080, files: ['harness/examples/hello.yaml'] }]);
  const looked = (what: RegExp, state: 'free' | 'busy' | 'unbindable', index = 0) => {
    const group = groups.find((candidate) => what.test(candidate.what))!;
    return {
      ...group,
      ports: group.ports.map((port, i) => ({
        ...port,
        state: i === index ? state : ('free' as const),
      })),
    };
  };

  test('a busy API server port is a ✗ naming the flag that moves it', () => {
    const line = checkPorts(looked(/API server/, 'busy'));
    expect(line.verdict, 'a busy 6443').toBe('fail');
    expect(line.text, 'the busy 6443 line').toBe(
      'the API server: 127.0.0.1:6443 is in use; stop what listens there, or choose another port with `npm start -- --apiserver-port 6444`',
    );
  });

  test('the kubelets and NodePorts are checked on every node IP, each with its flag', () => {
    const kubelets = checkPorts(looked(/kubelets/, 'busy', 2));
    expect(kubelets.text, 'a busy kubelet port').toMatch(
      /127\.20\.0\.3:10250 is in use.*--kubelet-port 10260/,
    );
    const nodePort = checkPorts(looked(/NodePort 30080/, 'busy'));
    expect(nodePort.text, 'a busy NodePort').toMatch(
      /hello\.yaml.*127\.20\.0\.1:30080 is in use.*--node-index-base 10/,
    );
    expect(checkPorts(looked(/store/, 'free')).verdict, 'a free store port').toBe('ok');
  });

  test('the health ports npm start does not need are only worth knowing', () => {
    expect(checkPorts(looked(/health ports/, 'busy')).verdict, 'a busy 10256').toBe('info');
  });

  test('a port on an address not yet bindable is not called busy', () => {
    const line = checkPorts(looked(/kubelets/, 'unbindable'));
    expect(line.verdict, 'a kubelet port on a missing alias').toBe('info');
    expect(line.text).toContain('see the loopback line');
  });

  test('with --etcd-servers there is no store port; in the single mode no node IPs, and a kubelet port per node', () => {
    const onEtcd = plannedPorts({ ...defaults, etcdServers: 'http://127.0.0.1:2379' }, []);
    expect(
      onEtcd.some((group) => group.what === 'the store'),
      'a store group on etcd',
    ).toBe(false);
    const single = plannedPorts({ ...defaults, network: 'single' }, [
      { port: 30080, files: ['x.yaml'] },
    ]);
    expect(
      single
        .flatMap((group) => group.ports.map((port) => port.host))
        .every((host) => host === '127.0.0.1'),
      'every port of the single mode on 127.0.0.1',
    ).toBe(true);
    expect(
      single.find((group) => group.what === 'the kubelets')?.ports.map((port) => port.port),
      'the kubelets of the single mode, one port each',
    ).toEqual([10250, 10251, 10252]);
  });
});

describe('WSL', () => {
  test('a repository on a Windows drive is worth a line; on Linux proper nothing is said', () => {
    const release = '5.15.167.4-microsoft-standard-WSL2';
    expect(checkWsl(release, '/mnt/c/Users/ada/kubekata')).toMatchObject({
      verdict: 'info',
      text: expect.stringMatching(/Windows drive.*npx kata watch --poll/),
    });
    expect(checkWsl(release, '/home/ada/kubekata')?.verdict, 'on the Linux file system').toBe(
      'info',
    );
    expect(checkWsl('6.8.0-45-generic', '/mnt/c/x'), 'not WSL').toBeUndefined();
  });
});

describe('kubectl and the optional programs', () => {
  const server = { serverMajor: '1', serverMinor: '32' };

  test('kubectl within one minor version of the API server is a ✓, farther or missing a ✗', () => {
    expect(checkKubectl({ ...server, client: 'v1.32.4' }).verdict, 'kubectl 1.32').toBe('ok');
    expect(checkKubectl({ ...server, client: 'v1.33.0' }).verdict, 'kubectl 1.33').toBe('ok');
    expect(checkKubectl({ ...server, client: 'v1.31.2' }).verdict, 'kubectl 1.31').toBe('ok');
    const old = checkKubectl({ ...server, client: 'v1.29.0' });
    expect(old.verdict, 'kubectl 1.29').toBe('fail');
    expect(old.text, 'the versions to install').toContain('1.31, 1.32 or 1.33');
    expect(checkKubectl(server).text, 'no kubectl').toMatch(/not on PATH; install kubectl/);
  });

  test('optional programs never fail', () => {
    expect(checkOptional('etcd', undefined, 'a real etcd').verdict).toBe('info');
    expect(checkOptional('etcd', '3.4.23', 'a real etcd').text).toBe(
      'etcd 3.4.23 (optional: a real etcd)',
    );
  });

  test('the exit code is 0 only without a ✗, and the lines read plainly without colour', () => {
    const good = [checkOptional('etcd', undefined, 'x'), checkNode('v22.0.0', '>=20.19')];
    expect(doctorExitCode(good), 'the exit code with ✓ and · only').toBe(0);
    expect(summary(good)).toMatch(/^Ready/);
    const bad = [...good, checkNode('v18.0.0', '>=20.19')];
    expect(doctorExitCode(bad), 'the exit code with a ✗').toBe(1);
    expect(summary(bad)).toMatch(/^Not ready: 1 check failed/);
    expect(bad.map((line) => formatLine(line, paint(false)).slice(0, 2))).toEqual([
      '· ',
      '✓ ',
      '✗ ',
    ]);
  });
});
