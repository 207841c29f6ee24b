// Filters on their own: plain functions of a pod and a node, no server.
import { describe, expect, test } from 'vitest';
import { exampleNode, examplePod, podRequesting } from '../../harness/api/examples.ts';
import type { Node, Pod } from '../../harness/api/types.ts';
import {
  filterNode,
  nodeAffinity,
  nodePorts,
  nodeReady,
  nodeResourcesFit,
  nodeUnschedulable,
  taintToleration,
  tolerates,
  unschedulableMessage,
} from './filters.ts';
import { NodeInfo, podRequests } from './node-info.ts';

/** A NodeInfo for a node, with pods already on it. */
function info(node: Node, ...pods: Pod[]): NodeInfo {
  const nodeInfo = new NodeInfo(node);
  for (const pod of pods) {
    pod.metadata.namespace ??= 'default';
    nodeInfo.addPod(pod);
  }
  return nodeInfo;
}

describe('Filters', () => {
  test("a pod's requests are its containers' sum, and at least its largest init container's", () => {
    const pod = podRequesting('p', { cpu: '250m', memory: '64Mi' });
    pod.spec.containers.push({ name: 'b', image: 'x', resources: { requests: { cpu: '0.5' } } });
    expect(podRequests(pod), 'two containers').toEqual({ milliCpu: 750, memory: 64 * 2 ** 20 });
    const withInit = structuredClone(pod);
    withInit.spec.initContainers = [
      { name: 'init', image: 'x', resources: { requests: { cpu: '2' } } },
    ];
    expect(podRequests(withInit).milliCpu, 'with an init container asking 2 cores').toBe(2000);
  });

  test('a NodeInfo adds up the requests of the pods on it', () => {
    const node = info(
      exampleNode('n'),
      podRequesting('a', { cpu: '1', memory: '1Gi' }),
      podRequesting('b', { cpu: '500m' }),
    );
    expect(node.requested, 'requested on n').toEqual({
      milliCpu: 1500,
      memory: 2 ** 30,
      pods: 2,
    });
    node.removePod({ ...examplePod('a'), metadata: { name: 'a', namespace: 'default' } });
    expect(node.requested.milliCpu, 'after a leaves').toBe(500);
  });

  test('NodeResourcesFit: requests beyond what is left are Insufficient cpu or memory', () => {
    const node = info(
      exampleNode('n', { cpu: '2', memory: '1Gi' }),
      podRequesting('a', { cpu: '1500m' }),
    );
    expect(nodeResourcesFit(podRequesting('fits', { cpu: '500m' }), node), '500m more').toEqual([]);
    expect(nodeResourcesFit(podRequesting('big', { cpu: '600m', memory: '2Gi' }), node)).toEqual([
      'Insufficient cpu',
      'Insufficient memory',
    ]);
  });

  test('NodeResourcesFit: a node holds no more pods than its allocatable pods', () => {
    const node = info(exampleNode('n', { pods: '1' }), examplePod('a'));
    expect(nodeResourcesFit(examplePod('b'), node)).toEqual(['Too many pods']);
  });

  test('NodeUnschedulable: a cordoned node takes no pods', () => {
    const cordoned = exampleNode('n');
    cordoned.spec = { unschedulable: true };
    expect(nodeUnschedulable(examplePod('p'), info(cordoned))).toEqual([
      'node(s) were unschedulable',
    ]);
    expect(nodeUnschedulable(examplePod('p'), info(exampleNode('m'))), 'a normal node').toEqual([]);
  });

  test('a node that is not Ready takes no pods, unless they tolerate not-ready', () => {
    const notReady = exampleNode('n');
    notReady.status!.conditions = [{ type: 'Ready', status: 'False' }];
    const pod = examplePod('p');
    expect(nodeReady(pod, info(notReady))).toEqual([
      'node(s) had untolerated taint {node.kubernetes.io/not-ready: }',
    ]);
    pod.spec.tolerations = [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }];
    expect(nodeReady(pod, info(notReady)), 'with a toleration').toEqual([]);
  });

  test('NodeAffinity: every nodeSelector label must match', () => {
    const node = exampleNode('n');
    node.metadata.labels = { disk: 'ssd', zone: 'a' };
    const pod = examplePod('p');
    pod.spec.nodeSelector = { disk: 'ssd' };
    expect(nodeAffinity(pod, info(node)), 'disk=ssd on an ssd node').toEqual([]);
    pod.spec.nodeSelector = { disk: 'ssd', zone: 'b' };
    expect(nodeAffinity(pod, info(node)), 'zone=b on a zone a node').toEqual([
      "node(s) didn't match Pod's node affinity/selector",
    ]);
  });

  test('NodeAffinity: required terms with In, NotIn, Exists, DoesNotExist, Gt and Lt', () => {
    const node = exampleNode('n');
    node.metadata.labels = { zone: 'a', cores: '8' };
    const holds = (operator: string, key: string, values?: string[]) => {
      const pod = examplePod('p');
      pod.spec.affinity = {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key, operator: operator as 'In', values }] },
            ],
          },
        },
      };
      return nodeAffinity(pod, info(node)).length === 0;
    };
    expect(
      [
        holds('In', 'zone', ['a', 'b']),
        holds('In', 'zone', ['c']),
        holds('NotIn', 'zone', ['c']),
        holds('Exists', 'zone'),
        holds('DoesNotExist', 'zone'),
        holds('Gt', 'cores', ['4']),
        holds('Lt', 'cores', ['4']),
      ],
      'In a,b / In c / NotIn c / Exists / DoesNotExist / Gt 4 / Lt 4 on zone=a, cores=8',
    ).toEqual([true, false, true, true, false, true, false]);
  });

  test('NodeAffinity: the node needs to match one of the terms, not all', () => {
    const node = exampleNode('n');
    node.metadata.labels = { zone: 'b' };
    const pod = examplePod('p');
    pod.spec.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] },
            { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] },
          ],
        },
      },
    };
    expect(nodeAffinity(pod, info(node))).toEqual([]);
  });

  test('tolerations: Equal needs key and value; Exists only the key; an empty key tolerates all', () => {
    const taint = { key: 'gpu', value: 'true', effect: 'NoSchedule' as const };
    expect(
      [
        tolerates({ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }, taint),
        tolerates({ key: 'gpu', value: 'false' }, taint),
        tolerates({ key: 'gpu', operator: 'Exists' }, taint),
        tolerates({ operator: 'Exists' }, taint),
        tolerates({ key: 'gpu', operator: 'Exists', effect: 'NoExecute' }, taint),
      ],
      'Equal true / Equal false / Exists gpu / Exists (no key) / Exists with another effect',
    ).toEqual([true, false, true, true, false]);
  });

  test('TaintToleration: untolerated NoSchedule and NoExecute taints keep a pod out; PreferNoSchedule does not', () => {
    const node = exampleNode('n');
    node.spec = { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] };
    const pod = examplePod('p');
    expect(taintToleration(pod, info(node))).toEqual([
      'node(s) had untolerated taint {dedicated: db}',
    ]);
    pod.spec.tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'db' }];
    expect(taintToleration(pod, info(node)), 'with the toleration').toEqual([]);
    node.spec.taints = [{ key: 'soft', effect: 'PreferNoSchedule' }];
    expect(taintToleration(examplePod('q'), info(node)), 'PreferNoSchedule').toEqual([]);
  });

  test('NodePorts: a host port is used once per node', () => {
    const withPort = (name: string) => {
      const pod = examplePod(name);
      pod.spec.containers[0]!.ports = [{ containerPort: 80, hostPort: 8080 }];
      return pod;
    };
    const node = info(exampleNode('n'), withPort('a'));
    expect(nodePorts(withPort('b'), node)).toEqual([
      "node(s) didn't have free ports for the requested pod ports",
    ]);
    expect(nodePorts(examplePod('c'), node), 'a pod without host ports').toEqual([]);
  });

  test('a node fails at the first filter that has reasons', () => {
    const node = exampleNode('n', { cpu: '1' });
    node.spec = { unschedulable: true };
    expect(filterNode(podRequesting('p', { cpu: '2' }), info(node))).toEqual([
      'node(s) were unschedulable',
    ]);
  });

  test('the message counts each reason over the nodes, sorted as Kubernetes prints it', () => {
    const message = unschedulableMessage(3, [
      ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'],
      ['Insufficient cpu'],
      ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'],
    ]);
    expect(message).toBe(
      '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.',
    );
    expect(unschedulableMessage(0, []), 'no nodes at all').toBe(
      'no nodes available to schedule pods',
    );
  });
});
