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
    expect(leastAllocated(podRequesting('p', { cpu: '1', memory: '1Gi' }), node)).toBe(75);
    const busy = info(
      exampleNode('m', { cpu: '4', memory: '4Gi' }),
      podRequesting('a', { cpu: '2', memory: '2Gi' }),
    );
    expect(leastAllocated(podRequesting('p', { cpu: '1', memory: '1Gi' }), busy), 'half used').toBe(
      25,
    );
  });

  test('a pod that requests nothing counts as 100m and 200Mi for scoring', () => {
    const node = info(exampleNode('n', { cpu: '1', memory: '2000Mi' }));
    expect(leastAllocated(examplePod('p'), node), 'an empty-handed pod on 1 core, 2000Mi').toBe(90);
  });

  test('balanced allocation: CPU and memory used alike score 100; lopsided use scores lower', () => {
    const node = info(exampleNode('n', { cpu: '4', memory: '4Gi' }));
    expect(
      balancedAllocation(podRequesting('p', { cpu: '2', memory: '2Gi' }), node),
      'half and half',
    ).toBe(100);
    expect(
      balancedAllocation(podRequesting('p', { cpu: '4', memory: '1Gi' }), node),
      'all CPU, a quarter of memory',
    ).toBe(62);
  });

  test('the score is the weighted sum of both', () => {
    const node = info(exampleNode('n', { cpu: '4', memory: '4Gi' }));
    const pod = podRequesting('p', { cpu: '1', memory: '1Gi' });
    expect(scoreNode(pod, node)).toBe(175);
    expect(scoreNode(pod, node, { leastAllocated: 2, balancedAllocation: 0 })).toBe(150);
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
    ).toBe('b');
    const tied = [
      { name: 'a', score: 50 },
      { name: 'b', score: 50 },
      { name: 'c', score: 50 },
    ];
    expect(
      selectHost(tied, () => 0),
      'random 0',
    ).toBe('a');
    expect(
      selectHost(tied, () => 0.5),
      'random 0.5',
    ).toBe('b');
    expect(
      selectHost(tied, () => 0.99),
      'random 0.99',
    ).toBe('c');
  });
});
