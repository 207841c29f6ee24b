// The scheduling cache: nodes, the pods counted on them, and assumptions.
import { describe, expect, test } from 'vitest';
import { exampleNode, podRequesting } from '../../harness/api/examples.ts';
import type { Pod } from '../../harness/api/types.ts';
import { SchedulerCache } from './cache.ts';

function pod(name: string, cpu: string, nodeName?: string): Pod {
  const made = podRequesting(name, { cpu });
  made.metadata.namespace = 'default';
  if (nodeName) made.spec.nodeName = nodeName;
  return made;
}

describe('The scheduling cache', () => {
  test('nodes come and go; bound pods are counted on their node', () => {
    const cache = new SchedulerCache();
    cache.setNode(exampleNode('n1'));
    cache.setNode(exampleNode('n2'));
    cache.addPod(pod('a', '1', 'n1'));
    expect(
      cache.nodes().map((node) => node.name),
      'setNode n1, setNode n2: the nodes, in the order first seen',
    ).toEqual(['n1', 'n2']);
    expect(
      cache.node('n1')?.requested.milliCpu,
      'CPU counted on n1 after pod a (1 core) was seen bound there',
    ).toBe(1000);
    cache.removeNode('n2');
    expect(
      cache.nodes().map((node) => node.name),
      'the nodes after removeNode n2',
    ).toEqual(['n1']);
  });

  test('a pod seen bound before its node is counted once the node arrives', () => {
    const cache = new SchedulerCache();
    cache.addPod(pod('a', '1', 'late'));
    expect(
      cache.node('late'),
      'node(late) before any setNode for it: not a node pods can be placed on yet',
    ).toBeUndefined();
    cache.setNode(exampleNode('late'));
    expect(
      cache.node('late')?.requested.milliCpu,
      'CPU counted on node late once it arrives, for the pod seen bound there before',
    ).toBe(1000);
  });

  test('an assumed pod counts at once; the watch confirming it does not count it twice', () => {
    const cache = new SchedulerCache();
    cache.setNode(exampleNode('n1'));
    const p = pod('a', '1');
    cache.assume(p, 'n1');
    expect(cache.isAssumed(p), 'isAssumed right after assume(a, n1)').toBe(true);
    expect(cache.node('n1')?.requested.milliCpu, 'CPU counted on n1 while a is assumed there').toBe(
      1000,
    );
    cache.addPod(pod('a', '1', 'n1'));
    expect(cache.isAssumed(p), 'isAssumed once the watch shows a bound to n1 (addPod)').toBe(false);
    expect(
      cache.node('n1')?.requested.milliCpu,
      'CPU counted on n1 after the confirmation: a, once',
    ).toBe(1000);
  });

  test('forgetting an assumption frees what it held', () => {
    const cache = new SchedulerCache();
    cache.setNode(exampleNode('n1'));
    const p = pod('a', '1');
    cache.assume(p, 'n1');
    cache.forget(p);
    expect(
      cache.node('n1')?.requested,
      'what n1 counts after assume(a, n1) then forget(a)',
    ).toEqual({
      milliCpu: 0,
      memory: 0,
      pods: 0,
    });
  });

  test('a deleted pod frees its node', () => {
    const cache = new SchedulerCache();
    cache.setNode(exampleNode('n1'));
    cache.addPod(pod('a', '1', 'n1'));
    cache.removePod(pod('a', '1', 'n1'));
    expect(
      cache.node('n1')?.requested.pods,
      'pods counted on n1 after a was added then removed',
    ).toBe(0);
  });
});
