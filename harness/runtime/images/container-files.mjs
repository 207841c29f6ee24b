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
//
// A mount the pod made read-only (volumeMounts[].readOnly, and every configMap, secret,
// downwardAPI and projected volume) is listed in KATA_READONLY_PATHS (container paths, colon
// separated, as PATH). A real runtime bind-mounts it with MS_RDONLY in the container's own mount
// namespace, and the kernel answers a write with EROFS. A kata container has no namespace of its
// own, so this file is where it meets its mounts, and it answers the same: every write an image
// makes through hostPathForWrite or checkWritable under such a path fails with EROFS, "read-only
// file system". A program that writes a host path by itself, around this file, is not stopped.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize } from 'node:path';

/** Where `path`, as the container names it, is on the host. */
export function hostPathOf(path, env = process.env) {
  const root = env.KATA_ROOT;
  if (!root || !isAbsolute(path)) return path;
  const underRoot = join(root, path);
  return existsSync(underRoot) ? underRoot : path;
}

/** The read-only mount `path` (as the container names it) lies in, or undefined. */
export function readOnlyMountOf(path, env = process.env) {
  if (!isAbsolute(path)) return undefined;
  const target = normalize(path);
  const mounts = (env.KATA_READONLY_PATHS ?? '').split(':').filter((mount) => mount !== '');
  return mounts.find(
    (mount) => target === mount || target.startsWith(`${mount.replace(/\/$/, '')}/`),
  );
}

/** Throws what the kernel throws for a write to a read-only mount, if `path` is in one. */
export function checkWritable(path, env = process.env, syscall = 'open') {
  if (readOnlyMountOf(path, env) === undefined) return;
  const error = new Error(`EROFS: read-only file system, ${syscall} '${path}'`);
  error.code = 'EROFS';
  error.syscall = syscall;
  error.path = path;
  throw error;
}

/**
 * Where a file the container writes at `path` goes on the host (EROFS when `path` is in a
 * read-only mount): under KATA_ROOT when its directory
 * is there (a volume mounted at /data takes /data/note, which does not exist yet), else the host
 * path.
 */
export function hostPathForWrite(path, env = process.env) {
  checkWritable(path, env);
  const root = env.KATA_ROOT;
  if (!root || !isAbsolute(path)) return path;
  return existsSync(join(root, dirname(path))) ? join(root, path) : path;
}
