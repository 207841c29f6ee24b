// `kata doctor` as a learner runs it, on this machine: every check passes, a port taken by another
// process is a ✗ naming the flag that moves it, and the single-address mode is a ✓ with its note.
//
// The doctor checks the ports its flags name, as `npm start` would use them. So that no test here
// fights another suite (or a learner's cluster) for 2379, 6443 or 10250, each run points it at
// ports found free just now and at nodes of an address block no other suite uses.
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot } from '../../paths.ts';
import { freePort } from '../../testing/free-port.ts';
import { hasKubectl, noKubectl } from '../../testing/kubectl.ts';

/** Node addresses 127.20.0.241 on: no other suite's block (harness/e2e/kubectl-cluster.ts). */
const nodeIndexBase = '240';

/** `kata` with these arguments, as a separate process: its exit code, stdout and stderr. */
function kata(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'harness/bin/kata.mjs'), ...args],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 60_000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

/** Whether nothing listens on 127.0.0.1:`port` now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * A free port with the two after it free too: in the single-address mode the three kubelets
 * listen on --kubelet-port and the two ports after it, and the doctor checks all three.
 */
async function freePortRun(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < 65534 && (await portFree(port + 1)) && (await portFree(port + 2))) return port;
  }
}

/** `kata doctor` with these flags and free ports of its own; its exit code and lines. */
async function doctor(...flags: string[]) {
  const chosen: string[] = [];
  for (const flag of ['--store-port', '--apiserver-port'])
    if (!flags.includes(flag)) chosen.push(flag, String(await freePort()));
  if (!flags.includes('--kubelet-port')) chosen.push('--kubelet-port', String(await freePortRun()));
  const result = kata('doctor', '--node-index-base', nodeIndexBase, ...chosen, ...flags);
  return { ...result, lines: result.stdout.split('\n').filter(Boolean) };
}

const it = test.skipIf(!hasKubectl);

describe('kata doctor on this machine', () => {
  if (!hasKubectl) test.skip(noKubectl, () => {});

  it('every check passes: each line a ✓, or a · for what is optional, and exit 0', async () => {
    const result = await doctor();
    const checks = result.lines.slice(0, -1);
    expect(
      checks.filter((line) => !line.startsWith('✓ ') && !line.startsWith('· ')),
      `lines that are not ✓ or ·, of:\n${result.lines.join('\n')}\n${result.stderr}`,
    ).toEqual([]);
    for (const check of [
      /^✓ Node\.js/,
      /^✓ npm install/,
      /^✓ kubectl/,
      /^✓ loopback/,
      /^✓ the API server/,
    ])
      expect(
        checks.some((line) => check.test(line)),
        `a line like ${check}`,
      ).toBe(true);
    expect(result.lines.at(-1), 'the last line').toMatch(/^Ready/);
    expect(result.code, 'the exit code').toBe(0);
  });

  it('a port another process listens on is a ✗ naming the flag that moves it, and exit 1', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    try {
      const port = (squatter.address() as net.AddressInfo).port;
      const result = await doctor('--apiserver-port', String(port));
      expect(
        result.lines.filter((line) => line.startsWith('✗ ')),
        `the ✗ lines, of:\n${result.lines.join('\n')}`,
      ).toEqual([
        `✗ the API server: 127.0.0.1:${port} is in use; stop what listens there, or choose another port with \`npm start -- --apiserver-port ${port + 1}\``,
      ]);
      expect(result.code, 'the exit code').toBe(1);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('--network single: its ✓ and note, and no alias check', async () => {
    const result = await doctor('--network', 'single');
    expect(
      result.lines.filter((line) => /network|loopback/.test(line)),
      `the network lines, of:\n${result.lines.join('\n')}`,
    ).toEqual([expect.stringMatching(/^✓ network: the single-address mode .*per-pod IPs skip/)]);
    expect(result.code, `the exit code, after:\n${result.lines.join('\n')}`).toBe(0);
  });
});

describe('kata network and bad flags', () => {
  test('kata network needs setup or teardown; --network takes a mode', () => {
    expect(kata('network'), 'kata network').toMatchObject({
      code: 2,
      stderr:
        'kata: kata network needs setup or teardown; usage: kata network setup|teardown [--dry-run] [--nodes 3]',
    });
    expect(kata('network', 'up').stderr, 'kata network up').toBe(
      'kata: kata network takes setup or teardown, not "up"',
    );
    expect(kata('doctor', '--network', 'wide'), 'kata doctor --network wide').toMatchObject({
      code: 2,
      stderr: 'kata: --network takes auto, loopback or single, not "wide"',
    });
  });

  test.runIf(process.platform === 'linux')(
    'on Linux, kata network setup says nothing is needed',
    () => {
      const result = kata('network', 'setup');
      expect(result.code, 'the exit code').toBe(0);
      expect(result.stdout, 'what it says').toMatch(/^kata network setup: nothing to do on Linux/);
    },
  );
});
