// Which processes of this machine belong to a folder: their command line mentions it (a component's
// --data-dir, a container shim's state directory), or, on Linux, they run inside it (a container's
// program, whose working directory is its log folder under the runtime's state). Tests that start a
// cluster or a benchmark in a temporary folder use it to check that nothing of it is left.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';

/** "pid args" of each process whose command line mentions `folder` or whose cwd is inside it. */
export function processesOf(folder: string): string[] {
  const listing = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  const inside = new Set(workingIn(folder));
  return listing
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^\d+ ps /.test(line))
    .filter((line) => line.includes(folder) || inside.has(Number(line.split(' ')[0])));
}

/** The pids whose working directory is inside `folder` (Linux's /proc; elsewhere none). */
function workingIn(folder: string): number[] {
  if (!existsSync('/proc/self/cwd') || !existsSync(folder)) return [];
  const real = realpathSync(folder);
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (cwd === real || cwd.startsWith(`${real}/`)) pids.push(Number(entry));
    } catch {
      // Gone already, or not ours to look at.
    }
  }
  return pids;
}
