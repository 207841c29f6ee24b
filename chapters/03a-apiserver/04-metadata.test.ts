import { describe, expect, test } from 'vitest';
import { exampleDeployment, examplePod } from '../../harness/api/examples.ts';
import { builtinResources } from '../../harness/api/resources.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import {
  generateName,
  NAME_ALPHABET,
  newUid,
  prepareForCreate,
  prepareForUpdate,
  timestamp,
} from './metadata.ts';

const resource = (name: string) => builtinResources.find((r) => r.resource === name)!;
const JAN_2 = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

/** A random source that walks through [0, 1) in steps, so results differ but repeat. */
function steps(): () => number {
  let n = 0;
  return () => (((n++ * 0.382) % 1) + 1) % 1;
}

function makers() {
  return { clock: new FakeClock(JAN_2), random: steps() };
}

describe('Object metadata', () => {
  test('timestamps are RFC 3339 in UTC with whole seconds', () => {
    expect(timestamp(JAN_2), 'timestamp(2024-01-02 03:04:05.678 UTC)').toBe('2024-01-02T03:04:05Z');
  });

  test('a uid is a version 4 UUID drawn from the random source', () => {
    const random = steps();
    const [a, b] = [newUid(random), newUid(random)];
    expect(a, 'newUid()').toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(a, 'two uids in a row').not.toBe(b);
    expect(
      newUid(() => 0),
      'newUid with random always 0',
    ).toBe('00000000-0000-4000-8000-000000000000');
  });

  test('generateName adds 5 characters from the no-vowel alphabet', () => {
    const name = generateName('web-', steps());
    expect(name, 'generateName("web-")').toMatch(new RegExp(`^web-[${NAME_ALPHABET}]{5}$`));
    expect(
      generateName('web-', () => 0),
      'generateName("web-") with random 0',
    ).toBe('web-bbbbb');
  });

  test('generateName cuts a long prefix to 58 characters, so the name fits in 63', () => {
    const name = generateName('x'.repeat(70), steps());
    expect(name.length, 'length of generateName(70 × "x")').toBe(63);
    expect(name.startsWith('x'.repeat(58)), 'it starts with 58 × "x"').toBe(true);
  });

  test('prepareForCreate sets uid, creationTimestamp and generation 1', () => {
    const created = prepareForCreate(resource('pods'), examplePod('web'), makers());
    expect(created.metadata.uid, 'uid').toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.creationTimestamp, 'creationTimestamp (from the clock)').toBe(
      '2024-01-02T03:04:05Z',
    );
    expect(created.metadata.generation, 'generation').toBe(1);
  });

  test("prepareForCreate ignores what the client says about the server's fields, and copies", () => {
    const sent = examplePod('web');
    sent.metadata = {
      ...sent.metadata,
      uid: 'mine',
      resourceVersion: '99',
      generation: 7,
      creationTimestamp: '1999-01-01T00:00:00Z',
    };
    const before = structuredClone(sent);
    const created = prepareForCreate(resource('pods'), sent, makers());
    expect(created.metadata.uid, 'uid').not.toBe('mine');
    expect(created.metadata.resourceVersion, 'resourceVersion (the store sets it)').toBeUndefined();
    expect(created.metadata.generation, 'generation').toBe(1);
    expect(created.metadata.creationTimestamp, 'creationTimestamp').toBe('2024-01-02T03:04:05Z');
    expect(sent, 'the object passed in').toEqual(before);
  });

  test('prepareForCreate completes a generateName when there is no name', () => {
    const sent = examplePod('');
    sent.metadata = { generateName: 'web-' };
    const created = prepareForCreate(resource('pods'), sent, makers());
    expect(created.metadata.name, 'name from generateName "web-"').toMatch(/^web-[a-z0-9]{5}$/);
    expect(created.metadata.generateName, 'generateName is kept').toBe('web-');
  });

  test("new pods start Pending; a deployment's status starts empty, whatever the client sent", () => {
    const sent = { ...examplePod('web'), status: { phase: 'Running' } } as KubeObject;
    expect(
      prepareForCreate(resource('pods'), sent, makers()).status,
      'pod status after create',
    ).toEqual({ phase: 'Pending' });
    const deployment = { ...exampleDeployment('web'), status: { replicas: 5 } } as KubeObject;
    expect(
      prepareForCreate(resource('deployments'), deployment, makers()).status,
      'deployment status after create',
    ).toEqual({});
  });

  test("prepareForUpdate keeps the server's fields from the stored object", () => {
    const current = prepareForCreate(resource('pods'), examplePod('web'), makers());
    const next = structuredClone(current);
    next.metadata.uid = 'forged';
    next.metadata.creationTimestamp = '1999-01-01T00:00:00Z';
    const updated = prepareForUpdate(resource('pods'), current, next);
    expect(
      [updated.metadata.uid, updated.metadata.creationTimestamp],
      'uid and creationTimestamp',
    ).toEqual([current.metadata.uid, current.metadata.creationTimestamp]);
  });

  test('generation moves by one when the spec changes, not when only metadata does', () => {
    const current = prepareForCreate(resource('deployments'), exampleDeployment('web'), makers());
    const relabeled = structuredClone(current);
    relabeled.metadata.labels = { tier: 'front' };
    expect(
      prepareForUpdate(resource('deployments'), current, relabeled).metadata.generation,
      'generation after a label change',
    ).toBe(1);
    const scaled = structuredClone(current);
    (scaled.spec as { replicas: number }).replicas = 5;
    expect(
      prepareForUpdate(resource('deployments'), current, scaled).metadata.generation,
      'generation after replicas 2 → 5',
    ).toBe(2);
  });

  test('a write to the object keeps its stored status; a write to /status takes the new one', () => {
    const current = {
      ...prepareForCreate(resource('deployments'), exampleDeployment('web'), makers()),
      status: { replicas: 2 },
    };
    const next = { ...structuredClone(current), status: { replicas: 9 } };
    expect(
      prepareForUpdate(resource('deployments'), current, next).status,
      'status after PUT on the deployment',
    ).toEqual({ replicas: 2 });
    expect(
      prepareForUpdate(resource('deployments'), current, next, 'status').status,
      'status after PUT on deployments/status',
    ).toEqual({ replicas: 9 });
  });

  test('a write to /status does not move generation', () => {
    const current = prepareForCreate(resource('deployments'), exampleDeployment('web'), makers());
    const next = { ...structuredClone(current), status: { replicas: 2, observedGeneration: 1 } };
    expect(
      prepareForUpdate(resource('deployments'), current, next, 'status').metadata.generation,
      'generation after a status write',
    ).toBe(1);
  });

  test('the resourceVersion the client sent stays: the store checks it', () => {
    const current = prepareForCreate(resource('pods'), examplePod('web'), makers());
    const next = structuredClone(current);
    next.metadata.resourceVersion = '41';
    expect(
      prepareForUpdate(resource('pods'), current, next).metadata.resourceVersion,
      'resourceVersion',
    ).toBe('41');
  });
});
