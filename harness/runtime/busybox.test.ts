// The kata busybox's applets, run as a container runs them: paths as the container names them
// resolve under its KATA_ROOT first (where its volumes are), and tar names files as the container
// does, so `kubectl cp` works both ways.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';

const busybox = fileURLToPath(new URL('./images/busybox.mjs', import.meta.url));
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kata-busybox-'));
  mkdirSync(join(root, 'etc/app'), { recursive: true });
  writeFileSync(join(root, 'etc/app/greeting'), 'hi\n');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Runs an applet with KATA_ROOT set (and more env); its exit code, stdout and stderr. */
function applet(args: string[], input?: Buffer | string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [busybox, ...args], {
    env: { PATH: process.env.PATH, KATA_ROOT: root, ...env },
    input,
  });
  return { code: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

describe('The busybox applets', () => {
  test('cat and ls read the container root first', () => {
    expect(applet(['cat', '/etc/app/greeting']), 'cat /etc/app/greeting').toMatchObject({
      code: 0,
      stdout: 'hi\n',
    });
    expect(applet(['ls', '/etc/app']).stdout, 'ls /etc/app').toBe('greeting\n');
    expect(applet(['cat', '/no/such']), 'cat of a missing file').toMatchObject({
      code: 1,
      stderr: "cat: can't open '/no/such': No such file or directory\n",
    });
  });

  test('test -d, -f and -e answer with their exit code', () => {
    expect(
      [
        applet(['test', '-d', '/etc/app']).code,
        applet(['test', '-f', '/etc/app']).code,
        applet(['test', '-e', '/etc/app/greeting']).code,
      ],
      'test -d, -f on a directory, -e on a file',
    ).toEqual([0, 1, 0]);
  });

  test('tar cf - names files as the container does; tar -x -C unpacks into the container', () => {
    const archive = execFileSync(
      process.execPath,
      [busybox, 'tar', 'cf', '-', '/etc/app/greeting'],
      {
        env: { PATH: process.env.PATH, KATA_ROOT: root },
      },
    );
    const names = execFileSync('tar', ['tf', '-'], { input: archive }).toString();
    expect(names, 'the names in the archive').toBe('etc/app/greeting\n');
    mkdirSync(join(root, 'data'));
    const unpacked = applet(['tar', '-xmf', '-', '-C', '/data'], archive);
    expect(unpacked.code, `tar -xmf - -C /data (${unpacked.stderr})`).toBe(0);
    expect(readFileSync(join(root, 'data/etc/app/greeting'), 'utf8'), 'the file unpacked').toBe(
      'hi\n',
    );
  });

  test('a read-only mount refuses writes as the kernel would: mkdir in it, and tar -x into it', () => {
    const readOnly = { KATA_READONLY_PATHS: '/etc/app:/var/run/secrets' };
    expect(
      applet(['mkdir', '/etc/app/more'], undefined, readOnly),
      'mkdir /etc/app/more with /etc/app read-only',
    ).toMatchObject({
      code: 1,
      stderr: "mkdir: can't create directory '/etc/app/more': Read-only file system\n",
    });
    expect(
      applet(['tar', '-xmf', '-', '-C', '/etc/app'], Buffer.alloc(0), readOnly),
      'tar -xmf - -C /etc/app (kubectl cp into it)',
    ).toMatchObject({ code: 2, stderr: 'tar: /etc/app: Cannot open: Read-only file system\n' });
    expect(
      applet(['mkdir', '/etc/app'], undefined, { KATA_READONLY_PATHS: '/etc/application' }).stderr,
      'mkdir /etc/app with only /etc/application read-only: not refused for being read-only',
    ).not.toContain('Read-only file system');
  });

  test('an applet it does not have exits 127, as a shell does', () => {
    expect(applet(['vi']), 'vi').toMatchObject({ code: 127 });
  });
});
