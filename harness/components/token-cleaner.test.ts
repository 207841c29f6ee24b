// The token cleaner on an in-process API server: an expired bootstrap token's Secret goes, as
// does one whose expiration is not a time; a token without expiration, a Secret of another type
// and a token still valid stay; a token that expires while the cleaner runs goes when it expires.
import { describe, expect, test } from 'vitest';
import type { Secret } from '../api/types.ts';
import { testScope } from '../testing/scope.ts';
import { inBackground, waitFor } from '../testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createTokenCleaner } from './token-cleaner.ts';

const scope = testScope();

/** A Secret bootstrap-token-<id> (or of `type`) whose fields are `fields`, base64 in data. */
function tokenSecret(id: string, fields: Record<string, string>, type?: string): Secret {
  const all = { 'token-id': id, 'token-secret': '0123456789abcdef', ...fields };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' },
    type: type ?? 'bootstrap.kubernetes.io/token',
    data: Object.fromEntries(
      Object.entries(all).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
    ),
  };
}

/** A time as a token's expiration: RFC 3339, to the second. */
const rfc3339 = (milliseconds: number) =>
  new Date(milliseconds).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('the token cleaner', () => {
  test('deletes expired bootstrap tokens, keeps the rest, and comes back when one expires', async () => {
    const server = await scope.apiServer();
    const client = toolkit.createClient({ server: server.url });
    const secrets = client.resource<Secret>('secrets', 'kube-system');
    const hourAgo = rfc3339(Date.now() - 3_600_000);
    await secrets.create(tokenSecret('expird', { expiration: hourAgo }));
    await secrets.create(tokenSecret('garble', { expiration: 'next tuesday' }));
    await secrets.create(tokenSecret('foreve', {}));
    await secrets.create(tokenSecret('opaque', { expiration: hourAgo }, 'Opaque'));
    await secrets.create(tokenSecret('inhour', { expiration: rfc3339(Date.now() + 3_600_000) }));
    inBackground(createTokenCleaner({ toolkit, client }).run(scope.stopper().signal));
    const names = async () =>
      (await secrets.list()).items.map((secret) => secret.metadata.name!).sort();
    await waitFor(
      async () => !(await names()).includes('bootstrap-token-expird'),
      'the expired token deleted',
    );
    await waitFor(
      async () => !(await names()).includes('bootstrap-token-garble'),
      'the token whose expiration is not a time deleted',
    );
    expect(await names(), 'what stays').toEqual([
      'bootstrap-token-foreve',
      'bootstrap-token-inhour',
      'bootstrap-token-opaque',
    ]);
    // Expiring two seconds from now (to the second): no event comes then; the cleaner's own
    // requeue for the expiry time brings it back.
    await secrets.create(tokenSecret('soonex', { expiration: rfc3339(Date.now() + 2_000) }));
    await waitFor(
      async () => !(await names()).includes('bootstrap-token-soonex'),
      'the short-lived token deleted once it expired',
      30_000,
    );
    expect(await names(), 'what stays after').toEqual([
      'bootstrap-token-foreve',
      'bootstrap-token-inhour',
      'bootstrap-token-opaque',
    ]);
  });
});
