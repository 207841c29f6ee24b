// Stateful pods: the identity a StatefulSet gives each pod, as plain functions. Names and
// ordinals, the claims made from volumeClaimTemplates, and the pod that points at them.
import { describe, expect, test } from 'vitest';
import { examplePod, exampleStatefulSet } from '../../harness/api/examples.ts';
import type { StatefulSet } from '../../harness/api/types.ts';
import {
  claimName,
  claimsFor,
  ordinalOf,
  ownerReferenceToSet,
  podName,
  statefulPod,
} from './stateful-pods.ts';

/** StatefulSet web (uid uid-web, namespace default) with a claim template "data" of 1Gi. */
function web(): StatefulSet {
  const set = exampleStatefulSet('web', 3);
  set.metadata.uid = 'uid-web';
  set.metadata.namespace = 'default';
  set.spec.volumeClaimTemplates = [
    {
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    },
  ];
  return set;
}

describe('Stateful pods', () => {
  test('a pod is named "<set>-<ordinal>", and its ordinal read back from the name', () => {
    const set = web();
    expect(
      [podName(set, 0), podName(set, 12)],
      'the pods of set web with ordinals 0 and 12',
    ).toEqual(['web-0', 'web-12']);
    expect(
      ['web-2', 'web-10', 'web-x', 'web-01', 'webby-1', 'web-'].map((name) =>
        ordinalOf(set, examplePod(name)),
      ),
      'the ordinals of web-2, web-10, web-x, web-01, webby-1 and web- in set web',
    ).toEqual([2, 10, -1, -1, -1, -1]);
  });

  test('a claim is named "<template>-<set>-<ordinal>" and copies the template with the set\'s labels', () => {
    const set = web();
    expect(claimName('data', set, 1), 'claim template data, set web, ordinal 1').toBe('data-web-1');
    expect(claimsFor(set, 1), 'the claims of web-1').toEqual([
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data-web-1', namespace: 'default', labels: { app: 'web' } },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    ]);
  });

  test('claims outlive the set unless its retention policy says whenDeleted: Delete', () => {
    const set = web();
    expect(
      claimsFor(set, 0)[0]!.metadata.ownerReferences,
      'the default policy, Retain',
    ).toBeUndefined();
    set.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete' };
    expect(
      claimsFor(set, 0)[0]!.metadata.ownerReferences,
      'whenDeleted Delete: owned by the set, so the garbage collector takes them with it',
    ).toEqual([ownerReferenceToSet(set)]);
  });

  test('a stateful pod: its name, hostname and subdomain, identity labels, and its owner', () => {
    const set = web();
    const pod = statefulPod(set, set.spec.template, 'web-abc', 2);
    expect(
      {
        name: pod.metadata.name,
        namespace: pod.metadata.namespace,
        labels: pod.metadata.labels,
        hostname: pod.spec.hostname,
        subdomain: pod.spec.subdomain,
        owners: pod.metadata.ownerReferences,
      },
      'statefulPod(web, its template, revision web-abc, ordinal 2)',
    ).toEqual({
      name: 'web-2',
      namespace: 'default',
      labels: {
        app: 'web',
        'controller-revision-hash': 'web-abc',
        'statefulset.kubernetes.io/pod-name': 'web-2',
        'apps.kubernetes.io/pod-index': '2',
      },
      hostname: 'web-2',
      subdomain: 'web',
      owners: [
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          name: 'web',
          uid: 'uid-web',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    });
  });

  test('a stateful pod mounts its own claim, in place of a template volume of the same name', () => {
    const set = web();
    set.spec.template.spec.volumes = [
      { name: 'data', emptyDir: {} },
      { name: 'scratch', emptyDir: {} },
    ];
    const pod = statefulPod(set, set.spec.template, 'web-abc', 1);
    expect(
      pod.spec.volumes,
      'web-1 of a template with volumes data and scratch, and claim template data',
    ).toEqual([
      { name: 'scratch', emptyDir: {} },
      { name: 'data', persistentVolumeClaim: { claimName: 'data-web-1' } },
    ]);
    expect(set.spec.template.spec.volumes?.length, "the set's template is left alone").toBe(2);
  });
});
