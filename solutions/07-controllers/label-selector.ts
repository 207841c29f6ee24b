// A LabelSelector, as ReplicaSets and Deployments carry it (spec.selector): matchLabels, every
// key=value of which must be there, and matchExpressions (In, NotIn, Exists, DoesNotExist), every
// one of which must hold. An empty selector matches everything; Services use the plain map form,
// which is matchLabels alone.
import type { LabelSelector } from '../../harness/api/types.ts';

export function matchesSelector(
  selector: LabelSelector | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    if (have[key] !== value) return false;
  }
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    const value = have[key];
    const holds =
      operator === 'In'
        ? value !== undefined && values.includes(value)
        : operator === 'NotIn'
          ? value === undefined || !values.includes(value)
          : operator === 'Exists'
            ? value !== undefined
            : value === undefined;
    if (!holds) return false;
  }
  return true;
}
