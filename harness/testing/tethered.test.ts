// The tether: a program started with spawnTethered ends when the pipe from its starter closes (as
// it does when the starter dies in any way), ends when stopped, and reports the program's status.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { spawnTethered, stopTethered } from './tethered.ts';
import { waitFor } from './wait.ts';

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** The pids in the child's process group, read with ps; empty once the group is gone. */
function groupMembers(child: ChildProcess): string[] {
  const listing = spawnSync('ps', ['-o', 'pid=', '-g', String(child.pid)], { encoding: 'utf8' });
  return listing.stdout.split('\n').filter((line) => line.trim() !== '');
}

describe('a tethered program', () => {
  it('ends when the pipe from the process that started it closes', async () => {
    const child = spawnTethered('sleep', ['1000']);
    const exited = exitOf(child);
    await waitFor(() => groupMembers(child).length >= 2, 'the shell and sleep to run', 10_000);
    child.stdin!.end();
    await exited;
    await waitFor(() => groupMembers(child).length === 0, 'the group to be gone', 10_000);
    expect(
      groupMembers(child),
      'closed the tether of a sleep 1000: no process of its group may remain',
    ).toEqual([]);
  });

  it('ends with its whole group when stopped', async () => {
    const child = spawnTethered('sleep', ['1000']);
    await waitFor(() => groupMembers(child).length >= 2, 'the shell and sleep to run', 10_000);
    await stopTethered(child);
    await waitFor(() => groupMembers(child).length === 0, 'the group to be gone', 10_000);
    expect(
      groupMembers(child),
      'stopped a tethered sleep 1000: no process of its group may remain',
    ).toEqual([]);
  });

  it("exits with the program's own status", async () => {
    const child = spawnTethered('sh', ['-c', 'echo out; exit 3']);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await exitOf(child);
    expect(code, 'ran `sh -c "echo out; exit 3"` tethered: the exit status passes through').toBe(3);
    expect(output, 'its stdout reaches the starter').toBe('out\n');
    await stopTethered(child);
  });
});
