// ServiceAccount tokens on their own: claims, an ES256 signature, and every way a token fails.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { ApiError } from '../../harness/api/errors.ts';
import {
  base64url,
  looksLikeJwt,
  signToken,
  tokenClaims,
  verifyToken,
} from './service-accounts.ts';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ci = { namespace: 'dev', name: 'ci', uid: 'u-1' };

/** The reason a token was refused, or a failure saying it was accepted. */
function refusal(check: () => unknown): string {
  try {
    check();
  } catch (error) {
    expect(error, 'a refused token is an ApiError').toBeInstanceOf(ApiError);
    expect((error as ApiError).code, 'a refused token is a 401').toBe(401);
    return (error as ApiError).details?.causes?.[0]?.message ?? '';
  }
  throw new Error('expected a 401, but the token was accepted');
}

describe('Tokens', () => {
  test('a token names its account in sub and kubernetes.io, with its audiences and times', () => {
    expect(base64url('{"a":1}'), 'base64url has no padding').toBe('eyJhIjoxfQ');
    expect(tokenClaims(ci, ISSUER, ['api'], 1000, 3600), 'the claims').toEqual({
      iss: ISSUER,
      sub: 'system:serviceaccount:dev:ci',
      aud: ['api'],
      exp: 4600,
      iat: 1000,
      nbf: 1000,
      'kubernetes.io': { namespace: 'dev', serviceaccount: { name: 'ci', uid: 'u-1' } },
    });
  });

  test('a signed token is header.claims.signature, and verifies with the public key', () => {
    const token = signToken(tokenClaims(ci, ISSUER, [ISSUER], 1000, 3600), privateKey);
    expect(token.split('.').length, 'three parts').toBe(3);
    expect(looksLikeJwt(token), 'it looks like a JWT').toBe(true);
    expect(looksLikeJwt('abc'), 'a token file token does not').toBe(false);
    expect(
      JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()),
      'the header',
    ).toEqual({ alg: 'ES256', typ: 'JWT' });
    expect(
      verifyToken(token, publicKey, ISSUER, 2000).sub,
      'verified an hour before it expires',
    ).toBe('system:serviceaccount:dev:ci');
  });

  test('expired, not yet valid, wrongly signed, malformed and foreign tokens are 401', () => {
    const token = signToken(tokenClaims(ci, ISSUER, [ISSUER], 1000, 3600), privateKey);
    expect(
      refusal(() => verifyToken(token, publicKey, ISSUER, 4600)),
      'at its expiry',
    ).toBe('token has expired');
    expect(
      refusal(() => verifyToken(token, publicKey, ISSUER, 999)),
      'before it is valid',
    ).toBe('token not yet valid');
    expect(
      refusal(() => verifyToken(token, other.publicKey, ISSUER, 2000)),
      'another key',
    ).toBe('invalid signature');
    expect(
      refusal(() => verifyToken(token, publicKey, 'https://elsewhere', 2000)),
      'another issuer',
    ).toBe('token has an unknown issuer');
    expect(
      refusal(() => verifyToken('a.b.c', publicKey, ISSUER, 2000)),
      'not JSON',
    ).toBe('malformed token');
    const none = `${base64url('{"alg":"none"}')}.${token.split('.')[1]}.`;
    expect(
      refusal(() => verifyToken(none, publicKey, ISSUER, 2000)),
      'alg none',
    ).toBe('unexpected algorithm none');
  });
});
