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

/** A volume's files: path inside the volume → content and permission bits. */
export type Payload = Map<string, { content: string; mode: number }>;

/** The permission bits of a projected file when neither the item nor the volume says: 0644. */
export const defaultFileMode = 0o644;

/** The volume plugin's name, as in the kubelet's directory names: configmap, empty-dir, ... */
export function volumePlugin(volume: Volume): string {
  if (volume.emptyDir) return 'empty-dir';
  if (volume.configMap) return 'configmap';
  if (volume.secret) return 'secret';
  if (volume.projected) return 'projected';
  if (volume.downwardAPI) return 'downward-api';
  if (volume.hostPath) return 'host-path';
  // No source at all is an emptyDir, as the API server defaults it.
  return 'empty-dir';
}

/** Where memory-backed emptyDirs are made: the host's tmpfs, one directory per pod uid. */
export const memoryRoot = '/dev/shm/kata-volumes';

/** Whether the volume is an emptyDir kept in memory (medium: Memory). */
export function inMemory(volume: Volume): boolean {
  return volume.emptyDir?.medium === 'Memory';
}

/**
 * The volumes whose files come from the API (configMap, secret, downwardAPI, projected): the
 * kubelet mounts them read-only whatever the volumeMount says, so a container can never write
 * what the next update would overwrite.
 */
export function apiDataVolumes(pod: Pod): Set<string> {
  const names = (pod.spec.volumes ?? [])
    .filter((volume) => volume.configMap || volume.secret || volume.downwardAPI || volume.projected)
    .map((volume) => volume.name);
  return new Set(names);
}

/** Where a volume of the pod `uid` lives on the node. */
export function volumeDir(podsDir: string, uid: string, volume: Volume): string {
  if (volume.hostPath) return volume.hostPath.path;
  return join(podsDir, uid, 'volumes', `kubernetes.io~${volumePlugin(volume)}`, volume.name);
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
  const payload: Payload = new Map();
  if (!items) {
    for (const [key, content] of Object.entries(entries)) payload.set(key, { content, mode });
    return payload;
  }
  for (const item of items) {
    const content = entries[item.key];
    if (content === undefined)
      throw new ContainerConfigError(`${kind} references non-existent config key: ${item.key}`);
    payload.set(item.path, { content, mode: item.mode ?? mode });
  }
  return payload;
}

/** The files of downward API items: each a pod field or a container resource. */
export function downwardFiles(
  pod: Pod,
  items: DownwardApiFile[],
  mode: number,
  sources: ConfigSources,
): Payload {
  const payload: Payload = new Map();
  for (const item of items) {
    const content = item.fieldRef
      ? podField(pod, item.fieldRef, sources)
      : resourceField(pod, undefined, item.resourceFieldRef!, sources);
    payload.set(item.path, { content, mode: item.mode ?? mode });
  }
  return payload;
}

/** A ConfigMap's or Secret's keys, or undefined when it is missing and optional; else an error. */
function objectEntries(
  kind: 'configmap' | 'secret',
  name: string,
  optional: boolean | undefined,
  pod: Pod,
  sources: ConfigSources,
): Record<string, string> | undefined {
  const namespace = pod.metadata.namespace ?? 'default';
  const object =
    kind === 'configmap' ? sources.configMap(namespace, name) : sources.secret(namespace, name);
  if (object) return kind === 'configmap' ? (object.data ?? {}) : secretEntries(object);
  if (optional) return undefined;
  throw new ContainerConfigError(`${kind} "${name}" not found`);
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
  const { configMap, secret, downwardAPI, projected } = volume;
  const empty: Payload = new Map();
  if (configMap) {
    const entries = objectEntries('configmap', configMap.name, configMap.optional, pod, sources);
    const mode = configMap.defaultMode ?? defaultFileMode;
    return entries ? projectKeys(entries, configMap.items, mode, 'configmap') : empty;
  }
  if (secret) {
    const entries = objectEntries('secret', secret.secretName, secret.optional, pod, sources);
    const mode = secret.defaultMode ?? defaultFileMode;
    return entries ? projectKeys(entries, secret.items, mode, 'secret') : empty;
  }
  if (downwardAPI)
    return downwardFiles(
      pod,
      downwardAPI.items ?? [],
      downwardAPI.defaultMode ?? defaultFileMode,
      sources,
    );
  if (!projected) return undefined;
  const payload: Payload = new Map();
  const mode = projected.defaultMode ?? defaultFileMode;
  for (const source of projected.sources) {
    let files: Payload = empty;
    if (source.configMap) {
      const { name, optional, items } = source.configMap;
      const entries = objectEntries('configmap', name, optional, pod, sources);
      if (entries) files = projectKeys(entries, items, mode, 'configmap');
    } else if (source.secret) {
      const { name, optional, items } = source.secret;
      const entries = objectEntries('secret', name, optional, pod, sources);
      if (entries) files = projectKeys(entries, items, mode, 'secret');
    } else if (source.downwardAPI) {
      files = downwardFiles(pod, source.downwardAPI.items ?? [], mode, sources);
    }
    for (const [path, file] of files) payload.set(path, file);
  }
  return payload;
}

/** The directory `..data` points at now, if any. */
function currentVersion(dir: string): string | undefined {
  try {
    return join(dir, readlinkSync(join(dir, '..data')));
  } catch {
    return undefined;
  }
}

/** Whether the version in `versionDir` holds exactly `payload`. */
function holds(versionDir: string, payload: Payload): boolean {
  const written = listFiles(versionDir, '');
  if (written.length !== payload.size) return false;
  return written.every((path) => {
    const file = payload.get(path);
    const full = join(versionDir, path);
    return (
      file !== undefined &&
      readFileSync(full, 'utf8') === file.content &&
      (statSync(full).mode & 0o777) === file.mode
    );
  });
}

