// Matching claims to volumes: plain functions of objects, from reading a size to choosing the best
// volume for a claim and telling whether a node can reach a volume.
import { describe, expect, test } from 'vitest';
import { exampleClaim, exampleNode, exampleVolume } from '../../harness/api/examples.ts';
import type { PersistentVolume } from '../../harness/api/types.ts';
import {
  availableFor,
  capacityBytes,
  claimClass,
  findBestVolume,
  requestedBytes,
  selectorMatches,
  volumeReachableFrom,
  volumeSatisfies,
} from './matching.ts';

/** A volume reserved for (or bound to) the claim default/`claim`. */
function reservedFor(volume: PersistentVolume, claim: string): PersistentVolume {
  return { ...volume, spec: { ...volume.spec, claimRef: { namespace: 'default', name: claim } } };
}

describe('Matching claims to volumes', () => {
  test('a claim asks for requests.storage in bytes, a volume holds capacity.storage', () => {
    expect(requestedBytes(exampleClaim('data', '1Gi')), 'a claim for 1Gi').toBe(1024 ** 3);
    const none = exampleClaim('data');
    none.spec.resources = {};
    expect(requestedBytes(none), 'a claim that says no size asks for 0 bytes').toBe(0);
    expect(capacityBytes(exampleVolume('pv1', '500Mi')), 'a volume of 500Mi').toBe(500 * 1024 ** 2);
  });

  test('a claim without a class and a claim of class "" both belong to no class', () => {
    expect(claimClass(exampleClaim('a', '1Gi', null)), 'storageClassName absent').toBe('');
    expect(claimClass(exampleClaim('b', '1Gi', '')), 'storageClassName ""').toBe('');
    expect(claimClass(exampleClaim('c', '1Gi', 'fast')), 'storageClassName fast').toBe('fast');
  });

  test('a selector matches labels by matchLabels and by In, NotIn, Exists and DoesNotExist', () => {
    const labels = { tier: 'gold', zone: 'a' };
    expect(selectorMatches(undefined, labels), 'no selector selects everything').toBe(true);
    expect(selectorMatches({ matchLabels: { tier: 'gold' } }, labels), 'tier=gold').toBe(true);
    expect(selectorMatches({ matchLabels: { tier: 'iron' } }, labels), 'tier=iron').toBe(false);
    const expressions = (operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist', key = 'zone') =>
      selectorMatches({ matchExpressions: [{ key, operator, values: ['a'] }] }, labels);
    expect(expressions('In'), 'zone In (a)').toBe(true);
    expect(expressions('NotIn'), 'zone NotIn (a)').toBe(false);
    expect(expressions('Exists', 'disk'), 'disk Exists').toBe(false);
    expect(expressions('DoesNotExist', 'disk'), 'disk DoesNotExist').toBe(true);
  });

  test('a volume satisfies a claim of its class, its access modes, its volume mode and no more bytes than it holds', () => {
    const volume = exampleVolume('pv1', '2Gi', 'slow');
    volume.metadata.labels = { tier: 'gold' };
    const claim = exampleClaim('data', '1Gi', 'slow');
    expect(volumeSatisfies(volume, claim), '2Gi slow volume, 1Gi slow claim').toBe(true);
    expect(volumeSatisfies(volume, exampleClaim('data', '3Gi', 'slow')), 'a 3Gi claim').toBe(false);
    expect(volumeSatisfies(volume, exampleClaim('data', '1Gi', 'fast')), 'class fast').toBe(false);
    const shared = { ...claim, spec: { ...claim.spec, accessModes: ['ReadWriteMany' as const] } };
    expect(volumeSatisfies(volume, shared), 'a ReadWriteMany claim, RWO volume').toBe(false);
    const block = { ...claim, spec: { ...claim.spec, volumeMode: 'Block' as const } };
    expect(volumeSatisfies(volume, block), 'a Block claim, Filesystem volume').toBe(false);
    const picky = {
      ...claim,
      spec: { ...claim.spec, selector: { matchLabels: { tier: 'iron' } } },
    };
    expect(volumeSatisfies(volume, picky), 'a claim selecting tier=iron').toBe(false);
  });

  test('a volume is free for a claim when it has no claimRef or its claimRef names that claim', () => {
    const claim = exampleClaim('data');
    const volume = exampleVolume('pv1');
    expect(availableFor(volume, claim), 'a volume with no claimRef').toBe(true);
    expect(availableFor(reservedFor(volume, 'data'), claim), 'reserved for default/data').toBe(
      true,
    );
    expect(availableFor(reservedFor(volume, 'other'), claim), 'reserved for default/other').toBe(
      false,
    );
    const released = { ...volume, status: { phase: 'Released' as const } };
    expect(availableFor(released, claim), 'a Released volume without claimRef').toBe(false);
  });

  test('the best volume is one reserved for the claim, or else the smallest that fits', () => {
    const claim = exampleClaim('data', '1Gi');
    const big = exampleVolume('big', '10Gi');
    const small = exampleVolume('small', '2Gi');
    const tiny = exampleVolume('tiny', '100Mi');
    expect(findBestVolume(claim, [big, small, tiny])?.metadata.name, '10Gi, 2Gi, 100Mi').toBe(
      'small',
    );
    expect(
      findBestVolume(claim, [small, reservedFor(big, 'data')])?.metadata.name,
      'the 10Gi volume reserved for the claim, and a free 2Gi one',
    ).toBe('big');
    expect(findBestVolume(claim, [tiny]), 'only a 100Mi volume for a 1Gi claim').toBeUndefined();
  });

  test('a node reaches a volume without nodeAffinity, and one whose terms its labels satisfy', () => {
    const volume = exampleVolume('pv1');
    expect(volumeReachableFrom(volume, exampleNode('n1')), 'no nodeAffinity, node n1').toBe(true);
    volume.spec.nodeAffinity = {
      required: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n2'] }] },
        ],
      },
    };
    expect(volumeReachableFrom(volume, exampleNode('n1')), 'hostname In (n2), node n1').toBe(false);
    expect(volumeReachableFrom(volume, exampleNode('n2')), 'hostname In (n2), node n2').toBe(true);
  });
});
