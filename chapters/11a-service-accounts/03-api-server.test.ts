// ServiceAccount tokens on a real API server: the `default` account appears, TokenRequest
// answers a token, the token is its account, and a deleted account's token is refused.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import { accessResources, builtinResources } from '../../harness/api/resources.ts';
import { startApiServer, type RunningApiServer } from '../../harness/testing/apiserver.ts';
import { createServiceAccountSecurity } from './service-accounts.ts';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
/** Who each request was, as the authorizer saw it (it allows everything). */
const seen: string[] = [];
let starting: Promise<RunningApiServer> | undefined;

/** Starts the server once, with chapter 11a's authenticator, TokenRequest and controller. */
function server(): Promise<RunningApiServer> {
  starting ??= startApiServer({
    compactionIntervalMs: 0,
    resources: [...builtinResources, ...accessResources],
    security: {
      ...createServiceAccountSecurity({
        privateKey,
        issuer: 'https://kubernetes.default.svc',
        now: () => Math.floor(Date.now() / 1000),
      }),
      authorizer: {
        start: async () => {},
        authorize: (attributes) => (
          seen.push(attributes.user.username),
          { decision: 'allow', reason: '' }
        ),
      },
    },
  });
  return starting;
}

/** A request with an optional bearer token; its status and JSON body. */
async function call(method: string, path: string, body?: object, token?: string) {
  const { url } = await server();
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

afterAll(async () => {
  if (starting) await (await starting).close();
});

describe('On the API server', () => {
  test('a new namespace gets its default ServiceAccount', async () => {
    await call('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'dev' },
    });
    await expect
      .poll(
        async () => (await call('GET', '/api/v1/namespaces/dev/serviceaccounts/default')).status,
        { timeout: 10_000 },
      )
      .toBe(200);
  });

  test("TokenRequest answers a token that is the account's user; once the account is deleted, 401", async () => {
    await call('POST', '/api/v1/namespaces/dev/serviceaccounts', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'ci' },
    });
    const request = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 600 },
    };
    const answer = await call('POST', '/api/v1/namespaces/dev/serviceaccounts/ci/token', request);
    expect(answer.status, 'POST serviceaccounts/ci/token').toBe(201);
    const token = (answer.body.status as { token: string }).token;
    expect(
      (await call('GET', '/api/v1/namespaces/dev/pods', undefined, token)).status,
      'a list with the token',
    ).toBe(200);
    expect(seen.at(-1), 'the list was by the account').toBe('system:serviceaccount:dev:ci');
    await call('DELETE', '/api/v1/namespaces/dev/serviceaccounts/ci');
    await expect
      .poll(
        async () => (await call('GET', '/api/v1/namespaces/dev/pods', undefined, token)).status,
        { timeout: 10_000 },
      )
      .toBe(401);
    const forged = `${token.slice(0, -4)}AAAA`;
    expect(
      (await call('GET', '/api/v1/namespaces/dev/pods', undefined, forged)).body,
      'a forged signature',
    ).toMatchObject({ reason: 'Unauthorized', code: 401 });
  });
});
