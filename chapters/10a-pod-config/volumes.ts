// Volumes: the directories a pod's containers share, made on the node before the containers start,
// and kept up to date while the pod runs. The kubelet keeps each pod's volumes under its own
// directory, named as the real kubelet names them (/var/lib/kubelet/pods/<uid>/volumes/...):
//
//   <podsDir>/<uid>/volumes/kubernetes.io~empty-dir/<name>/      an empty directory, the pod's
//   <podsDir>/<uid>/volumes/kubernetes.io~configmap/<name>/      a file per key (also secret,
//                                                                projected, downward-api)
//   a hostPath volume is the node's own directory, not under the pod's.
//
// An emptyDir of `medium: Memory` lives in memory: the kubelet mounts a tmpfs at its directory.
// Mounting needs privileges a kata node does not have, so here the directory is made on the
// host's own tmpfs, /dev/shm (memoryRoot), and the kubelet's path is a symlink to it; its files
// cost RAM, not disk, and go when the pod does.
//
// Files from objects (configMap, secret, projected, downwardAPI) are written the way the kubelet's
// AtomicWriter writes them, so a container never sees half an update:
//
//   <name>/..2026_12_03_09_30_00.12345/greeting   the files of one version, in their own directory
//   <name>/..data -> ..2026_12_03_09_30_00.12345   which version is current: one symlink, replaced
//                                                 by a rename (atomic) when the object changes
//   <name>/greeting -> ..data/greeting             what the container opens
//
// A container then sees each volume at its mountPath: the runtime links it into the container's
// root (harness/runtime/process-runtime.ts), where a real runtime bind-mounts it.
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import type {
  Container,
  DownwardApiFile,
  KeyToPath,
  Pod,
  Volume,
} from '../../harness/api/types.ts';
import { ContainerConfigError, type Mount } from '../../harness/runtime/cri.ts';
import { podField, resourceField, secretEntries, type ConfigSources } from './environment.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Volumes';

/** A volume's files: path inside the volume → content and permission bits. */
export type Payload = Map<string, { content: string; mode: number }>;

/** The permission bits of a projected file when neither the item nor the volume says: 0644. */
export const defaultFileMode = 0o644;

/** Where memory-backed emptyDirs are made: the host's tmpfs, one directory per pod uid. */
export const memoryRoot = '/dev/shm/kata-volumes';

/** Whether the volume is an emptyDir kept in memory (emptyDir.medium is "Memory"). */
export function inMemory(volume: Volume): boolean {
  throw new NotImplemented('inMemory', section);
}

/**
 * The names of the volumes whose files come from the API (configMap, secret, downwardAPI,
 * projected): the kubelet mounts them read-only whatever the volumeMount says.
 */
export function apiDataVolumes(pod: Pod): Set<string> {
  throw new NotImplemented('apiDataVolumes', section);
}

/** The volume plugin's name, as in the kubelet's directory names: configmap, empty-dir, ... */
export function volumePlugin(volume: Volume): string {
  throw new NotImplemented('volumePlugin', section);
}

/** Where a volume of the pod `uid` lives on the node. */
export function volumeDir(podsDir: string, uid: string, volume: Volume): string {
  throw new NotImplemented('volumeDir', section);
}

/**
 * The files of an object's keys: every key (no items), or only the items, each at its path with its
 * own mode or the volume's. An item naming a key that is not there is an error.
 */
export function projectKeys(
  entries: Record<string, string>,
  items: KeyToPath[] | undefined,
  mode: number,
  kind: string,
): Payload {
  throw new NotImplemented('projectKeys', section);
}

/** The files of downward API items: each a pod field or a container resource. */
export function downwardFiles(
  pod: Pod,
  items: DownwardApiFile[],
  mode: number,
  sources: ConfigSources,
): Payload {
  throw new NotImplemented('downwardFiles', section);
}

/**
 * The files a volume holds: a configMap's or secret's keys, a downwardAPI's fields, a projected
 * volume's sources together; undefined for a volume that holds no files of ours (emptyDir,
 * hostPath). A missing object that is optional gives an empty volume.
 */
export function volumePayload(
  pod: Pod,
  volume: Volume,
  sources: ConfigSources,
): Payload | undefined {
  throw new NotImplemented('volumePayload', section);
}

/**
 * Writes `payload` into `dir` as the kubelet's AtomicWriter does: a new version directory, then
 * `..data` switched to it by one rename, then a link for each top-level name, then the old version
 * removed. Answers whether anything changed (an unchanged payload is not written again).
 */
export function writeAtomically(dir: string, payload: Payload, now = new Date()): boolean {
  throw new NotImplemented('writeAtomically', section);
}

/**
 * Makes every volume of the pod on disk (or brings its files up to date): an emptyDir's directory
 * (for medium Memory: <memoryRoot>/<uid>/<name>, and the volume's own directory a symlink to it),
 * a hostPath's (DirectoryOrCreate), the files of the rest. Answers each volume's host path by name;
 * a volume that cannot be set up is an error naming it, in the words of a FailedMount Event.
 */
export function setUpVolumes(
  pod: Pod,
  podsDir: string,
  sources: ConfigSources,
  now = new Date(),
): Map<string, string> {
  throw new NotImplemented('setUpVolumes', section);
}

/**
 * The container's mounts: each volumeMount's volume at its mountPath, read-only when the mount
 * says so or the volume is one of `readOnlyVolumes` (apiDataVolumes). A subPath mounts one entry
 * of the volume (made if missing, as in an emptyDir); it is resolved now, so like a real subPath
 * mount it does not follow later updates of a configMap volume. A subPath may not leave its volume.
 */
export function containerMounts(
  container: Container,
  dirs: ReadonlyMap<string, string>,
  readOnlyVolumes: ReadonlySet<string> = new Set(),
): Mount[] {
  throw new NotImplemented('containerMounts', section);
}

/**
 * Removes every volume of the pod `uid`: its folder under podsDir and its folder under memoryRoot
 * (never a hostPath: that is the node's own directory).
 */
export function removePodVolumes(podsDir: string, uid: string): void {
  throw new NotImplemented('removePodVolumes', section);
}

/**
 * The objects a pod consumes, through its env and envFrom (init containers' too) and its volumes:
 * the kubelet watches them, and syncs the pod again when one changes.
 */
export function consumedObjects(pod: Pod): string[] {
  throw new NotImplemented('consumedObjects', section);
}
