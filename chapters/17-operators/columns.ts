// Printer columns and the scale subresource: two places where the server reads a custom object
// by paths its definition gives, since it knows nothing else about the kind.
//
// `kubectl get webapps` asks for a Table; the columns after NAME are the version's
// additionalPrinterColumns, each a JSONPath into the object (".spec.replicas",
// ".status.conditions[?(@.type=="Ready")].status"); a `date` column is shown as an age. The scale
// subresource (`kubectl scale webapp/shop --replicas 3`, and the HorizontalPodAutoscaler) reads
// and writes the replica counts at specReplicasPath and statusReplicasPath, and the selector at
// labelSelectorPath.
import type {
  CustomResourceColumnDefinition,
  CustomResourceSubresourceScale,
} from '../../harness/api/apiextensions.ts';
import { humanDuration } from '../../harness/api/tables.ts';
import type { KubeObject, Scale } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Printer columns and scale';

/** One step of a path: a field by name, an item by index, or the first item matching a filter. */
export type PathStep =
  { field: string } | { index: number } | { filter: { field: string; equals: string } };

/**
 * The steps of a simple JSONPath, as CRDs use them: ".spec.replicas" is two fields,
 * ".spec.ports[0].port" a field, a field, an index and a field, and
 * `.status.conditions[?(@.type=="Ready")].status` a filter on items by one field's value.
 * Anything else throws an Error naming the path.
 */
export function parsePath(path: string): PathStep[] {
  throw new NotImplemented('parsePath', section);
}

/** The value at `path` in `object`, or undefined when any step finds nothing. */
export function valueAt(object: unknown, path: string): unknown {
  throw new NotImplemented('valueAt', section);
}

/**
 * One cell of a printer column for an object: the value at the column's jsonPath; a `date` column
 * as an age against `now` (milliseconds), as `kubectl get` shows AGE; null when there is nothing.
 */
export function printerCell(
  column: CustomResourceColumnDefinition,
  object: KubeObject,
  now: number,
): unknown {
  throw new NotImplemented('printerCell', section);
}

/**
 * `object` with `value` set at a path of fields (".spec.replicas"), making the objects on the way
 * when they are absent. A copy.
 */
export function setValueAt<T extends object>(object: T, path: string, value: unknown): T {
  throw new NotImplemented('setValueAt', section);
}

/**
 * The scale subresource of a custom object: an autoscaling/v1 Scale with the object's identity,
 * spec.replicas from specReplicasPath (0 when absent), status.replicas from statusReplicasPath
 * (0 when absent) and status.selector from labelSelectorPath (left out when absent).
 */
export function scaleOf(object: KubeObject, paths: CustomResourceSubresourceScale): Scale {
  throw new NotImplemented('scaleOf', section);
}

/** The object with the replicas a Scale asks for written at specReplicasPath. A copy. */
export function scaled<T extends KubeObject>(
  object: T,
  paths: CustomResourceSubresourceScale,
  replicas: number,
): T {
  throw new NotImplemented('scaled', section);
}
