// Scores: of the nodes that passed the filters, which is best? Each score is 0 to 100, computed as
// kube-scheduler's NodeResourcesFit (least allocated) and NodeResourcesBalancedAllocation plugins
// compute it, then weighted and summed. The highest total wins; ties are broken at random, so equal
// nodes share the load instead of the first one taking everything.
import type { Pod } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { NodeInfo } from './node-info.ts';

const section = '§ Scores';

/**
 * Least allocated: with the pod placed (node.nonZeroRequested plus the pod's scoringRequests), the
 * fraction of allocatable CPU left free and of memory left free (never below 0), each times 100,
 * averaged and rounded down.
 */
export function leastAllocated(pod: Pod, node: NodeInfo): number {
  throw new NotImplemented('leastAllocated', section);
}

/**
 * Balanced allocation: with the pod placed, the used fractions of CPU and memory (each at most 1);
 * (1 - |cpu - memory| / 2) * 100, rounded down.
 */
export function balancedAllocation(pod: Pod, node: NodeInfo): number {
  throw new NotImplemented('balancedAllocation', section);
}

export interface ScoreWeights {
  leastAllocated: number;
  balancedAllocation: number;
}

export const defaultWeights: ScoreWeights = { leastAllocated: 1, balancedAllocation: 1 };

/** The weighted sum of both scores. */
export function scoreNode(
  pod: Pod,
  node: NodeInfo,
  weights: ScoreWeights = defaultWeights,
): number {
  throw new NotImplemented('scoreNode', section);
}

/**
 * The name of the node with the highest score; among several with it, the one at index
 * floor(random() * their number).
 */
export function selectHost(
  scored: { name: string; score: number }[],
  random: () => number,
): string {
  throw new NotImplemented('selectHost', section);
}
