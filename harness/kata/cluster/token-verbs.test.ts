// `kata token list` and `kata token delete`: kubeadm's columns and words, first on Secrets alone,
// then against an in-process API server through a kubeconfig file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { Secret } from '../../api/types.ts';
import { kubeconfigFor } from '../../client/kubeconfig.ts';
import { testScope } from '../../testing/scope.ts';
import { toolkit } from '../../../solutions/04-client/index.ts';
import { tokenSecret } from '../../../solutions/18b-join/bootstrap-tokens.ts';
import { KataError } from '../output.ts';
import {
  deleteToken,
  listTokens,
  shortHumanDuration,
  tokenIdOf,
  tokenRow,
  tokenTable,
} from './token-verbs.ts';

const scope = testScope();
const folder = mkdtempSync(path.join(tmpdir(), 'kata-token-verbs-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const NOW = Date.parse('2026-01-01T00:00:00Z');
const TOKEN = { id: 'abcdef', secret: '0123456789abcdef' };

describe('kata token list', () => {
  test('shortHumanDuration prints ages as kubeadm does', () => {
    const cases: [number, string][] = [
      [45_000, '45s'],
      [12 * 60_000, '12m'],
      [23 * 3_600_000 + 59 * 60_000, '23h'],
      [72 * 3_600_000, '3d'],
      [-500, '0s'],
      [-5_000, '<invalid>'],
      [Number.NaN, '<invalid>'],
    ];
    for (const [milliseconds, printed] of cases)
      expect(shortHumanDuration(milliseconds), `${milliseconds} ms`).toBe(printed);
  });

  test("a token's row: the whole token, TTL, expiry, sorted usages, description, groups", () => {
    const secret = tokenSecret(TOKEN, { now: NOW, ttlSeconds: 24 * 3600, description: 'node-9' });
    expect(tokenRow(secret, NOW + 3_600_000), 'an hour after it was made').toEqual([
      'abcdef.0123456789abcdef',
      '23h',
      '2026-01-02T00:00:00Z',
      'authentication,signing',
      'node-9',
      'system:bootstrappers:kubeadm:default-node-token',
    ]);
    const forever = tokenSecret(TOKEN, { now: NOW, ttlSeconds: 0, groups: [] });
    expect(tokenRow(forever, NOW), 'a ttl of 0, no description, no groups').toEqual([
      'abcdef.0123456789abcdef',
      '<forever>',
      '<never>',
      'authentication,signing',
      '<none>',
      '<none>',
    ]);
  });

  test("the table has kubeadm's header and skips Secrets of other types", () => {
    const other: Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'kube-system' },
      type: 'Opaque',
    };
    const lines = tokenTable([tokenSecret(TOKEN, { now: NOW }), other], NOW);
    expect(lines[0], 'the header').toMatch(
      /^TOKEN\s+TTL\s+EXPIRES\s+USAGES\s+DESCRIPTION\s+EXTRA GROUPS$/,
    );
    expect(lines.length, 'the header and one token').toBe(2);
    expect(lines[1], 'the token row').toMatch(/^abcdef\.0123456789abcdef\s+24h\s+/);
  });
});

describe('kata token delete', () => {
  test('takes a token id or a whole token; anything else is one clear line', () => {
    expect(tokenIdOf('abcdef'), 'an id').toBe('abcdef');
    expect(tokenIdOf('abcdef.0123456789abcdef'), 'a whole token').toBe('abcdef');
    expect(() => tokenIdOf('ABC'), 'a malformed token').toThrow(KataError);
    expect(() => tokenIdOf('abcdef.short'), 'a malformed token').toThrow(/didn't match pattern/);
  });

  test('lists the tokens of a cluster, deletes one by id, and says so of an unknown one', async () => {
    const server = await scope.apiServer();
    const client = toolkit.createClient({ server: server.url });
    await client
      .resource<Secret>('secrets', 'kube-system')
      .create(tokenSecret(TOKEN, { now: Date.now(), description: 'for node-9' }));
    const kubeconfig = path.join(folder, 'admin.conf');
    writeFileSync(kubeconfig, kubeconfigFor(server.url));
    const listed: string[] = [];
    await listTokens({ kubeconfig }, (line) => listed.push(line));
    expect(listed[1], 'the token listed').toMatch(
      /^abcdef\.0123456789abcdef\s+2[34]h\s+\S+Z\s+authentication,signing\s+for node-9\s+system:bootstrappers:kubeadm:default-node-token$/,
    );
    const said: string[] = [];
    await deleteToken('abcdef', { kubeconfig }, (line) => said.push(line));
    expect(said, 'what delete says').toEqual(['bootstrap token "abcdef" deleted']);
    const after: string[] = [];
    await listTokens({ kubeconfig }, (line) => after.push(line));
    expect(after.length, 'only the header once the token is deleted').toBe(1);
    await expect(
      deleteToken('abcdef.0123456789abcdef', { kubeconfig }),
      'deleting it again',
    ).rejects.toThrow(
      'bootstrap token "abcdef" not found: no Secret kube-system/bootstrap-token-abcdef',
    );
  });
});
