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
  const steps: PathStep[] = [];
  const step =
    /\.([A-Za-z0-9_-]+)|\[(\d+)\]|\[\?\(@\.([A-Za-z0-9_-]+)\s*==\s*["']([^"']*)["']\)\]/y;
  let at = 0;
  while (at < path.length) {
    step.lastIndex = at;
    const match = step.exec(path);
    if (!match) throw new Error(`unsupported JSONPath "${path}" at offset ${at}`);
    if (match[1] !== undefined) steps.push({ field: match[1] });
    else if (match[2] !== undefined) steps.push({ index: Number(match[2]) });
    else steps.push({ filter: { field: match[3]!, equals: match[4]! } });
    at = step.lastIndex;
  }
  return steps;
}

/** The value at `path` in `object`, or undefined when any step finds nothing. */
export function valueAt(object: unknown, path: string): unknown {
  let current = object;
  for (const step of parsePath(path)) {
    if ('field' in step) {
      current = (current as Record<string, unknown> | undefined)?.[step.field];
    } else if ('index' in step) {
      current = Array.isArray(current) ? current[step.index] : undefined;
    } else {
      const items = Array.isArray(current) ? (current as Array<Record<string, unknown>>) : [];
      current = items.find((item) => String(item?.[step.filter.field]) === step.filter.equals);
    }
    if (current === undefined || current === null) return undefined;
  }
  return current;
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
  const value = valueAt(object, column.jsonPath);
  if (value === undefined) return null;
  if (column.type === 'date') {
    const at = Date.parse(String(value));
    return Number.isNaN(at) ? null : humanDuration(now - at);
  }
  return value;
}

/**
 * `object` with `value` set at a path of fields (".spec.replicas"), making the objects on the way
 * when they are absent. A copy.
 */
export function setValueAt<T extends object>(object: T, path: string, value: unknown): T {
  const copy = structuredClone(object) as Record<string, unknown>;
  const fields = parsePath(path).map((step) => {
    if (!('field' in step)) throw new Error(`a scale path must name fields only: "${path}"`);
    return step.field;
  });
  let parent = copy;
  for (const field of fields.slice(0, -1)) {
    if (typeof parent[field] !== 'object' || parent[field] === null) parent[field] = {};
    parent = parent[field] as Record<string, unknown>;
  }
  parent[fields.at(-1)!] = value;
  return copy as T;
}

/**
 * The scale subresource of a custom object: an autoscaling/v1 Scale with the object's identity,
 * spec.replicas from specReplicasPath (0 when absent), status.replicas from statusReplicasPath
 * (0 when absent) and status.selector from labelSelectorPath (left out when absent).
 */
export function scaleOf(object: KubeObject, paths: CustomResourceSubresourceScale): Scale {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = object.metadata;
  const selector = paths.labelSelectorPath ? valueAt(object, paths.labelSelectorPath) : undefined;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: Number(valueAt(object, paths.specReplicasPath) ?? 0) },
    status: {
      replicas: Number(valueAt(object, paths.statusReplicasPath) ?? 0),
      ...(typeof selector === 'string' ? { selector } : {}),
    },
  };
}

/** The object with the replicas a Scale asks for written at specReplicasPath. A copy. */
export function scaled<T extends KubeObject>(
  object: T,
  paths: CustomResourceSubresourceScale,
  replicas: number,
): T {
  return setValueAt(object, paths.specReplicasPath, replicas);
}
