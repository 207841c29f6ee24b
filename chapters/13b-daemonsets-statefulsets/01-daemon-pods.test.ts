// Daemon pods: plain functions of a DaemonSet, a pod and a node, no server. Which nodes a daemon
// pod belongs on (labels, affinity, taints), the tolerations every daemon pod gets, and the pod
// pinned to its node by node affinity.
import { describe, expect, test } from 'vitest';
import { exampleDaemonSet, exampleNode, examplePod } from '../../harness/api/examples.ts';
import type { DaemonSet, Node, Pod, Taint } from '../../harness/api/types.ts';
import {
  daemonPod,
  daemonPodFor,
  daemonTolerations,
  matchesNodeAffinity,
  matchesRequirement,
  nodeFit,
  ownerReferenceTo,
  pinToNode,
  tolerates,
  untoleratedTaints,
} from './daemon-pods.ts';

/** A DaemonSet as the API server returns it: with a uid and a namespace. */
function stored(name: string): DaemonSet {
  const ds = exampleDaemonSet(name);
  ds.metadata.uid = `uid-${name}`;
  ds.metadata.namespace = 'default';
  return ds;
}

function node(name: string, labels: Record<string, string> = {}, taints: Taint[] = []): Node {
  const made = exampleNode(name);
  made.metadata.labels = { ...made.metadata.labels, ...labels };
  made.spec = { ...made.spec, taints };
  return made;
}

/** A pod whose required node affinity is these terms. */
function withTerms(terms: NonNullable<Pod['spec']['affinity']>['nodeAffinity']): Pod {
  const pod = examplePod('p');
  pod.spec.affinity = { nodeAffinity: terms };
  return pod;
}

