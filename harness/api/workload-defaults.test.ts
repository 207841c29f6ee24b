// The defaults the API server gives DaemonSets and StatefulSets (harness/api/workload-defaults.ts).
import { describe, expect, test } from 'vitest';
import { exampleDaemonSet, exampleStatefulSet } from './examples.ts';
import { workloadDefaults } from './workload-defaults.ts';

describe('workload defaults', () => {
  const templates: unknown[] = [];
  const defaults = workloadDefaults((spec) => templates.push(spec?.template));

  test('a DaemonSet rolls one node at a time, without surge, keeping ten revisions', () => {
    const ds = exampleDaemonSet('logs');
    defaults.daemonsets!(ds);
    expect(
      [ds.spec.updateStrategy, ds.spec.revisionHistoryLimit],
      'a DaemonSet created with no strategy',
    ).toEqual([{ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, 10]);
    expect(templates.at(-1), 'its pod template is defaulted by the function handed in').toBe(
      ds.spec.template,
    );
    const onDelete = exampleDaemonSet('x');
    onDelete.spec.updateStrategy = { type: 'OnDelete' };
    defaults.daemonsets!(onDelete);
    expect(onDelete.spec.updateStrategy, 'OnDelete gets no rollingUpdate').toEqual({
      type: 'OnDelete',
    });
  });

  test('a StatefulSet is OrderedReady, rolls from partition 0 and retains its claims', () => {
    const sts = exampleStatefulSet('web');
    delete sts.spec.replicas;
    defaults.statefulsets!(sts);
    expect(sts.spec, 'a StatefulSet created with no replicas, policy or strategy').toMatchObject({
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    });
    const broken = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: {}, spec: 'nonsense' };
    expect(
      () => defaults.statefulsets!(broken),
      'a spec that is not an object is left to validation',
    ).not.toThrow();
  });
});
