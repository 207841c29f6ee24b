// The pod-template-hash: the name of a pod template. A Deployment runs one ReplicaSet per template
// it has had; the hash of the template goes into that ReplicaSet's name (`web-5d59d67564`), its
// selector, its template's labels and so every pod's, so ReplicaSets of one Deployment never
// select each other's pods. Clients treat it as opaque: any stable hash will do. This one follows
// Kubernetes: FNV-1a (32 bits) over the template, its decimal digits spelled in an alphabet with
// no vowels (no accidental words) and no look-alikes (no 0, 1, 3). canonicalJson (given) makes
// equal templates hash equal, whatever order their fields came in.
import { canonicalJson, sameJson } from '../../harness/api/json.ts';
import type { PodTemplateSpec } from '../../harness/api/types.ts';

/** The label that carries the hash, on the ReplicaSet's selector, its template and its pods. */
export const podTemplateHashLabel = 'pod-template-hash';

/** The 27 characters a hash is spelled in. */
export const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-1a, 32 bits: a fast, well-spread hash of a string's UTF-8 bytes. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The template as the Deployment wrote it: without the hash label a ReplicaSet's copy carries. */
export function withoutHash(template: PodTemplateSpec): PodTemplateSpec {
  const copy = structuredClone(template);
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[podTemplateHashLabel];
    if (Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
  }
  return copy;
}

/**
 * The hash of a template. `collisionCount` (the Deployment's status.collisionCount) is mixed in, so
 * that when a name is taken by a ReplicaSet with another template, counting up gives a new name.
 */
export function podTemplateHash(template: PodTemplateSpec, collisionCount = 0): string {
  const text =
    canonicalJson(withoutHash(template)) + (collisionCount ? String(collisionCount) : '');
  return [...String(fnv1a32(text))].map((digit) => alphabet[digit.charCodeAt(0) % 27]).join('');
}

/** Whether two templates are the same, the hash label aside: a ReplicaSet's and its Deployment's. */
export function sameTemplate(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  return sameJson(withoutHash(a), withoutHash(b));
}
