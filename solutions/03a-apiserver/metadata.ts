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
import { sameJson } from '../../harness/api/json.ts';
import type { ResourceType } from '../../harness/api/resources.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import { rfc3339, type Clock } from '../../harness/clock.ts';

/** What the server needs to make objects: a clock, and a random source in [0, 1). */
export interface Makers {
  clock: Clock;
  random: () => number;
}

/** RFC 3339 in UTC with seconds precision, as Kubernetes writes times: 2024-01-02T03:04:05Z. */
export function timestamp(milliseconds: number): string {
  return rfc3339(milliseconds);
}

/** A random (version 4) UUID, drawn from `random` so tests can make it predictable. */
export function newUid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4'; // version 4
  hex[16] = '89ab'[Math.floor(random() * 4)]!; // the RFC 4122 variant
  const text = hex.join('');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}

/** The characters generateName draws from: no vowels (no words by accident), no 0/1/3 look-alikes. */
export const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `prefix` (cut to 58 characters) plus 5 random characters: "web-" → "web-x7k2p". */
export function generateName(prefix: string, random: () => number): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += NAME_ALPHABET[Math.floor(random() * NAME_ALPHABET.length)];
  return `${prefix.slice(0, 58)}${suffix}`;
}

/** Every field except metadata and status: what "the desired state changed" compares. */
function desiredState(object: KubeObject): Record<string, unknown> {
  const { metadata: _metadata, status: _status, apiVersion: _v, kind: _k, ...rest } = object;
  return rest;
}

/** The status an object starts with: controllers and kubelets fill it in later. */
const initialStatus: Record<string, () => Record<string, unknown>> = {
  pods: () => ({ phase: 'Pending' }),
  deployments: () => ({}),
  replicasets: () => ({ replicas: 0 }),
  services: () => ({ loadBalancer: {} }),
};

/**
 * The object as it is first stored: a uid, the creation time in seconds, generation 1, a name
 * completed from generateName when none was given, no resourceVersion (the store assigns it) and,
 * for pods, deployments, replicasets and services, the status they start with. Returns a copy.
 */
export function prepareForCreate(
  resource: ResourceType,
  object: KubeObject,
  makers: Makers,
): KubeObject {
  const created = structuredClone(object);
  const metadata = created.metadata;
  if (!metadata.name && metadata.generateName) {
    metadata.name = generateName(metadata.generateName, makers.random);
  }
  metadata.uid = newUid(makers.random);
  metadata.creationTimestamp = timestamp(makers.clock.now());
  metadata.generation = 1;
  delete metadata.resourceVersion;
  delete metadata.deletionTimestamp;
  delete metadata.deletionGracePeriodSeconds;
  const status = initialStatus[resource.resource];
  if (status) created.status = status();
  return created;
}

/**
 * The object as it is stored after an update of `current` to `next`: the server's fields (uid,
 * creationTimestamp, generateName, deletion marks) stay as they were; generation moves by one when
 * the desired state changed; a write to the object itself (no `subresource`) keeps the stored
 * status of a resource that has a status subresource. `next`'s resourceVersion stays: it is the
 * precondition the store checks. Returns a copy.
 */
export function prepareForUpdate(
  resource: ResourceType,
  current: KubeObject,
  next: KubeObject,
  subresource?: string,
): KubeObject {
  const updated = structuredClone(next);
  const metadata = updated.metadata;
  const was = current.metadata;
  for (const field of [
    'uid',
    'creationTimestamp',
    'generateName',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
  ] as const) {
    if (was[field] === undefined) delete metadata[field];
    else (metadata as Record<string, unknown>)[field] = was[field];
  }
  const generation = was.generation ?? 1;
  metadata.generation = sameJson(desiredState(current), desiredState(updated))
    ? generation
    : generation + 1;
  if (subresource === undefined && resource.subresources.includes('status')) {
    if (current.status === undefined) delete updated.status;
    else updated.status = structuredClone(current.status);
  }
  return updated;
}
