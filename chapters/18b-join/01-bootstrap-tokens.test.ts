// Bootstrap tokens: their shape, the Secret that makes one valid, and the authenticator that turns
// `Authorization: Bearer <id>.<secret>` into the user system:bootstrap:<id>.
import { describe, expect, test } from 'vitest';
import type { ObjectEvent } from '../../harness/api/object-watch.ts';
import type { Secret } from '../../harness/api/types.ts';
import {
  bootstrapTokenAuthenticator,
  generateToken,
  isExpired,
  parseToken,
  secretField,
  tokenSecret,
  tokenUser,
} from './bootstrap-tokens.ts';

const NOW = Date.parse('2026-12-03T10:00:00Z');
const token = { id: 'abcdef', secret: '0123456789abcdef' };

describe('Bootstrap tokens', () => {
  test("parseToken splits <id>.<secret>; any other shape is kubeadm's error", () => {
    expect(parseToken('abcdef.0123456789abcdef'), 'parse abcdef.0123456789abcdef').toEqual(token);
    expect(
      () => parseToken('ABCDEF.0123456789abcdef'),
      'upper case throws: the bootstrap token "ABCDEF.0123456789abcdef" was not of the form "^([a-z0-9]{6})\\.([a-z0-9]{16})$"',
    ).toThrow(
      'the bootstrap token "ABCDEF.0123456789abcdef" was not of the form "^([a-z0-9]{6})\\.([a-z0-9]{16})$"',
    );
    expect(() => parseToken('abcdef.0123'), 'a short secret throws').toThrow('was not of the form');
  });

  test('generateToken draws six and sixteen characters of [a-z0-9]', () => {
    let n = 0;
    const made = generateToken(() => (n++ % 36) / 36);
    expect(made, 'a token from a counter that walks the alphabet').toBe('abcdef.ghijklmnopqrstuv');
    expect(parseToken(generateToken(Math.random)).id, 'a random token parses').toMatch(
      /^[a-z0-9]{6}$/,
    );
  });

  test('tokenSecret: kube-system/bootstrap-token-<id>, its fields base64, expiring after the ttl', () => {
    const secret = tokenSecret(token, { now: NOW, ttlSeconds: 3600, description: 'for node-4' });
    expect(secret.metadata, 'the Secret of token abcdef').toEqual({
      name: 'bootstrap-token-abcdef',
      namespace: 'kube-system',
    });
    expect(secret.type, 'its type').toBe('bootstrap.kubernetes.io/token');
    const fields = Object.fromEntries(
      Object.keys(secret.data ?? {}).map((key) => [key, secretField(secret, key)]),
    );
    expect(fields, 'its data, decoded').toEqual({
      'token-id': 'abcdef',
      'token-secret': '0123456789abcdef',
      expiration: '2026-12-03T11:00:00Z',
      'usage-bootstrap-authentication': 'true',
      'usage-bootstrap-signing': 'true',
      'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token',
      description: 'for node-4',
    });
    expect(secret.data?.['token-id'], 'data values are base64').toBe('YWJjZGVm');
    const forever = tokenSecret(token, { now: NOW, ttlSeconds: 0 });
    expect(
      secretField(forever, 'expiration'),
      'a ttl of 0 never expires: no expiration field',
    ).toBeUndefined();
  });

  test('tokenUser: system:bootstrap:<id> in system:bootstrappers and the extra groups', () => {
    const secret = tokenSecret(token, { now: NOW });
    expect(tokenUser(secret, token, NOW), 'the right secret, in time').toEqual({
      username: 'system:bootstrap:abcdef',
      groups: [
        'system:bootstrappers',
        'system:bootstrappers:kubeadm:default-node-token',
        'system:authenticated',
      ],
    });
  });

  test('tokenUser: a wrong secret, an expired token, another type or no authentication usage is no one', () => {
    const secret = tokenSecret(token, { now: NOW, ttlSeconds: 60 });
    const wrong = { id: 'abcdef', secret: 'ffffffffffffffff' };
    expect(tokenUser(secret, wrong, NOW), 'a wrong secret').toBeUndefined();
    expect(
      tokenUser(secret, token, NOW + 61_000),
      'a minute and a second later: expired',
    ).toBeUndefined();
    expect(
      tokenUser({ ...secret, type: 'Opaque' }, token, NOW),
      'an Opaque Secret',
    ).toBeUndefined();
    const signingOnly: Secret = {
      ...secret,
      stringData: { 'usage-bootstrap-authentication': 'false' },
    };
    expect(
      tokenUser(signingOnly, token, NOW),
      'usage-bootstrap-authentication false (stringData)',
    ).toBeUndefined();
  });

  test('secretField reads stringData before data; isExpired compares the expiration with now', () => {
    const secret: Secret = {
      metadata: { name: 'bootstrap-token-abcdef' },
      data: {
        expiration: Buffer.from('2026-12-03T10:00:00Z').toString('base64'),
        'token-id': 'eHh4',
      },
      stringData: { 'token-id': 'abcdef' },
    };
    expect(secretField(secret, 'token-id'), 'token-id in both: stringData wins').toBe('abcdef');
    expect(secretField(secret, 'expiration'), 'expiration decoded from data').toBe(
      '2026-12-03T10:00:00Z',
    );
    expect(secretField(secret, 'description'), 'a missing field').toBeUndefined();
    expect(isExpired(secret, NOW - 1), 'a millisecond before').toBe(false);
    expect(isExpired(secret, NOW), 'at the expiration itself').toBe(true);
    expect(isExpired({ metadata: {} }, NOW), 'no expiration: never').toBe(false);
  });

  test('the authenticator follows kube-system Secrets: a known token is its user, an unknown one 401', async () => {
    let onEvent: (event: ObjectEvent) => void = () => {};
    const followed: string[] = [];
    const authenticator = bootstrapTokenAuthenticator(() => NOW);
    await authenticator.start!({
      follow: async (resource, handler) => {
        followed.push(resource);
        onEvent = handler;
      },
    });
    expect(followed, 'the resources it follows').toEqual(['secrets']);
    onEvent({ type: 'ADDED', object: tokenSecret(token, { now: NOW }) });
    const bearer = { authorization: 'Bearer abcdef.0123456789abcdef' };
    expect(authenticator.authenticate(bearer)?.username, "the token's user").toBe(
      'system:bootstrap:abcdef',
    );
    expect(
      authenticator.authenticate({ authorization: 'Bearer not-a-bootstrap-token' }),
      'another token is not its business',
    ).toBeUndefined();
    expect(authenticator.authenticate({}), 'no header').toBeUndefined();
    onEvent({ type: 'DELETED', object: tokenSecret(token, { now: NOW }) });
    expect(
      () => authenticator.authenticate(bearer),
      'the Secret deleted: 401 Unauthorized',
    ).toThrow('Unauthorized');
    const elsewhere = tokenSecret(token, { now: NOW });
    elsewhere.metadata.namespace = 'default';
    onEvent({ type: 'ADDED', object: elsewhere });
    expect(
      () => authenticator.authenticate(bearer),
      'a token Secret outside kube-system counts for nothing',
    ).toThrow('Unauthorized');
  });
});
