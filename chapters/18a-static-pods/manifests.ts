// Static pod manifests: a folder of files on the node (the kubelet's --pod-manifest-path, kubeadm's
// /etc/kubernetes/manifests), each one Pod in YAML or JSON. The kubelet reads them with no API
// server at all, so it gives each pod what the API server would have: a name with the node's name
// after it (two nodes may run the same file), the default namespace, a uid, spec.nodeName. The uid
// is a hash of the file's pod, the node and the file's path: the same file gives the same uid
// after a kubelet restart, and a changed file gives a new one, so the kubelet sees a new pod.
// The reference reads YAML with the yaml package's parse, and hashes with node:crypto's createHash.
import type { Pod } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Static pod manifests';

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
  throw new NotImplemented('parseManifest', section);
}

/** A static pod's name: the manifest's name, a dash, the node's name in lower case. */
export function staticPodName(name: string, nodeName: string): string {
  throw new NotImplemented('staticPodName', section);
}

/** A static pod's uid: an md5 hash of the manifest's pod, then "host:<node>" and "file:<path>". */
export function staticPodUid(pod: Pod, nodeName: string, path: string): string {
  throw new NotImplemented('staticPodUid', section);
}

/**
 * The static pod a manifest gives on this node: its uid, name and namespace filled in, bound to
 * the node, annotated with its hash, source "file" and when it was seen, tolerating every
 * NoExecute taint (a node's trouble must not evict its control plane), with no ServiceAccount
 * token mounted (automountServiceAccountToken false), and Pending.
 */
export function staticPod(manifest: Pod, nodeName: string, path: string, seen: string): Pod {
  throw new NotImplemented('staticPod', section);
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
  throw new NotImplemented('readManifests', section);
}

/** The keys of the static pods that came, went, or changed (a new uid) from `before` to `after`. */
export function changedKeys(before: Map<string, Pod>, after: Map<string, Pod>): string[] {
  throw new NotImplemented('changedKeys', section);
}
