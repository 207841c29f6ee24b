// Printer columns and scale: reading and writing a custom object at the paths its definition gives.
import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../harness/api/types.ts';
import { parsePath, printerCell, scaled, scaleOf, setValueAt, valueAt } from './columns.ts';

const shop: KubeObject = {
  apiVersion: 'example.com/v1',
  kind: 'WebApp',
  metadata: {
    name: 'shop',
    namespace: 'default',
    uid: 'u1',
    creationTimestamp: '2026-01-01T00:00:00Z',
  },
  spec: { image: 'kata/echo', replicas: 2, ports: [{ port: 80 }] },
  status: {
    replicas: 2,
    selector: 'app=shop',
    conditions: [
      { type: 'Progressing', status: 'True' },
      { type: 'Ready', status: 'False' },
    ],
  },
} as KubeObject;
const paths = {
  specReplicasPath: '.spec.replicas',
  statusReplicasPath: '.status.replicas',
  labelSelectorPath: '.status.selector',
};

describe('Printer columns and scale', () => {
  test('parsePath reads fields, indexes and filters; anything else is an error', () => {
    expect(
      [
        parsePath('.spec.ports[0].port'),
        parsePath('.status.conditions[?(@.type=="Ready")].status'),
      ],
      'two JSONPaths',
    ).toEqual([
      [{ field: 'spec' }, { field: 'ports' }, { index: 0 }, { field: 'port' }],
      [
        { field: 'status' },
        { field: 'conditions' },
        { filter: { field: 'type', equals: 'Ready' } },
        { field: 'status' },
      ],
    ]);
    expect(
      () => parsePath('spec..x'),
      'parsePath("spec..x") throws "unsupported JSONPath"',
    ).toThrow(/unsupported JSONPath/);
  });

  test('valueAt follows the steps, and finds nothing where a step finds nothing', () => {
    expect(
      [
        valueAt(shop, '.spec.replicas'),
        valueAt(shop, '.spec.ports[0].port'),
        valueAt(shop, '.status.conditions[?(@.type=="Ready")].status'),
        valueAt(shop, '.status.missing.deeper'),
      ],
      'replicas, the first port, the Ready condition, a missing field',
    ).toEqual([2, 80, 'False', undefined]);
  });

  test('printerCell: the value, a date as an age, null for nothing', () => {
    const now = Date.parse('2026-01-01T00:05:00Z');
    expect(
      [
        printerCell({ name: 'Desired', type: 'integer', jsonPath: '.spec.replicas' }, shop, now),
        printerCell(
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          shop,
          now,
        ),
        printerCell({ name: 'URL', type: 'string', jsonPath: '.status.url' }, shop, now),
      ],
      'Desired, Age five minutes after creation, and a URL the status lacks',
    ).toEqual([2, '5m', null]);
  });

  test('setValueAt writes a field, making the objects on the way; the original is unchanged', () => {
    const changed = setValueAt({ spec: {} }, '.status.scale.replicas', 3);
    expect(changed, 'setValueAt({spec: {}}, ".status.scale.replicas", 3)').toEqual({
      spec: {},
      status: { scale: { replicas: 3 } },
    });
    expect(() => setValueAt({}, '.spec.ports[0]', 1), 'an index in a scale path throws').toThrow(
      /fields only/,
    );
  });

  test("scaleOf: an autoscaling/v1 Scale from the paths, with the object's identity", () => {
    expect(scaleOf(shop, paths), 'the scale of shop').toEqual({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: 'shop',
        namespace: 'default',
        uid: 'u1',
        resourceVersion: undefined,
        creationTimestamp: '2026-01-01T00:00:00Z',
      },
      spec: { replicas: 2 },
      status: { replicas: 2, selector: 'app=shop' },
    });
  });

  test('scaled writes the replicas at specReplicasPath', () => {
    expect(
      [
        (scaled(shop, paths, 5).spec as { replicas: number }).replicas,
        (shop.spec as { replicas: number }).replicas,
      ],
      'shop scaled to 5, and shop itself afterwards',
    ).toEqual([5, 2]);
  });
});
