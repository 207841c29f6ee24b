// A child process tethered to the test run that started it: it ends when the run ends, however the
// run ends. A test stops what it started in afterAll, but a run killed from outside (SIGKILL to a
// Vitest worker, a CI job cancelled, a closed terminal) runs no afterAll, and an etcd started by
// that run would listen on for ever. The kernel offers one signal that survives every kind of
// death: when a process ends, its end of every pipe closes. So the program is started under a small
// POSIX shell that holds a pipe from this process; when the pipe reaches end-of-file the shell ends
// the program. The shell and the program share a process group of their own, so stopping signals
// them both at once.
import { spawn, type ChildProcess } from 'node:child_process';

/**
 * The shell's script. Its stdin is the tether: a background reader waits for end-of-file on it
 * (a copy on fd 3, because an asynchronous list's stdin is /dev/null otherwise) and then sends the
 * program SIGTERM. The shell waits for the program and exits with its status.
 */
const tetherScript = `
exec 3<&0
"$@" </dev/null &
program=$!
{ while read -r _ <&3; do :; done; kill -TERM "$program" 2>/dev/null; } &
wait "$program"
`;

/** Starts `command` with `args`, its stdout and stderr piped, ending when this process ends. */
export function spawnTethered(command: string, args: string[]): ChildProcess {
  return spawn('sh', ['-c', tetherScript, 'tethered', command, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
}

/** Stops a tethered program: SIGTERM to its group, SIGKILL after `graceMs`, then waits for it. */
export async function stopTethered(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group is already gone.
    }
  };
  signalGroup('SIGTERM');
  const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
