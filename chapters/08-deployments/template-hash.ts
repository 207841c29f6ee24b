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
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ The pod-template-hash';

/** The label that carries the hash, on the ReplicaSet's selector, its template and its pods. */
export const podTemplateHashLabel = 'pod-template-hash';

/** The 27 characters a hash is spelled in. */
export const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * FNV-1a, 32 bits, over the string's UTF-8 bytes (TextEncoder): start from 0x811c9dc5; for each
 * byte, XOR it in, then multiply by 0x01000193 modulo 2^32 (Math.imul, then >>> 0).
 */
export function fnv1a32(text: string): number {
  throw new NotImplemented('fnv1a32', section);
}

/**
 * A copy of the template without the pod-template-hash label (and without `labels` at all when
 * that was the only one): the template as the Deployment wrote it.
 */
export function withoutHash(template: PodTemplateSpec): PodTemplateSpec {
  throw new NotImplemented('withoutHash', section);
}

/**
 * A copy of a JSON value without the fields Go cannot tell from absent, at every depth: a field
 * whose value (once cleaned itself) is null, an empty list or an object with no keys is left out.
 * Lists keep every element (cleaned); numbers, strings and booleans stay as they are, 0, "" and
 * false included. Set fields with setField (given), never `object[key] =`.
 */
export function withoutEmptyFields(value: unknown): unknown {
  throw new NotImplemented('withoutEmptyFields', section);
}

/** The template as the hash and the comparison read it: withoutEmptyFields(withoutHash(template)). */
export function semanticTemplate(template: PodTemplateSpec): PodTemplateSpec {
  throw new NotImplemented('semanticTemplate', section);
}

/**
 * The hash: fnv1a32 of canonicalJson(semanticTemplate(template)), with the collision count appended to
 * the text when it is not 0; then each character of the number's decimal digits becomes
 * alphabet[charCode % 27].
 */
export function podTemplateHash(template: PodTemplateSpec, collisionCount = 0): string {
  throw new NotImplemented('podTemplateHash', section);
}

/**
 * Whether two templates are the same once the hash label and empty fields are set aside: sameJson
 * (given) of their semanticTemplate.
 */
export function sameTemplate(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  throw new NotImplemented('sameTemplate', section);
}
