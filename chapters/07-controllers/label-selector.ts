// A LabelSelector, as ReplicaSets and Deployments carry it (spec.selector): matchLabels, every
// key=value of which must be there, and matchExpressions (In, NotIn, Exists, DoesNotExist), every
// one of which must hold. An empty selector matches everything; Services use the plain map form,
// which is matchLabels alone.
import type { LabelSelector } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

/** Every matchLabels pair is among `labels`, and every matchExpression holds. */
export function matchesSelector(
  selector: LabelSelector | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  throw new NotImplemented('matchesSelector', '§ ReplicaSets');
}
