// A child's check is over when its process exits, even while a process it started still holds its
// output open (the stall a pipe caused: the check waited for a close that never came).
import { describe, expect, test } from 'vitest';
import { runInChild } from './in-child.ts';

describe('runInChild', () => {
  test("returns the child's output and exit code", async () => {
    const outcome = await runInChild(
      ['-e', "console.log('to stdout'); console.error('to stderr'); process.exit(3)"],
      process.env,
    );
    expect(outcome.code, 'the exit code of a child that exited with 3').toBe(3);
    expect(outcome.output, 'both streams, in one output').toContain('to stdout');
    expect(outcome.output, 'both streams, in one output').toContain('to stderr');
  });

  test('is done when the child exits, though a grandchild still holds its output', async () => {
    // The grandchild inherits stdout and stderr and lives for a minute; it prints its pid first.
    const script = `
      const { spawn } = require('node:child_process');
      const grandchild = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
        stdio: ['ignore', 'inherit', 'inherit'], detached: true,
      });
      console.log('grandchild', grandchild.pid);
      grandchild.unref();`;
    const outcome = await runInChild(['-e', script], process.env);
    const pid = Number(/grandchild (\d+)/.exec(outcome.output)?.[1]);
    try {
      expect(outcome.code, 'the child exited at once, with 0').toBe(0);
      expect(pid, "the grandchild's pid, printed before the child exited").toBeGreaterThan(0);
      expect(() => process.kill(pid, 0), 'the grandchild is still alive').not.toThrow();
    } finally {
      if (pid > 0) process.kill(pid, 'SIGKILL');
    }
  });
});
