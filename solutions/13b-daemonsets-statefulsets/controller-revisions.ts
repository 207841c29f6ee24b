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
import { isAlreadyExists } from '../../harness/client/errors.ts';
import type { ApiClient } from '../../harness/client/types.ts';
import { revisionHashLabel } from './daemon-pods.ts';

/** The letters Kubernetes makes names from (no vowels, so no words; no 0, 1, 3 that look alike). */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with the keys of every object sorted, so equal templates give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** 32-bit FNV-1a of a string's UTF-8 bytes, the hash Kubernetes uses for templates. */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * The hash of a template, as a short name-safe string: FNV-1a of its canonical JSON, written in
 * the safe alphabet. `collisionCount`, when not 0, is hashed in too, to make a new name when two
 * templates ever share one.
 */
export function templateHash(template: PodTemplateSpec, collisionCount = 0): string {
  let value = fnv32a(canonicalJson(template) + (collisionCount ? String(collisionCount) : ''));
  let text = '';
  do {
    text += SAFE_ALPHABET[value % SAFE_ALPHABET.length];
    value = Math.floor(value / SAFE_ALPHABET.length);
  } while (value > 0);
  return text;
}

/** The patch a revision holds: it replaces the owner's whole template with this one. */
export function revisionData(template: PodTemplateSpec): unknown {
  return { spec: { template: { ...structuredClone(template), $patch: 'replace' } } };
}

/** The template a revision holds (its data read back). */
export function templateOf(revision: ControllerRevision): PodTemplateSpec {
  const data = revision.data as { spec?: { template?: Record<string, unknown> } } | undefined;
  const { $patch: _directive, ...template } = data?.spec?.template ?? {};
  return template as unknown as PodTemplateSpec;
}

/** The owner of revisions: a DaemonSet or StatefulSet, with what a revision copies from it. */
export interface RevisionOwner {
  metadata: { name?: string; namespace?: string; uid?: string };
  spec: { template: PodTemplateSpec };
}

/**
 * A new revision of `owner`'s current template, numbered `number`: named "<owner>-<hash>",
 * labelled with the template's labels (so the owner's selector finds it, as kubectl's rollout
 * commands look for it) and the hash, owned by `ownerReference`.
 */
export function newRevision(
  owner: RevisionOwner,
  ownerReference: OwnerReference,
  number: number,
): ControllerRevision {
  const hash = templateHash(owner.spec.template);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `${owner.metadata.name}-${hash}`,
      namespace: owner.metadata.namespace,
      labels: { ...owner.spec.template.metadata?.labels, [revisionHashLabel]: hash },
      ownerReferences: [ownerReference],
    },
    data: revisionData(owner.spec.template),
    revision: number,
  };
}

/** The number the next revision gets: one more than the highest, 1 for the first. */
export function nextRevisionNumber(revisions: ControllerRevision[]): number {
  return Math.max(0, ...revisions.map((revision) => revision.revision)) + 1;
}

/**
 * The revisions to delete so that at most `limit` old ones stay: the oldest first, never the
 * revisions whose names are `inUse` (the current one, and any a pod still runs).
 */
export function revisionsToPrune(
  revisions: ControllerRevision[],
  limit: number,
  inUse: Set<string>,
): ControllerRevision[] {
  const old = revisions
    .filter((revision) => !inUse.has(revision.metadata.name!))
    .sort((a, b) => a.revision - b.revision);
  return old.slice(0, Math.max(0, old.length - limit));
}

/**
 * Makes the revision of `owner`'s current template the newest, and returns it: created when no
 * revision has this template's name; renumbered to the highest when one has (a rollback brought
 * an old template back). `revisions` are the ones `owner` already has.
 */
export async function syncCurrentRevision(
  client: ApiClient,
  owner: RevisionOwner,
  ownerReference: OwnerReference,
  revisions: ControllerRevision[],
): Promise<ControllerRevision> {
  const wanted = newRevision(owner, ownerReference, nextRevisionNumber(revisions));
  const api = client.resource<ControllerRevision>('controllerrevisions', owner.metadata.namespace);
  const existing = revisions.find((revision) => revision.metadata.name === wanted.metadata.name);
  if (!existing) {
    try {
      return await api.create(wanted);
    } catch (error) {
      // Made by an earlier pass the informer has not shown yet: read it back.
      if (!isAlreadyExists(error)) throw error;
      return api.get(wanted.metadata.name!);
    }
  }
  const highest = Math.max(...revisions.map((revision) => revision.revision));
  if (existing.revision === highest) return existing;
  return api.patch(existing.metadata.name!, { revision: highest + 1 }, 'merge');
}
