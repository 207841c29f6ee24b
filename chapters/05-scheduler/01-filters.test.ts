// Filters on their own: plain functions of a pod and a node, no server. First what a pod asks for
// and what a node offers (node-info.ts), then the filters themselves (filters.ts).
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
import { NodeInfo, allocatableOf, hostPortsOf, podRequests, scoringRequests } from './node-info.ts';

/** A NodeInfo for a node, with pods already on it. */
function info(node: Node, ...pods: Pod[]): NodeInfo {
  const nodeInfo = new NodeInfo(node);
  for (const pod of pods) {
    pod.metadata.namespace ??= 'default';
    nodeInfo.addPod(pod);
  }
  return nodeInfo;
}

/** examplePod `name` whose container asks for `hostPort` (TCP) on the node. */
function withHostPort(name: string, hostPort: number): Pod {
  const pod = examplePod(name);
  pod.metadata.namespace = 'default';
  pod.spec.containers[0]!.ports = [{ containerPort: 80, hostPort }];
  return pod;
}

/** examplePod `name` whose required node affinity is one term with one expression. */
function withRequirement(operator: string, key: string, values?: string[]): Pod {
  const pod = examplePod('p');
  pod.spec.affinity = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key, operator: operator as 'In', values }] }],
      },
    },
  };
  return pod;
}

