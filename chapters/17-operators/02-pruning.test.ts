// Pruning and defaults: pure functions from a schema and a value to the value the server stores.
import { describe, expect, test } from 'vitest';
import type { JSONSchemaProps } from '../../harness/api/apiextensions.ts';
import { applyDefaults, isObject, prune, pruneCustomObject } from './pruning.ts';

const spec: JSONSchemaProps = {
  type: 'object',
  properties: {
    image: { type: 'string' },
    replicas: { type: 'integer', default: 1 },
    port: { type: 'integer', default: 8080 },
    probe: { type: 'object', properties: { path: { type: 'string', default: '/' } } },
    env: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, value: { type: 'string', default: '' } },
      },
    },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    settings: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
};
const root: JSONSchemaProps = { type: 'object', properties: { spec } };

describe('Pruning and defaults', () => {
  test('isObject: only plain objects, not arrays or null', () => {
    expect(
      [isObject({}), isObject([]), isObject(null), isObject('x')],
      'isObject of {}, [], null, "x"',
    ).toEqual([true, false, false, false]);
  });

  test('prune drops the fields the schema does not declare, at every level', () => {
    expect(
      prune(spec, {
        image: 'x',
        replicsa: 3,
        probe: { path: '/', tls: true },
        env: [{ name: 'A', secret: 'no' }],
      }),
      'a spec with a typo (replicsa), probe.tls and env[0].secret, none declared',
    ).toEqual({ image: 'x', probe: { path: '/' }, env: [{ name: 'A' }] });
  });

  test('a map keeps every key; x-kubernetes-preserve-unknown-fields keeps everything below it', () => {
    expect(
      prune(spec, {
        labels: { tier: 'web', team: 'shop' },
        settings: { anything: { at: ['all'] } },
      }),
      'labels (additionalProperties) and settings (preserve-unknown-fields)',
    ).toEqual({ labels: { tier: 'web', team: 'shop' }, settings: { anything: { at: ['all'] } } });
  });

  test('a whole object keeps apiVersion, kind and metadata as they are', () => {
    const object = {
      apiVersion: 'example.com/v1',
      kind: 'WebApp',
      metadata: { name: 'shop', labels: { a: 'b' } },
      spec: { image: 'x', extra: 1 },
      other: true,
    };
    expect(
      pruneCustomObject(root, object),
      'a WebApp with spec.extra and a top-level field "other"',
    ).toEqual({
      apiVersion: 'example.com/v1',
      kind: 'WebApp',
      metadata: { name: 'shop', labels: { a: 'b' } },
      spec: { image: 'x' },
    });
  });

  test('applyDefaults fills absent properties with their default, and nulls where not nullable', () => {
    expect(
      applyDefaults(spec, { image: 'x', port: null }),
      'a spec with only an image and port: null',
    ).toEqual({ image: 'x', replicas: 1, port: 8080 });
  });

  test('defaults go deep, into items and present objects, but never create an absent parent', () => {
    expect(
      [
        applyDefaults(spec, { image: 'x', probe: {}, env: [{ name: 'A' }] }),
        applyDefaults(root, { metadata: { name: 'x' } }),
      ],
      'a spec with an empty probe and one env item; an object with no spec at all',
    ).toEqual([
      {
        image: 'x',
        replicas: 1,
        port: 8080,
        probe: { path: '/' },
        env: [{ name: 'A', value: '' }],
      },
      { metadata: { name: 'x' } },
    ]);
  });

  test('a default is copied, never shared between objects', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: { tags: { type: 'array', default: ['a'] } },
    };
    const first = applyDefaults(schema, {}) as { tags: string[] };
    first.tags.push('changed');
    expect(applyDefaults(schema, {}), "defaults after changing the first object's tags").toEqual({
      tags: ['a'],
    });
  });
});
