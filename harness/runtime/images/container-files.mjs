// A container's view of files, for the images.
//
// A kata container is a host process, not a process in its own mount namespace, so it sees the
// host's files. The runtime gives each container a root directory of its own and tells the program
// where it is in KATA_ROOT: the container's volumes are mounted there, at their mountPath, as the
// runtime's README describes. An image that reads or writes a path the pod spec names
// (`/etc/config/greeting`, `/data/out.txt`) resolves it here first, so it meets the volume the pod
// mounted there rather than the host's own /etc.
//
// Without KATA_ROOT (a program run by hand), or for a path nothing is mounted under, the host path
// is used as it is.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

/** Where `path`, as the container names it, is on the host. */
export function hostPathOf(path, env = process.env) {
  const root = env.KATA_ROOT;
  if (!root || !isAbsolute(path)) return path;
  const underRoot = join(root, path);
  return existsSync(underRoot) ? underRoot : path;
}

/**
 * Where a file the container writes at `path` goes on the host: under KATA_ROOT when its directory
 * is there (a volume mounted at /data takes /data/note, which does not exist yet), else the host
 * path.
 */
export function hostPathForWrite(path, env = process.env) {
  const root = env.KATA_ROOT;
  if (!root || !isAbsolute(path)) return path;
  return existsSync(join(root, dirname(path))) ? join(root, path) : path;
}
