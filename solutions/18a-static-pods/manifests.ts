// Static pod manifests: a folder of files on the node (the kubelet's --pod-manifest-path, kubeadm's
// /etc/kubernetes/manifests), each one Pod in YAML or JSON. The kubelet reads them with no API
// server at all, so it gives each pod what the API server would have: a name with the node's name
// after it (two nodes may run the same file), the default namespace, a uid, spec.nodeName. The uid
// is a hash of the file's pod, the node and the file's path: the same file gives the same uid
// after a kubelet restart, and a changed file gives a new one, so the kubelet sees a new pod.
import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import {
  configHashAnnotation,
  configSeenAnnotation,
  configSourceAnnotation,
} from '../../harness/api/static-pods.ts';
import type { Pod } from '../../harness/api/types.ts';

/** One file of the manifest folder: its path and what it holds. */
export interface ManifestFile {
  path: string;
  text: string;
}

/** What a folder of manifests gives: the static pods by key, and why some files gave none. */
export interface ManifestFolder {
  pods: Map<string, Pod>;
  errors: string[];
}

/**
 * Reads one manifest: a Pod (apiVersion v1) with a name, in YAML or JSON (JSON is YAML). Throws an
 * Error naming the file when the text is not such a Pod.
 */
export function parseManifest(file: ManifestFile): Pod {
  let manifest: unknown;
  try {
    manifest = parse(file.text);
  } catch (error) {
    throw new Error(`${file.path}: invalid pod: ${(error as Error).message}`);
  }
  const pod = manifest as Partial<Pod> | null;
  if (typeof pod !== 'object' || pod === null || Array.isArray(pod))
    throw new Error(`${file.path}: invalid pod: not an object`);
  if (pod.kind !== 'Pod' || pod.apiVersion !== 'v1')
    throw new Error(
      `${file.path}: invalid pod: expected kind Pod in v1, got ${pod.kind ?? 'none'}`,
    );
  if (!pod.metadata?.name) throw new Error(`${file.path}: invalid pod: metadata.name is required`);
  return pod as Pod;
}

/** A static pod's name: the manifest's name, a dash, the node's name in lower case. */
export function staticPodName(name: string, nodeName: string): string {
  return `${name}-${nodeName.toLowerCase()}`;
}

/** A static pod's uid: an md5 hash of the manifest's pod, then "host:<node>" and "file:<path>". */
export function staticPodUid(pod: Pod, nodeName: string, path: string): string {
  const hash = createHash('md5');
  hash.update(JSON.stringify(pod));
  hash.update(`host:${nodeName}`);
  hash.update(`file:${path}`);
  return hash.digest('hex');
}

/**
 * The static pod a manifest gives on this node: its uid, name and namespace filled in, bound to
 * the node, annotated with its hash, source "file" and when it was seen, tolerating every
 * NoExecute taint (a node's trouble must not evict its control plane), with no ServiceAccount
 * token mounted (automountServiceAccountToken false), and Pending.
 */
export function staticPod(manifest: Pod, nodeName: string, path: string, seen: string): Pod {
  const pod = structuredClone(manifest);
  const uid = staticPodUid(manifest, nodeName, path);
  pod.metadata = {
    ...pod.metadata,
    uid,
    name: staticPodName(pod.metadata.name!, nodeName),
    namespace: pod.metadata.namespace || 'default',
    annotations: {
      ...pod.metadata.annotations,
      [configHashAnnotation]: uid,
      [configSourceAnnotation]: 'file',
      [configSeenAnnotation]: seen,
    },
  };
  const tolerations = pod.spec.tolerations ?? [];
  const tolerated = tolerations.some((t) => t.operator === 'Exists' && t.effect === 'NoExecute');
  // No ServiceAccount token: no API server admitted the pod, so no account stands behind it.
  pod.spec = { ...pod.spec, nodeName, automountServiceAccountToken: false };
  if (!tolerated)
    pod.spec.tolerations = [...tolerations, { operator: 'Exists', effect: 'NoExecute' }];
  pod.status = { phase: 'Pending' };
  return pod;
}

/**
 * The static pods of a folder's files, by key "namespace/name". Files whose name starts with a dot
 * are skipped (editors' swap files); a file that is not a Pod, or a second pod of the same key,
 * is an error and gives no pod.
 */
export function readManifests(
  files: ManifestFile[],
  nodeName: string,
  seen: string,
): ManifestFolder {
  const pods = new Map<string, Pod>();
  const errors: string[] = [];
  for (const file of files) {
    if (baseName(file.path).startsWith('.')) continue;
    try {
      const pod = staticPod(parseManifest(file), nodeName, file.path, seen);
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      if (pods.has(key)) errors.push(`${file.path}: a static pod ${key} comes from another file`);
      else pods.set(key, pod);
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  return { pods, errors };
}

/** The last part of a path. */
function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The keys of the static pods that came, went, or changed (a new uid) from `before` to `after`. */
export function changedKeys(before: Map<string, Pod>, after: Map<string, Pod>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((key) => before.get(key)?.metadata.uid !== after.get(key)?.metadata.uid);
}
