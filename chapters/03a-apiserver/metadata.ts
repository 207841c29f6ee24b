// Object metadata: the fields the server owns. A client sends the desired object; the server
// fills in who it is (uid), when it was made (creationTimestamp), its name when only a prefix was
// given (generateName) and which version of the desired state it is (generation). On an update
// the server keeps those fields, whatever the client sent, and moves generation only when the
// desired state changed.
//
// Spec and status: an object's `spec` is what its owner wants, its `status` is what controllers
// observed. For resources with a status subresource, a write to the object itself cannot change
// the status, and a write to /status cannot change anything else, so a user and a controller
// never overwrite each other's half.
import type { ResourceType } from '../../harness/api/resources.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import type { Clock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Object metadata';

/** What the server needs to make objects: a clock, and a random source in [0, 1). */
export interface Makers {
  clock: Clock;
  random: () => number;
}

/**
 * RFC 3339 in UTC with seconds precision, as Kubernetes writes times: 2024-01-02T03:04:05Z.
 * Every chapter writes times this way: harness/clock.ts's rfc3339 does it; use it.
 */
export function timestamp(milliseconds: number): string {
  throw new NotImplemented('timestamp', section);
}

/**
 * A random (version 4) UUID, drawn from `random` so tests can make it predictable: 32 hex digits,
 * each Math.floor(random() * 16), then digit 12 set to "4" (the version) and digit 16 to one of
 * "89ab" (the variant, also drawn from `random`), grouped 8-4-4-4-12 with dashes.
 */
export function newUid(random: () => number): string {
  throw new NotImplemented('newUid', section);
}

/** The characters generateName draws from: no vowels (no words by accident), no 0/1/3 look-alikes. */
export const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * `prefix` (cut to 58 characters) plus 5 characters of NAME_ALPHABET, each at
 * Math.floor(random() * 27): "web-" → "web-x7k2p". 58 + 5 = 63, the longest DNS label.
 */
export function generateName(prefix: string, random: () => number): string {
  throw new NotImplemented('generateName', section);
}

/**
 * The object as it is first stored, as a copy (structuredClone): `object` itself is not changed.
 * - a name completed from generateName when none was given;
 * - a new uid, creationTimestamp from the clock, generation 1;
 * - no resourceVersion (the store assigns it), no deletionTimestamp or deletionGracePeriodSeconds;
 * - the status it starts with, whatever the client sent: pods {phase: "Pending"}, deployments {},
 *   replicasets {replicas: 0}, services {loadBalancer: {}}. Other kinds keep theirs.
 */
export function prepareForCreate(
  resource: ResourceType,
  object: KubeObject,
  makers: Makers,
): KubeObject {
  throw new NotImplemented('prepareForCreate', section);
}

/**
 * The object as it is stored after an update of `current` to `next`, as a copy of `next`:
 * - uid, creationTimestamp, generateName, deletionTimestamp and deletionGracePeriodSeconds are
 *   `current`'s (absent if `current` has none);
 * - generation is current's + 1 when the desired state changed: every top-level field except
 *   apiVersion, kind, metadata and status (compare with sameJson from harness/api/json.ts); otherwise current's;
 * - a write to the object itself (`subresource` undefined) keeps `current`'s status when the
 *   resource has a status subresource (resource.subresources includes "status");
 * - next's resourceVersion stays: it is the precondition the store checks.
 */
export function prepareForUpdate(
  resource: ResourceType,
  current: KubeObject,
  next: KubeObject,
  subresource?: string,
): KubeObject {
  throw new NotImplemented('prepareForUpdate', section);
}
