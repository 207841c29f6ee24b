// The pod-template-hash: the name of a pod template. A Deployment runs one ReplicaSet per template
// it has had; the hash of the template goes into that ReplicaSet's name (`web-5d59d67564`), its
// selector, its template's labels and so every pod's, so ReplicaSets of one Deployment never
// select each other's pods. Clients treat it as opaque: any stable hash will do. This one follows
// Kubernetes: FNV-1a (32 bits) over the template, its decimal digits spelled in an alphabet with
// no vowels (no accidental words) and no look-alikes (no 0, 1, 3). canonicalJson (given) makes
// equal templates hash equal, whatever order their fields came in.
//
// Kubernetes hashes and compares templates as Go values, and in Go a field set to null, an empty
// map and an empty list are all the same as no field at all. A template that went through a Go
// client says so: `kubectl rollout undo` sends back an old ReplicaSet's template with
// `creationTimestamp: null` and `resources: {}`. So the hash and the comparison read a template
// without those (semanticTemplate), and the undone template finds its old ReplicaSet again.
import {
  canonicalJson,
  isObject,
  sameJson,
  setField,
  type JsonObject,
} from '../../harness/api/json.ts';
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

/** A JSON value without the fields Go cannot tell from absent: null, {} and [], at every depth. */
export function withoutEmptyFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmptyFields);
  if (!isObject(value)) return value;
  const kept: JsonObject = {};
  for (const [key, field] of Object.entries(value)) {
    const cleaned = withoutEmptyFields(field);
    const empty =
      cleaned === null ||
      cleaned === undefined ||
      (Array.isArray(cleaned) && cleaned.length === 0) ||
      (isObject(cleaned) && Object.keys(cleaned).length === 0);
    if (!empty) setField(kept, key, cleaned);
  }
  return kept;
}

/** The template as the hash and the comparison read it: no hash label, no empty fields. */
export function semanticTemplate(template: PodTemplateSpec): PodTemplateSpec {
  return withoutEmptyFields(withoutHash(template)) as PodTemplateSpec;
}

/**
 * The hash of a template. `collisionCount` (the Deployment's status.collisionCount) is mixed in, so
 * that when a name is taken by a ReplicaSet with another template, counting up gives a new name.
 */
export function podTemplateHash(template: PodTemplateSpec, collisionCount = 0): string {
  const text =
    canonicalJson(semanticTemplate(template)) + (collisionCount ? String(collisionCount) : '');
  return [...String(fnv1a32(text))].map((digit) => alphabet[digit.charCodeAt(0) % 27]).join('');
}

/**
 * Whether two templates are the same, the hash label and empty fields aside: a ReplicaSet's and its
 * Deployment's, or an old ReplicaSet's and a template kubectl sent back.
 */
export function sameTemplate(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  return sameJson(semanticTemplate(a), semanticTemplate(b));
}
