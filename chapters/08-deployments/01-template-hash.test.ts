// The pod-template-hash: pure functions, no server.
import { describe, expect, test } from 'vitest';
import type { PodTemplateSpec } from '../../harness/api/types.ts';
import {
  fnv1a32,
  podTemplateHash,
  sameTemplate,
  semanticTemplate,
  withoutEmptyFields,
  withoutHash,
} from './template-hash.ts';

const template = (
  image: string,
  labels: Record<string, string> = { app: 'web' },
): PodTemplateSpec => ({
  metadata: { labels },
  spec: { containers: [{ name: 'app', image }] },
});

describe('The pod-template-hash', () => {
  test('FNV-1a gives the published values: "" is 0x811c9dc5, "a" is 0xe40c292c', () => {
    expect(
      [fnv1a32(''), fnv1a32('a'), fnv1a32('foobar')],
      'fnv1a32 of "", "a" and "foobar" should be the published 0x811c9dc5, 0xe40c292c, 0xbf9cf968',
    ).toEqual([0x811c9dc5, 0xe40c292c, 0xbf9cf968]);
  });

  test('a template hashes the same every time, whatever order its fields are in', () => {
    const a = template('kata/echo:1.0', { app: 'web', tier: 'front' });
    const b: PodTemplateSpec = {
      spec: { containers: [{ image: 'kata/echo:1.0', name: 'app' }] },
      metadata: { labels: { tier: 'front', app: 'web' } },
    };
    expect(podTemplateHash(a), 'the same template hashed twice should hash the same').toBe(
      podTemplateHash(structuredClone(a)),
    );
    expect(
      podTemplateHash(b),
      'the same template with its fields in another order should hash the same',
    ).toBe(podTemplateHash(a));
  });

  test('the hash is spelled in the safe alphabet: no vowels, no 0, 1 or 3', () => {
    for (const image of ['a', 'b', 'c', 'kata/echo:1.0', 'kata/echo:2.0']) {
      expect(
        podTemplateHash(template(image)),
        `the hash of a template with image ${image}: only letters and digits of the alphabet`,
      ).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    }
  });

  test('another template, or another collision count, gives another hash', () => {
    const one = template('kata/echo:1.0');
    expect(
      podTemplateHash(template('kata/echo:2.0')),
      'a template with another image should hash to another value',
    ).not.toBe(podTemplateHash(one));
    expect(
      podTemplateHash(one, 1),
      'the same template with collisionCount 1 should hash to another value',
    ).not.toBe(podTemplateHash(one));
  });

  test("a ReplicaSet's copy, with the hash label, is the same template as its Deployment's", () => {
    const deployment = template('kata/echo:1.0');
    const hash = podTemplateHash(deployment);
    const replicaSet = template('kata/echo:1.0', { app: 'web', 'pod-template-hash': hash });
    expect(
      withoutHash(replicaSet),
      "withoutHash of the ReplicaSet's copy should give the Deployment's template back, hash label dropped",
    ).toEqual(deployment);
    expect(podTemplateHash(replicaSet), 'the hash label should not change the hash').toBe(hash);
    expect(
      sameTemplate(replicaSet, deployment),
      "sameTemplate of the copy with the label and the Deployment's template",
    ).toBe(true);
    expect(
      sameTemplate(template('kata/echo:2.0'), deployment),
      'sameTemplate of a template with another image',
    ).toBe(false);
  });

  test('null, {} and [] count as absent, at every depth, as they do in Go', () => {
    expect(
      withoutEmptyFields({
        a: null,
        b: {},
        c: [],
        d: { e: { f: null } },
        g: [{ h: [] }, 'x'],
        i: 0,
        j: '',
        k: false,
      }),
      'withoutEmptyFields of null, {}, [] and a map holding only null, beside 0, "" and false',
    ).toEqual({ g: [{}, 'x'], i: 0, j: '', k: false });
    const sent = template('kata/echo:1.0', { app: 'web', 'pod-template-hash': 'abc' });
    (sent.metadata as Record<string, unknown>).annotations = {};
    expect(
      semanticTemplate(sent),
      'semanticTemplate of a template with the hash label and empty annotations',
    ).toEqual(template('kata/echo:1.0'));
  });

  test('a template sent back by kubectl rollout undo (creationTimestamp: null, resources: {}) is the one first stored', () => {
    const stored = template('kata/echo:1.0');
    const hash = podTemplateHash(stored);
    const replicaSetCopy = template('kata/echo:1.0', { app: 'web', 'pod-template-hash': hash });
    const sentBack = structuredClone(stored);
    (sentBack.metadata as Record<string, unknown>).creationTimestamp = null;
    sentBack.spec.containers[0]!.resources = {};
    sentBack.spec.securityContext = {};
    expect(
      podTemplateHash(sentBack),
      'the hash of the template as kubectl sends it back, against the hash first given',
    ).toBe(hash);
    expect(
      sameTemplate(replicaSetCopy, sentBack),
      "sameTemplate of the old ReplicaSet's copy and the template kubectl sent back",
    ).toBe(true);
  });
});
