// Scores: of the nodes that passed the filters, which is best? Each score is 0 to 100, computed as
// kube-scheduler's NodeResourcesFit (least allocated) and NodeResourcesBalancedAllocation plugins
// compute it, then weighted and summed. The highest total wins; ties are broken at random, so equal
// nodes share the load instead of the first one taking everything.
import type { Pod } from '../../harness/api/types.ts';
import { scoringRequests, type NodeInfo } from './node-info.ts';

/** The node's CPU and memory in use, as fractions of allocatable, with the pod placed there. */
function fractions(pod: Pod, node: NodeInfo): [number, number] {
  const wants = scoringRequests(pod);
  const cpu = node.nonZeroRequested.milliCpu + wants.milliCpu;
  const memory = node.nonZeroRequested.memory + wants.memory;
  const { allocatable } = node;
  return [
    allocatable.milliCpu > 0 ? cpu / allocatable.milliCpu : 1,
    allocatable.memory > 0 ? memory / allocatable.memory : 1,
  ];
}

/** Least allocated: the share of CPU and memory left free, averaged, times 100. Spreads pods. */
export function leastAllocated(pod: Pod, node: NodeInfo): number {
  const [cpu, memory] = fractions(pod, node);
  const free = (used: number) => Math.max(0, 1 - used) * 100;
  return Math.floor((free(cpu) + free(memory)) / 2);
}

/**
 * Balanced allocation: nodes whose CPU and memory are used in the same proportion score higher,
 * so neither runs out while the other sits idle. 100 minus the standard deviation of the two
 * fractions (for two values, half their difference), times 100.
 */
export function balancedAllocation(pod: Pod, node: NodeInfo): number {
  const [cpu, memory] = fractions(pod, node).map((fraction) => Math.min(fraction, 1)) as [
    number,
    number,
  ];
  return Math.floor((1 - Math.abs(cpu - memory) / 2) * 100);
}

export interface ScoreWeights {
  leastAllocated: number;
  balancedAllocation: number;
}

export const defaultWeights: ScoreWeights = { leastAllocated: 1, balancedAllocation: 1 };

export function scoreNode(
  pod: Pod,
  node: NodeInfo,
  weights: ScoreWeights = defaultWeights,
): number {
  return (
    weights.leastAllocated * leastAllocated(pod, node) +
    weights.balancedAllocation * balancedAllocation(pod, node)
  );
}

/** The best-scored node's name; among equals, the one `random` picks. */
export function selectHost(
  scored: { name: string; score: number }[],
  random: () => number,
): string {
  const best = Math.max(...scored.map((entry) => entry.score));
  const top = scored.filter((entry) => entry.score === best);
  return top[Math.min(top.length - 1, Math.floor(random() * top.length))]!.name;
}
