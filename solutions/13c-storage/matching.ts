// Matching: which PersistentVolume can serve which PersistentVolumeClaim. A claim asks for an
// amount of storage (spec.resources.requests.storage), ways to mount it (accessModes), a class
// (storageClassName) and perhaps volumes with certain labels (selector); a volume offers a
// capacity, access modes and a class. The binder (binder.ts) pairs them with these functions, and
// the scheduler (volume-binding.ts) asks whether a node can reach a volume at all.
//
// Everything here is a plain function of objects: no client, no clock, no waiting.
import { quantityValue } from '../../harness/api/quantity.ts';
import type {
  LabelSelector,
  Node,
  NodeSelectorRequirement,
  PersistentVolume,
  PersistentVolumeClaim,
} from '../../harness/api/types.ts';

/** The annotation that marks a StorageClass as the one claims without a class get. */
export const defaultClassAnnotation = 'storageclass.kubernetes.io/is-default-class';

/** The bytes a claim asks for: its requests.storage, 0 when it says nothing. */
export function requestedBytes(claim: PersistentVolumeClaim): number {
  return quantityValue(claim.spec.resources?.requests?.storage);
}

/** The bytes a volume holds: its capacity.storage. */
export function capacityBytes(volume: PersistentVolume): number {
  return quantityValue(volume.spec.capacity?.storage);
}

/**
 * The class a claim belongs to: its storageClassName, where "" means "no class" (only volumes
 * without a class serve it). Absent (or null) is also "" here: the binder gives such a claim the
 * default class first, when the cluster has one.
 */
export function claimClass(claim: PersistentVolumeClaim): string {
  return claim.spec.storageClassName ?? '';
}

/** Whether labels satisfy a label selector: every matchLabels pair and every expression. */
export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string> = {},
): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  return (selector.matchExpressions ?? []).every((requirement) =>
    requirementHolds(requirement as NodeSelectorRequirement, labels),
  );
}

/** One requirement (In, NotIn, Exists, DoesNotExist) on a set of labels. */
export function requirementHolds(
  { key, operator, values = [] }: NodeSelectorRequirement,
  labels: Record<string, string>,
): boolean {
  const has = Object.hasOwn(labels, key);
  switch (operator) {
    case 'In':
      return has && values.includes(labels[key]!);
    case 'NotIn':
      return !has || !values.includes(labels[key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false;
  }
}

/**
 * Whether a volume could serve a claim, ignoring who else wants it: same class, every access mode
 * the claim asks for, at least the bytes asked for, the same volume mode, and the selector's
 * labels.
 */
export function volumeSatisfies(volume: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  if ((volume.spec.storageClassName ?? '') !== claimClass(claim)) return false;
  const offered = volume.spec.accessModes ?? [];
  if (!(claim.spec.accessModes ?? []).every((mode) => offered.includes(mode))) return false;
  if (capacityBytes(volume) < requestedBytes(claim)) return false;
  if ((volume.spec.volumeMode ?? 'Filesystem') !== (claim.spec.volumeMode ?? 'Filesystem')) {
    return false;
  }
  return selectorMatches(claim.spec.selector, volume.metadata.labels);
}

/** Whether the volume is free for this claim: no claimRef, or one naming this very claim. */
export function availableFor(volume: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const ref = volume.spec.claimRef;
  if (!ref) return volume.status?.phase !== 'Released' && volume.status?.phase !== 'Failed';
  return ref.namespace === claim.metadata.namespace && ref.name === claim.metadata.name;
}

/**
 * The volume the binder gives a claim: among the free volumes that satisfy it, one already
 * reserved for it (claimRef names it) first, then the smallest, so big volumes stay for big
 * claims. Undefined when none fits.
 */
export function findBestVolume(
  claim: PersistentVolumeClaim,
  volumes: readonly PersistentVolume[],
): PersistentVolume | undefined {
  const fitting = volumes.filter(
    (volume) => availableFor(volume, claim) && volumeSatisfies(volume, claim),
  );
  const reserved = fitting.find((volume) => volume.spec.claimRef);
  if (reserved) return reserved;
  return fitting.sort((a, b) => capacityBytes(a) - capacityBytes(b))[0];
}

/**
 * Whether a node can reach a volume: a volume without nodeAffinity is reachable from every node;
 * one with it, from the nodes whose labels satisfy any one of its terms (each term: all of its
 * expressions). A local volume names its node by kubernetes.io/hostname.
 */
export function volumeReachableFrom(volume: PersistentVolume, node: Node): boolean {
  const terms = volume.spec.nodeAffinity?.required?.nodeSelectorTerms;
  if (!terms) return true;
  const labels = node.metadata.labels ?? {};
  return terms.some((term) =>
    (term.matchExpressions ?? []).every((requirement) => requirementHolds(requirement, labels)),
  );
}