describe('Filters', () => {
  test("a pod's requests are its containers' sum, and at least its largest init container's", () => {
    const pod = podRequesting('p', { cpu: '250m', memory: '64Mi' });
    pod.spec.containers.push({ name: 'b', image: 'x', resources: { requests: { cpu: '0.5' } } });
    expect(
      podRequests(pod),
      'containers asking 250m + 64Mi and 0.5 cores should request 750m and 64Mi',
    ).toEqual({ milliCpu: 750, memory: 64 * 2 ** 20 });
    const withInit = structuredClone(pod);
    withInit.spec.initContainers = [
      { name: 'init', image: 'x', resources: { requests: { cpu: '2' } } },
    ];
    expect(
      podRequests(withInit).milliCpu,
      'the same pod with an init container asking 2 cores should request 2000m of CPU',
    ).toBe(2000);
    expect(
      podRequests(examplePod('empty')),
      'a pod whose container asks for nothing should request 0 and 0',
    ).toEqual({ milliCpu: 0, memory: 0 });
  });

  test('a node offers its status.allocatable: CPU in millicores, memory in bytes, pods as a count', () => {
    expect(
      allocatableOf(exampleNode('n', { cpu: '1500m', memory: '2Gi', pods: '30' })),
      'a node with allocatable cpu 1500m, memory 2Gi, pods 30',
    ).toEqual({ milliCpu: 1500, memory: 2 * 2 ** 30, pods: 30 });
    expect(
      allocatableOf({ metadata: { name: 'bare' } }),
      'a node with no status at all offers nothing',
    ).toEqual({ milliCpu: 0, memory: 0, pods: 0 });
  });

  test('host ports read as protocol/port, TCP when no protocol is given', () => {
    const pod = examplePod('p');
    pod.spec.containers[0]!.ports = [
      { containerPort: 80, hostPort: 8080 },
      { containerPort: 53, hostPort: 5353, protocol: 'UDP' },
      { containerPort: 9090 },
    ];
    pod.spec.containers.push({
      name: 'b',
      image: 'x',
      ports: [{ containerPort: 81, hostPort: 8081 }],
    });
    expect(
      hostPortsOf(pod),
      'hostPort 8080, hostPort 5353/UDP, a port with no hostPort, and hostPort 8081 in a second container',
    ).toEqual(['TCP/8080', 'UDP/5353', 'TCP/8081']);
  });

  test('for scoring, a request of zero counts as 100m of CPU and 200Mi of memory', () => {
    expect(
      scoringRequests(examplePod('empty')),
      'a pod that requests nothing should score as 100m and 200Mi',
    ).toEqual({ milliCpu: 100, memory: 200 * 2 ** 20 });
    expect(
      scoringRequests(podRequesting('cpu-only', { cpu: '1' })),
      'a pod asking 1 core and no memory should score as 1000m and 200Mi',
    ).toEqual({ milliCpu: 1000, memory: 200 * 2 ** 20 });
  });

  test('a NodeInfo adds up the requests of the pods on it', () => {
    const node = info(
      exampleNode('n'),
      podRequesting('a', { cpu: '1', memory: '1Gi' }),
      podRequesting('b', { cpu: '500m' }),
    );
    expect(
      node.requested,
      'a (1 core, 1Gi) and b (500m) on n should add up to 1500m, 1Gi and 2 pods',
    ).toEqual({ milliCpu: 1500, memory: 2 ** 30, pods: 2 });
    expect(node.nonZeroRequested, 'for scoring, b counts 200Mi of memory: 1Gi + 200Mi').toEqual({
      milliCpu: 1500,
      memory: 2 ** 30 + 200 * 2 ** 20,
    });
    expect(node.allocatable.milliCpu, "n's allocatable CPU, read when the NodeInfo is made").toBe(
      4000,
    );
  });

  test('a pod removed gives back its requests and its host ports, not the other pods', () => {
    const node = info(exampleNode('n'), withHostPort('a', 8080), withHostPort('b', 9090));
    node.removePod(withHostPort('a', 8080));
    expect(node.requested.pods, 'pods counted after a leaves').toBe(1);
    expect([...node.usedPorts], 'host ports in use after a leaves, b staying').toEqual([
      'TCP/9090',
    ]);
    node.removePod({ ...examplePod('ghost'), metadata: { name: 'ghost', namespace: 'default' } });
    expect(node.requested.pods, 'after removing a pod that was never there').toBe(1);
  });

  test('a pod added again replaces its first count instead of adding to it', () => {
    const node = info(exampleNode('n'), podRequesting('a', { cpu: '1' }));
    node.addPod({
      ...podRequesting('a', { cpu: '2' }),
      metadata: { name: 'a', namespace: 'default' },
    });
    expect(
      node.requested,
      'pod a added with 1 core, then again with 2 cores: counted once, with 2 cores',
    ).toEqual({ milliCpu: 2000, memory: 0, pods: 1 });
  });

  test('setNode keeps the changed node and reads what it offers again', () => {
    const node = info(exampleNode('n', { cpu: '2' }));
    node.setNode(exampleNode('n', { cpu: '8' }));
    expect(node.allocatable.milliCpu, 'allocatable CPU after the node grew from 2 to 8 cores').toBe(
      8000,
    );
    expect(node.node.status?.allocatable?.cpu, 'the node object kept').toBe('8');
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
      'against gpu=true:NoSchedule: Equal true / Equal false / Exists gpu / Exists (no key) / Exists with another effect',
    ).toEqual([true, false, true, true, false]);
  });

  test('NodeResourcesFit: requests beyond what is left are Insufficient cpu or memory', () => {
    const node = info(
      exampleNode('n', { cpu: '2', memory: '1Gi' }),
      podRequesting('a', { cpu: '1500m' }),
    );
    expect(
      nodeResourcesFit(podRequesting('fits', { cpu: '500m' }), node),
      '500m more on a 2-core node with 1500m taken should fit',
    ).toEqual([]);
    expect(
      nodeResourcesFit(podRequesting('big', { cpu: '600m', memory: '2Gi' }), node),
      '600m and 2Gi more on the same node (1Gi of memory)',
    ).toEqual(['Insufficient cpu', 'Insufficient memory']);
  });

  test('NodeResourcesFit: a node holds no more pods than its allocatable pods', () => {
    const node = info(exampleNode('n', { pods: '1' }), examplePod('a'));
    expect(
      nodeResourcesFit(examplePod('b'), node),
      'a second pod on a node that allows 1 pod',
    ).toEqual(['Too many pods']);
  });

  test('NodeUnschedulable: a cordoned node takes no pods', () => {
    const cordoned = exampleNode('n');
    cordoned.spec = { unschedulable: true };
    expect(
      nodeUnschedulable(examplePod('p'), info(cordoned)),
      'a node with spec.unschedulable true',
    ).toEqual(['node(s) were unschedulable']);
    expect(
      nodeUnschedulable(examplePod('p'), info(exampleNode('m'))),
      'a node that is not cordoned should take the pod',
    ).toEqual([]);
  });

  test('a node that is not Ready takes no pods, unless they tolerate not-ready', () => {
    const notReady = exampleNode('n');
    notReady.status!.conditions = [{ type: 'Ready', status: 'False' }];
    const pod = examplePod('p');
    expect(nodeReady(pod, info(notReady)), 'a node whose Ready condition is False').toEqual([
      'node(s) had untolerated taint {node.kubernetes.io/not-ready: }',
    ]);
    pod.spec.tolerations = [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }];
    expect(
      nodeReady(pod, info(notReady)),
      'the same node, for a pod tolerating node.kubernetes.io/not-ready',
    ).toEqual([]);
  });

  test('TaintToleration: untolerated NoSchedule and NoExecute taints keep a pod out; PreferNoSchedule does not', () => {
    const node = exampleNode('n');
    node.spec = { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] };
    const pod = examplePod('p');
    expect(
      taintToleration(pod, info(node)),
      'a pod without tolerations on a node tainted dedicated=db:NoSchedule',
    ).toEqual(['node(s) had untolerated taint {dedicated: db}']);
    pod.spec.tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'db' }];
    expect(
      taintToleration(pod, info(node)),
      'the same pod tolerating dedicated=db should be let in',
    ).toEqual([]);
    node.spec.taints = [{ key: 'soft', effect: 'PreferNoSchedule' }];
    expect(
      taintToleration(examplePod('q'), info(node)),
      'a PreferNoSchedule taint only discourages: no reason',
    ).toEqual([]);
  });

  test('NodeAffinity: every nodeSelector label must match', () => {
    const node = exampleNode('n');
    node.metadata.labels = { disk: 'ssd', zone: 'a' };
    const pod = examplePod('p');
    pod.spec.nodeSelector = { disk: 'ssd' };
    expect(
      nodeAffinity(pod, info(node)),
      'nodeSelector disk=ssd on a node labelled disk=ssd, zone=a',
    ).toEqual([]);
    pod.spec.nodeSelector = { disk: 'ssd', zone: 'b' };
    expect(
      nodeAffinity(pod, info(node)),
      'nodeSelector disk=ssd, zone=b on a node in zone a',
    ).toEqual(["node(s) didn't match Pod's node affinity/selector"]);
  });

  test('NodeAffinity: required terms with In, NotIn, Exists and DoesNotExist', () => {
    const node = exampleNode('n');
    node.metadata.labels = { zone: 'a' };
    const holds = (operator: string, key: string, values?: string[]) =>
      nodeAffinity(withRequirement(operator, key, values), info(node)).length === 0;
    expect(
      [
        holds('In', 'zone', ['a', 'b']),
        holds('In', 'zone', ['c']),
        holds('NotIn', 'zone', ['c']),
        holds('NotIn', 'zone', ['a']),
        holds('NotIn', 'disk', ['ssd']),
        holds('Exists', 'zone'),
        holds('DoesNotExist', 'zone'),
        holds('DoesNotExist', 'disk'),
      ],
      'on a node labelled zone=a: zone In a,b / zone In c / zone NotIn c / zone NotIn a / disk NotIn ssd / zone Exists / zone DoesNotExist / disk DoesNotExist',
    ).toEqual([true, false, true, false, true, true, false, true]);
  });

  test('NodeAffinity: Gt and Lt compare the label as an integer', () => {
    const node = exampleNode('n');
    node.metadata.labels = { cores: '10' };
    const holds = (operator: string, key: string, values?: string[]) =>
      nodeAffinity(withRequirement(operator, key, values), info(node)).length === 0;
    expect(
      [
        holds('Gt', 'cores', ['9']),
        holds('Gt', 'cores', ['10']),
        holds('Lt', 'cores', ['9']),
        holds('Lt', 'cores', ['11']),
        holds('Gt', 'memory', ['1']),
      ],
      'on a node labelled cores=10: cores Gt 9 / cores Gt 10 / cores Lt 9 / cores Lt 11 / memory (no such label) Gt 1',
    ).toEqual([true, false, false, true, false]);
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
    expect(
      nodeAffinity(pod, info(node)),
      'terms zone In a, or zone In b, on a node in zone b',
    ).toEqual([]);
  });

  test('NodeAffinity: matchFields pick a node by its metadata.name, as DaemonSet pods are pinned', () => {
    const pinned = (nodeName: string): Pod => {
      const pod = examplePod('p');
      pod.spec.affinity = {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] },
            ],
          },
        },
      };
      return pod;
    };
    expect(
      nodeAffinity(pinned('n1'), info(exampleNode('n1'))),
      'a pod pinned by matchFields metadata.name In [n1], on node n1',
    ).toEqual([]);
    expect(
      nodeAffinity(pinned('n1'), info(exampleNode('n2'))),
      'the same pod on node n2 is refused',
    ).toEqual(["node(s) didn't match Pod's node affinity/selector"]);
    const labelled = exampleNode('zone');
    labelled.metadata.labels = { 'metadata.name': 'n1' };
    expect(
      nodeAffinity(pinned('n1'), info(labelled)),
      'a node merely labelled metadata.name=n1 is not node n1: matchFields read fields, not labels',
    ).toEqual(["node(s) didn't match Pod's node affinity/selector"]);
  });

  test('NodePorts: a host port is used once per node', () => {
    const node = info(exampleNode('n'), withHostPort('a', 8080));
    expect(
      nodePorts(withHostPort('b', 8080), node),
      'a pod asking hostPort 8080 on a node where pod a holds it',
    ).toEqual(["node(s) didn't have free ports for the requested pod ports"]);
    expect(
      nodePorts(withHostPort('c', 9090), node),
      'a pod asking hostPort 9090 there should fit',
    ).toEqual([]);
    expect(nodePorts(examplePod('d'), node), 'a pod without host ports should fit').toEqual([]);
  });

  test('a node fails at the first filter that has reasons', () => {
    const node = exampleNode('n', { cpu: '1' });
    node.spec = { unschedulable: true };
    expect(
      filterNode(podRequesting('p', { cpu: '2' }), info(node)),
      'a 2-core pod on a cordoned 1-core node: only the first failing filter (NodeUnschedulable) speaks',
    ).toEqual(['node(s) were unschedulable']);
    expect(
      filterNode(podRequesting('p', { cpu: '2' }), info(exampleNode('big'))),
      'the same pod on a 4-core node every filter accepts',
    ).toEqual([]);
  });

  test('the message counts each reason over the nodes, sorted as Kubernetes prints it', () => {
    const message = unschedulableMessage(3, [
      ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'],
      ['Insufficient cpu'],
      ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'],
    ]);
    expect(message, 'three nodes: two tainted control-plane, one short of CPU').toBe(
      '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.',
    );
  });

  test('with no nodes at all, the message says no nodes are available', () => {
    expect(unschedulableMessage(0, []), 'a cluster with no nodes').toBe(
      'no nodes available to schedule pods',
    );
  });
});
