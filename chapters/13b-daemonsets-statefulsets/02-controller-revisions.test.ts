// ControllerRevisions: first the hash that names a template, then the revision objects and their
// numbers, then keeping the current one newest on a live API server, as a rollback needs.
import { describe, expect, test } from 'vitest';
import { exampleDaemonSet } from '../../harness/api/examples.ts';
import type { ControllerRevision, DaemonSet } from '../../harness/api/types.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import {
  fnv32a,
  newRevision,
  nextRevisionNumber,
  revisionData,
  revisionsToPrune,
  syncCurrentRevision,
  templateHash,
  templateOf,
} from './controller-revisions.ts';
import { ownerReferenceTo } from './daemon-pods.ts';

const scope = testScope();

function stored(name: string, image = 'kata/echo:1.0'): DaemonSet {
  const ds = exampleDaemonSet(name);
  ds.metadata.uid = `uid-${name}`;
  ds.metadata.namespace = 'default';
  ds.spec.template.spec.containers[0]!.image = image;
  return ds;
}

/** A revision numbered `number`, named name. */
function numbered(name: string, number: number): ControllerRevision {
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: { name },
    revision: number,
  };
}

describe('Controller revisions', () => {
  test('FNV-1a: offset basis 2166136261, each byte xor-ed in, then times the prime 16777619', () => {
    expect(fnv32a(''), 'the hash of the empty string is the offset basis').toBe(0x811c9dc5);
    expect(fnv32a('a'), 'the hash of "a"').toBe(0xe40c292c);
    expect(fnv32a('foobar'), 'the hash of "foobar"').toBe(0xbf9cf968);
  });

  test('a template hash depends on the template, not on the order of its keys', () => {
    const a = stored('x').spec.template;
    const reordered = { spec: a.spec, metadata: a.metadata };
    expect(templateHash(reordered), 'the same template with its keys in another order').toBe(
      templateHash(a),
    );
    expect(
      templateHash(stored('x', 'kata/echo:2.0').spec.template),
      'a template with another image',
    ).not.toBe(templateHash(a));
    expect(templateHash(a, 1), 'the same template with collisionCount 1').not.toBe(templateHash(a));
    expect(templateHash(a), 'a hash uses only the letters bcdfghjklmnpqrstvwxz2456789').toMatch(
      /^[bcdfghjklmnpqrstvwxz2456789]+$/,
    );
  });

  test("a revision's data is a patch that replaces the whole template, and reads back as it", () => {
    const template = stored('x').spec.template;
    expect(revisionData(template), 'revisionData of a template').toEqual({
      spec: { template: { ...template, $patch: 'replace' } },
    });
    const revision = { ...numbered('x-1', 1), data: revisionData(template) };
    expect(templateOf(revision), 'templateOf a revision made of that template').toEqual(template);
  });

  test('a new revision: "<owner>-<hash>", the template\'s labels and the hash, owned, numbered', () => {
    const ds = stored('logs');
    const hash = templateHash(ds.spec.template);
    const revision = newRevision(ds, ownerReferenceTo(ds), 4);
    expect(
      {
        name: revision.metadata.name,
        namespace: revision.metadata.namespace,
        labels: revision.metadata.labels,
        owners: revision.metadata.ownerReferences,
        revision: revision.revision,
      },
      'newRevision(DaemonSet logs, its ownerReference, 4)',
    ).toEqual({
      name: `logs-${hash}`,
      namespace: 'default',
      labels: { app: 'logs', 'controller-revision-hash': hash },
      owners: [ownerReferenceTo(ds)],
      revision: 4,
    });
    expect(templateOf(revision), 'it holds the current template').toEqual(ds.spec.template);
    expect(
      [nextRevisionNumber([]), nextRevisionNumber([numbered('a', 2), numbered('b', 5)])],
      'the next number with no revisions, and with revisions 2 and 5',
    ).toEqual([1, 6]);
  });

  test('pruning deletes the oldest revisions past the limit, never one in use', () => {
    const revisions = [1, 2, 3, 4, 5].map((n) => numbered(`r${n}`, n));
    expect(
      revisionsToPrune(revisions, 2, new Set(['r5', 'r1'])).map((r) => r.metadata.name),
      'revisions 1 to 5, a limit of 2, r5 (current) and r1 (a pod runs it) in use',
    ).toEqual(['r2']);
    expect(
      revisionsToPrune(revisions, 10, new Set()),
      'a limit of 10 with five revisions deletes none',
    ).toEqual([]);
  });

  test('syncCurrentRevision makes the revision, finds it again, and renumbers an old one brought back', async () => {
    const server = await scope.apiServer();
    const client = toolkit.createClient({ server: server.url });
    const ds = await client
      .resource<DaemonSet>('daemonsets', 'default')
      .create(exampleDaemonSet('logs'));
    const owner = ownerReferenceTo(ds);
    const first = await syncCurrentRevision(client, ds, owner, []);
    expect(first.revision, 'the first revision of a new DaemonSet').toBe(1);
    const again = await syncCurrentRevision(client, ds, owner, [first]);
    expect(again.metadata.uid, 'the same template again finds the same revision').toBe(
      first.metadata.uid,
    );
    const changed = structuredClone(ds);
    changed.spec.template.spec.containers[0]!.image = 'kata/echo:2.0';
    const second = await syncCurrentRevision(client, changed, owner, [first]);
    expect(second.revision, 'a changed template gets revision 2').toBe(2);
    const back = await syncCurrentRevision(client, ds, owner, [first, second]);
    expect(
      { name: back.metadata.name, revision: back.revision },
      'the first template brought back (a rollback): the first revision, renumbered 3',
    ).toEqual({ name: first.metadata.name, revision: 3 });
  });
});
