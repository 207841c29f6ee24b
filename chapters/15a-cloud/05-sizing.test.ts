// What pods ask and nodes offer: the cluster autoscaler's arithmetic, as pure functions: what a
// pod requests, how many nodes hold the pending ones, how full a node is, whether its pods could move.
import { describe, expect, test } from 'vitest';
import { podRequesting } from '../../harness/api/examples.ts';
import { poolNode, webPod } from '../../harness/testing/fake-cloud.ts';
import {
  blockedScaleDown,
  firstFit,
  isUnschedulable,
  nodeAllocatable,
  nodesNeeded,
  podRequests,
  podsToMove,
  utilization,
} from './cluster-autoscaler.ts';

describe('What pods ask and nodes offer', () => {
  test('a pod is unschedulable when unbound with PodScheduled False, reason Unschedulable', () => {
    expect(isUnschedulable(webPod('a', '100m')), 'a pending pod the scheduler gave up on').toBe(
      true,
    );
    expect(isUnschedulable(webPod('b', '100m', 'n1')), 'a pod bound to n1').toBe(false);
    const fresh = podRequesting('c', { cpu: '100m' });
    expect(isUnschedulable(fresh), 'a pod the scheduler has not looked at yet').toBe(false);
  });

  test("a pod's requests add up its containers'; a node offers its allocatable", () => {
    const pod = webPod('a', '250m');
    pod.spec.containers.push({
      name: 'side',
      image: 'busybox',
      resources: { requests: { cpu: '0.5' } },
    });
    expect(podRequests(pod), 'containers of 250m + 100Mi and 0.5 cpu').toEqual({
      cpu: 750,
      memory: 100 * 2 ** 20,
    });
    expect(nodeAllocatable(poolNode('n1')), 'a node of 1 cpu and 4Gi').toEqual({
      cpu: 1000,
      memory: 4 * 2 ** 30,
    });
  });

  test('firstFit places each request in the first bin with room, opening new bins, skipping the too big', () => {
    const capacity = { cpu: 1000, memory: 1000 };
    const requests = [600, 600, 300, 2000].map((cpu) => ({ cpu, memory: 10 }));
    const { free, placed } = firstFit(requests, [], capacity);
    expect(placed, 'requests of 600, 600, 300 and 2000 millicores placed').toBe(3);
    expect(
      free.map((bin) => bin.cpu),
      'what each opened 1-core bin has left',
    ).toEqual([100, 400]);
    const existing = firstFit([{ cpu: 500, memory: 10 }], [{ cpu: 400, memory: 1000 }]);
    expect(existing.placed, 'a 500m request, one bin of 400m and no new bins').toBe(0);
  });

  test('nodesNeeded packs the pending pods onto new nodes like the template', () => {
    const template = poolNode('template');
    const pods = ['a', 'b', 'c', 'd'].map((name) => webPod(name, '300m'));
    expect(nodesNeeded(pods, template), 'four pods of 300m on 1-core nodes').toBe(2);
    expect(nodesNeeded([], template), 'no pending pods').toBe(0);
  });

  test("a node's utilization is the larger of its cpu and memory share", () => {
    const pods = [webPod('a', '200m', 'n1'), webPod('b', '100m', 'n1')];
    expect(utilization(poolNode('n1'), pods), '300m of 1 core, 200Mi of 4Gi').toBeCloseTo(0.3);
    expect(utilization(poolNode('n1'), []), 'an empty node').toBe(0);
  });

  test('only pods that would be lost must move: DaemonSet pods and finished pods stay', () => {
    const daemon = webPod('d', '100m', 'n1');
    daemon.metadata.ownerReferences![0]!.kind = 'DaemonSet';
    const done = webPod('f', '100m', 'n1');
    done.status = { phase: 'Succeeded' };
    const moving = podsToMove([daemon, done, webPod('w', '100m', 'n1')]);
    expect(
      moving.map((pod) => pod.metadata.name),
      'pods to move off n1',
    ).toEqual(['w']);
  });

  test('a scale-down is blocked by a pod nobody owns, or by pods that fit nowhere else', () => {
    const lonely = podRequesting('lonely', { cpu: '100m' });
    lonely.metadata.namespace = 'default';
    const others = [{ node: poolNode('n2'), pods: [webPod('x', '800m', 'n2')] }];
    expect(blockedScaleDown([lonely], others), 'moving a pod without a controller').toBe(
      'pod default/lonely is not replicated',
    );
    expect(
      blockedScaleDown([webPod('w', '300m', 'n1')], others),
      'moving 300m to n2 with 200m free',
    ).toBe('no place for its pods on the other nodes');
    expect(
      blockedScaleDown([webPod('w', '100m', 'n1')], others),
      'moving 100m there',
    ).toBeUndefined();
  });
});
