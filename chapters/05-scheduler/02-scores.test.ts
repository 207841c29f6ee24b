// Scores on their own: which of the feasible nodes is best.
import { describe, expect, test } from 'vitest';
import { exampleNode, examplePod, podRequesting } from '../../harness/api/examples.ts';
import type { Node, Pod } from '../../harness/api/types.ts';
import { NodeInfo } from './node-info.ts';
import { balancedAllocation, leastAllocated, scoreNode, selectHost } from './scores.ts';

function info(node: Node, ...pods: Pod[]): NodeInfo {
  const nodeInfo = new NodeInfo(node);
  for (const pod of pods) {
    pod.metadata.namespace ??= 'default';
    nodeInfo.addPod(pod);
  }
  return nodeInfo;
}

describe('Scores', () => {
  test('least allocated: the share left free of CPU and memory, averaged, out of 100', () => {
    const node = info(exampleNode('n', { cpu: '4', memory: '4Gi' }));
    expect(
      leastAllocated(podRequesting('p', { cpu: '1', memory: '1Gi' }), node),
      'a 1-core, 1Gi pod on an empty 4-core, 4Gi node leaves 75% free',
    ).toBe(75);
    const busy = info(
      exampleNode('m', { cpu: '4', memory: '4Gi' }),
      podRequesting('a', { cpu: '2', memory: '2Gi' }),
    );
    expect(
      leastAllocated(podRequesting('p', { cpu: '1', memory: '1Gi' }), busy),
      'the same pod on a node already half used leaves 25% free',
    ).toBe(25);
  });

  test('a pod that requests nothing counts as 100m and 200Mi for scoring', () => {
    const node = info(exampleNode('n', { cpu: '1', memory: '2000Mi' }));
    expect(
      leastAllocated(examplePod('p'), node),
      'a pod requesting nothing (scored as 100m, 200Mi) on 1 core, 2000Mi leaves 90% free',
    ).toBe(90);
  });

  test('balanced allocation: CPU and memory used alike score 100; lopsided use scores lower', () => {
    const node = info(exampleNode('n', { cpu: '4', memory: '4Gi' }));
    expect(
      balancedAllocation(podRequesting('p', { cpu: '2', memory: '2Gi' }), node),
      '2 cores and 2Gi of 4 and 4Gi: both half used',
    ).toBe(100);
    expect(
      balancedAllocation(podRequesting('p', { cpu: '4', memory: '1Gi' }), node),
      '4 cores and 1Gi of 4 and 4Gi: all the CPU, a quarter of memory: 100 - 37.5',
    ).toBe(62);
  });

  test('the score is the weighted sum of both', () => {
    const node = info(exampleNode('n', { cpu: '4', memory: '4Gi' }));
    const pod = podRequesting('p', { cpu: '1', memory: '1Gi' });
    expect(scoreNode(pod, node), 'weights 1 and 1: least allocated 75 + balanced 100').toBe(175);
    expect(
      scoreNode(pod, node, { leastAllocated: 2, balancedAllocation: 0 }),
      'weights 2 and 0: 2 x 75',
    ).toBe(150);
  });

  test('the best score wins; equal scores are broken by the random source', () => {
    expect(
      selectHost(
        [
          { name: 'a', score: 10 },
          { name: 'b', score: 20 },
        ],
        () => 0.99,
      ),
      'a scores 10, b 20: the best wins whatever the random source says',
    ).toBe('b');
    const tied = [
      { name: 'a', score: 50 },
      { name: 'b', score: 50 },
      { name: 'c', score: 50 },
    ];
    expect(
      selectHost(tied, () => 0),
      'three nodes tied at 50, random 0: the first',
    ).toBe('a');
    expect(
      selectHost(tied, () => 0.5),
      'three nodes tied at 50, random 0.5: the second',
    ).toBe('b');
    expect(
      selectHost(tied, () => 0.99),
      'three nodes tied at 50, random 0.99: the third',
    ).toBe('c');
  });
});
