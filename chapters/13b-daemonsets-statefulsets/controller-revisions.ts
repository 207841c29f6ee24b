// ControllerRevisions: the numbered snapshots of a DaemonSet's or StatefulSet's pod template.
// A Deployment keeps its history in old ReplicaSets; these two kinds own their pods directly, so
// they keep it in ControllerRevision objects instead: one per template they have had, named
// "<owner>-<hash of the template>", holding a patch that puts that template back, and numbered
// 1, 2, 3 in the order they were current. Pods carry the hash in the controller-revision-hash
// label, so the controller sees at a glance which pods are of which template.
//
// `kubectl rollout history ds/x` lists them; `kubectl rollout undo ds/x` takes the previous one
// and sends its data as a strategic merge patch to the DaemonSet. The template comes back, its
// hash is the old revision's, and the controller renumbers that revision to be the newest.
import type {
  ControllerRevision,
  OwnerReference,
  PodTemplateSpec,
} from '../../harness/api/types.ts';
import type { ApiClient } from '../../harness/client/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Controller revisions';

/**
 * 32-bit FNV-1a of a string's UTF-8 bytes (TextEncoder), the hash Kubernetes uses for templates:
 * start from 2166136261; for each byte, xor it in, then multiply by 16777619 modulo 2^32.
 */
export function fnv32a(text: string): number {
  throw new NotImplemented('fnv32a', section);
}

/**
 * The hash of a template, as a short name-safe string: fnv32a of its JSON with every object's keys
 * sorted (equal templates, equal text), with String(collisionCount) appended when it is not 0;
 * the number then written in the alphabet "bcdfghjklmnpqrstvwxz2456789", lowest digit first.
 */
export function templateHash(template: PodTemplateSpec, collisionCount = 0): string {
  throw new NotImplemented('templateHash', section);
}

/** The patch a revision holds: { spec: { template: <a copy of it, with $patch: 'replace'> } }. */
export function revisionData(template: PodTemplateSpec): unknown {
  throw new NotImplemented('revisionData', section);
}

/** The template a revision holds: its data's spec.template without the $patch directive. */
export function templateOf(revision: ControllerRevision): PodTemplateSpec {
  throw new NotImplemented('templateOf', section);
}

/** The owner of revisions: a DaemonSet or StatefulSet, with what a revision copies from it. */
export interface RevisionOwner {
  metadata: { name?: string; namespace?: string; uid?: string };
  spec: { template: PodTemplateSpec };
}

/**
 * A new revision of `owner`'s current template, numbered `number`: named "<owner>-<hash>" (hash:
 * templateHash), in the owner's namespace, labelled with the template's labels (so the owner's
 * selector finds it, as kubectl's rollout commands look for it) and revisionHashLabel: hash,
 * owned by `ownerReference`, its data revisionData(template).
 */
export function newRevision(
  owner: RevisionOwner,
  ownerReference: OwnerReference,
  number: number,
): ControllerRevision {
  throw new NotImplemented('newRevision', section);
}

/** The number the next revision gets: one more than the highest, 1 for the first. */
export function nextRevisionNumber(revisions: ControllerRevision[]): number {
  throw new NotImplemented('nextRevisionNumber', section);
}

/**
 * The revisions to delete so that at most `limit` old ones stay: the oldest (lowest number) first,
 * never the revisions whose names are `inUse` (the current one, and any a pod still runs).
 */
export function revisionsToPrune(
  revisions: ControllerRevision[],
  limit: number,
  inUse: Set<string>,
): ControllerRevision[] {
  throw new NotImplemented('revisionsToPrune', section);
}

/**
 * Makes the revision of `owner`'s current template the newest, and returns it. `revisions` are
 * the ones `owner` already has. None with newRevision's name: create it (numbered
 * nextRevisionNumber); if that answers AlreadyExists, get it. One with that name that is already
 * the highest: return it. One with that name but lower (a rollback brought an old template back):
 * merge-patch its revision to the highest + 1 and return what the patch answers.
 */
export async function syncCurrentRevision(
  client: ApiClient,
  owner: RevisionOwner,
  ownerReference: OwnerReference,
  revisions: ControllerRevision[],
): Promise<ControllerRevision> {
  throw new NotImplemented('syncCurrentRevision', section);
}