function listFiles(dir: string, prefix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? listFiles(join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}

/** A version directory's name, as the kubelet's: ..<date and time>.<random>. */
function versionName(now: Date): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '_').replace(/\..*$/, '');
  return `..${stamp}.${randomBytes(4).toString('hex')}`;
}

/**
 * Writes `payload` into `dir` as the kubelet's AtomicWriter does: a new version directory, then
 * `..data` switched to it by one rename, then a link for each top-level name, then the old version
 * removed. Answers whether anything changed (an unchanged payload is not written again).
 */
export function writeAtomically(dir: string, payload: Payload, now = new Date()): boolean {
  mkdirSync(dir, { recursive: true });
  const previous = currentVersion(dir);
  if (previous && holds(previous, payload)) return false;
  const version = versionName(now);
  for (const [path, file] of payload) {
    const target = join(dir, version, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    chmodSync(target, file.mode);
  }
  mkdirSync(join(dir, version), { recursive: true });
  rmSync(join(dir, '..data_tmp'), { force: true });
  symlinkSync(version, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  const names = new Set([...payload.keys()].map((path) => path.split('/')[0]!));
  for (const name of names)
    if (!existsSync(join(dir, name))) symlinkSync(join('..data', name), join(dir, name));
  for (const entry of readdirSync(dir))
    if (!entry.startsWith('..') && !names.has(entry)) rmSync(join(dir, entry), { force: true });
  if (previous) rmSync(previous, { recursive: true, force: true });
  return true;
}

/**
 * Makes every volume of the pod on disk (or brings its files up to date): an emptyDir's directory,
 * a hostPath's (DirectoryOrCreate), the files of the rest. Answers each volume's host path by name;
 * a volume that cannot be set up is an error naming it, in the words of a FailedMount Event.
 */
export function setUpVolumes(
  pod: Pod,
  podsDir: string,
  sources: ConfigSources,
  now = new Date(),
): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const volume of pod.spec.volumes ?? []) {
    const dir = volumeDir(podsDir, pod.metadata.uid!, volume);
    try {
      const payload = volumePayload(pod, volume, sources);
      if (payload) writeAtomically(dir, payload, now);
      else if (inMemory(volume))
        linkToMemory(dir, join(memoryRoot, pod.metadata.uid!, volume.name));
      else mkdirSync(dir, { recursive: true });
    } catch (error) {
      const why = (error as Error).message;
      throw new ContainerConfigError(
        `MountVolume.SetUp failed for volume "${volume.name}" : ${why}`,
      );
    }
    dirs.set(volume.name, dir);
  }
  return dirs;
}

/** Makes `memoryDir` on the tmpfs, and the kubelet's path `dir` a link to it (once). */
function linkToMemory(dir: string, memoryDir: string): void {
  mkdirSync(memoryDir, { recursive: true });
  if (existsSync(dir)) return;
  mkdirSync(dirname(dir), { recursive: true });
  symlinkSync(memoryDir, dir);
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
  return (container.volumeMounts ?? []).map((volumeMount) => {
    const dir = dirs.get(volumeMount.name);
    if (dir === undefined)
      throw new ContainerConfigError(
        `cannot find volume "${volumeMount.name}" to mount into container "${container.name}"`,
      );
    let hostPath = dir;
    if (volumeMount.subPath) {
      const sub = normalize(volumeMount.subPath);
      if (sub.startsWith('..') || sub.startsWith('/'))
        throw new ContainerConfigError(
          `subPath "${volumeMount.subPath}" must be a relative path inside the volume, without ".."`,
        );
      hostPath = join(dir, sub);
      if (!existsSync(hostPath)) mkdirSync(hostPath, { recursive: true });
      hostPath = realpathSync(hostPath);
    }
    return {
      containerPath: volumeMount.mountPath,
      hostPath,
      readonly: (volumeMount.readOnly ?? false) || readOnlyVolumes.has(volumeMount.name),
    };
  });
}

/**
 * Removes every volume of the pod `uid`, its memory-backed ones too (never a hostPath: that is the
 * node's own directory).
 */
export function removePodVolumes(podsDir: string, uid: string): void {
  rmSync(join(podsDir, uid), { recursive: true, force: true });
  rmSync(join(memoryRoot, uid), { recursive: true, force: true });
}

/**
 * The objects a pod consumes, through its env and envFrom (init containers' too) and its volumes:
 * the kubelet watches them, and syncs the pod again when one changes.
 */
export function consumedObjects(pod: Pod): string[] {
  const namespace = pod.metadata.namespace ?? 'default';
  const found = new Set<string>();
  const add = (kind: string, name: string | undefined) =>
    name && found.add(`${kind}/${namespace}/${name}`);
  const containers = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
  for (const container of containers) {
    for (const source of container.envFrom ?? []) {
      add('configmap', source.configMapRef?.name);
      add('secret', source.secretRef?.name);
    }
    for (const variable of container.env ?? []) {
      add('configmap', variable.valueFrom?.configMapKeyRef?.name);
      add('secret', variable.valueFrom?.secretKeyRef?.name);
    }
  }
  for (const volume of pod.spec.volumes ?? []) {
    add('configmap', volume.configMap?.name);
    add('secret', volume.secret?.secretName);
    for (const source of volume.projected?.sources ?? []) {
      add('configmap', source.configMap?.name);
      add('secret', source.secret?.name);
    }
  }
  return [...found];
}