describe('Daemon pods', () => {
  test('a requirement: In, NotIn, Exists, DoesNotExist on a value, Gt and Lt as integers', () => {
    const labels = { zone: 'a', cores: '8' };
    const holds = (operator: string, key: string, values?: string[]) =>
      matchesRequirement(labels, { key, operator: operator as 'In', values });
    expect(
      [holds('In', 'zone', ['a', 'b']), holds('In', 'zone', ['b']), holds('In', 'gpu', ['x'])],
      'zone In (a,b), zone In (b), gpu In (x) on labels zone=a',
    ).toEqual([true, false, false]);
    expect(
      [holds('NotIn', 'zone', ['b']), holds('NotIn', 'gpu', ['x']), holds('NotIn', 'zone', ['a'])],
      'zone NotIn (b), gpu NotIn (x) (missing: holds), zone NotIn (a)',
    ).toEqual([true, true, false]);
    expect(
      [holds('Exists', 'zone'), holds('Exists', 'gpu'), holds('DoesNotExist', 'gpu')],
      'zone Exists, gpu Exists, gpu DoesNotExist',
    ).toEqual([true, false, true]);
    expect(
      [holds('Gt', 'cores', ['10']), holds('Lt', 'cores', ['10']), holds('Gt', 'gpu', ['0'])],
      'cores=8 Gt 10, Lt 10 (as integers, not strings), and a missing label Gt 0',
    ).toEqual([false, true, false]);
  });

  test("node affinity: every nodeSelector label, and one term's expressions and fields", () => {
    const disk = examplePod('p');
    disk.spec.nodeSelector = { disk: 'ssd' };
    expect(
      [
        matchesNodeAffinity(disk, node('n1', { disk: 'ssd' })),
        matchesNodeAffinity(disk, node('n2')),
      ],
      'nodeSelector disk=ssd on a node labelled disk=ssd, and on one without the label',
    ).toEqual([true, false]);
    const pinned = withTerms({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] },
          { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] },
        ],
      },
    });
    expect(
      [
        matchesNodeAffinity(pinned, node('n1', { zone: 'a' })),
        matchesNodeAffinity(pinned, node('n2')),
        matchesNodeAffinity(pinned, node('n3', { 'metadata.name': 'n2' })),
      ],
      'terms "zone In (a)" or "metadata.name In (n2)", on n1 zone=a, on n2, and on n3 merely labelled metadata.name=n2',
    ).toEqual([true, true, false]);
  });

  test('tolerations: Equal needs key and value, Exists only the key, and an effect must agree', () => {
    const taint: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
    expect(
      [
        tolerates({ key: 'dedicated', operator: 'Equal', value: 'gpu' }, taint),
        tolerates({ key: 'dedicated', value: 'cpu' }, taint),
        tolerates({ key: 'dedicated', operator: 'Exists' }, taint),
        tolerates({ operator: 'Exists' }, taint),
        tolerates({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, taint),
      ],
      'Equal gpu, Equal cpu, Exists dedicated, Exists with no key, Exists NoExecute; against dedicated=gpu:NoSchedule',
    ).toEqual([true, false, true, true, false]);
  });

  test('only NoSchedule and NoExecute taints the pod does not tolerate keep it out', () => {
    const tainted = node('n', {}, [
      { key: 'soft', effect: 'PreferNoSchedule' },
      { key: 'hard', effect: 'NoSchedule' },
      { key: 'tolerated', effect: 'NoExecute' },
    ]);
    const pod = examplePod('p');
    pod.spec.tolerations = [{ key: 'tolerated', operator: 'Exists' }];
    expect(
      untoleratedTaints(pod, tainted).map((taint) => taint.key),
      'taints soft:PreferNoSchedule, hard:NoSchedule, tolerated:NoExecute; the pod tolerates "tolerated"',
    ).toEqual(['hard']);
  });

  test('a node that does not match gets no pod; NoSchedule stops new pods only; NoExecute stops both', () => {
    const pod = examplePod('p');
    pod.spec.nodeSelector = { role: 'edge' };
    const edge = (taints: Taint[] = []) => node('n', { role: 'edge' }, taints);
    expect(nodeFit(pod, node('n')), 'a node without the selected label').toEqual({
      shouldRun: false,
      shouldContinueRunning: false,
    });
    expect(nodeFit(pod, edge()), 'a matching node without taints').toEqual({
      shouldRun: true,
      shouldContinueRunning: true,
    });
    expect(
      nodeFit(pod, edge([{ key: 'x', effect: 'NoSchedule' }])),
      'a matching node tainted x:NoSchedule: no new pod, but a running one may stay',
    ).toEqual({ shouldRun: false, shouldContinueRunning: true });
    expect(
      nodeFit(pod, edge([{ key: 'x', effect: 'NoExecute' }])),
      'a matching node tainted x:NoExecute: no pod at all',
    ).toEqual({ shouldRun: false, shouldContinueRunning: false });
  });

  test('every daemon pod tolerates the taints of a node in trouble, besides its own tolerations', () => {
    const pod = examplePod('p');
    pod.spec.tolerations = [{ key: 'dedicated', operator: 'Exists' }];
    const tolerations = daemonTolerations(pod);
    expect(
      tolerations.map((t) => `${t.key}:${t.effect ?? ''}`),
      'the own toleration first, then not-ready and unreachable (NoExecute), the pressures and unschedulable (NoSchedule)',
    ).toEqual([
      'dedicated:',
      'node.kubernetes.io/not-ready:NoExecute',
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/memory-pressure:NoSchedule',
      'node.kubernetes.io/pid-pressure:NoSchedule',
      'node.kubernetes.io/unschedulable:NoSchedule',
    ]);
    expect(
      tolerations.every((t) => t.key === 'dedicated' || t.operator === 'Exists'),
      'the added tolerations use operator Exists',
    ).toBe(true);
    pod.spec.hostNetwork = true;
    pod.spec.tolerations = daemonTolerations(pod);
    const again = daemonTolerations(pod);
    expect(
      again.filter((t) => t.key === 'node.kubernetes.io/network-unavailable').length,
      'a hostNetwork pod also tolerates network-unavailable, once, however often tolerations are added',
    ).toBe(1);
    expect(again.length, 'adding again adds nothing').toBe(pod.spec.tolerations.length);
  });

  test('pinning replaces the required node affinity with matchFields metadata.name In [node]', () => {
    const pod = withTerms({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }],
      },
    });
    const pinned = pinToNode(pod, 'node-2');
    expect(
      pinned.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution,
      'a pod with the term "zone Exists", pinned to node-2',
    ).toEqual({
      nodeSelectorTerms: [
        { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-2'] }] },
      ],
    });
    expect(
      pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
        ?.nodeSelectorTerms[0]?.matchExpressions,
      'the pod given is left as it was',
    ).toEqual([{ key: 'zone', operator: 'Exists' }]);
    expect(
      pinToNode(examplePod('bare'), 'n').spec.affinity?.nodeAffinity,
      'a pod with no affinity, pinned',
    ).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n'] }] },
        ],
      },
    });
  });

  test("a daemon pod: the template's, named after the DaemonSet, owned by it, labelled with the revision", () => {
    const ds = stored('logs');
    const pod = daemonPod(ds, 'abc12');
    expect(
      {
        generateName: pod.metadata.generateName,
        namespace: pod.metadata.namespace,
        labels: pod.metadata.labels,
        owners: pod.metadata.ownerReferences,
      },
      'daemonPod(DaemonSet logs with uid uid-logs, hash abc12)',
    ).toEqual({
      generateName: 'logs-',
      namespace: 'default',
      labels: { app: 'logs', 'controller-revision-hash': 'abc12' },
      owners: [ownerReferenceTo(ds)],
    });
    expect(ownerReferenceTo(ds), "the DaemonSet's controller ownerReference").toEqual({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      name: 'logs',
      uid: 'uid-logs',
      controller: true,
      blockOwnerDeletion: true,
    });
    expect(pod.spec.tolerations?.length, 'it carries the six automatic tolerations').toBe(6);
    expect(ds.spec.template.metadata?.labels, "the DaemonSet's template is left alone").toEqual({
      app: 'logs',
    });
    expect(
      daemonPodFor(ds, 'abc12', 'node-3').spec.affinity?.nodeAffinity
        ?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields?.[0]
        ?.values,
      'daemonPodFor(ds, hash, node-3) is the same pod pinned to node-3',
    ).toEqual(['node-3']);
  });
});
