// The accounts behind the tokens: who a token is, TokenRequest, and the `default` account.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { ApiError } from '../../harness/api/errors.ts';
import { accessResources, builtinResources } from '../../harness/api/resources.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import type { AdmissionStore } from '../../harness/contracts/security.ts';
import {
  DefaultServiceAccountController,
  ServiceAccounts,
  serviceAccountAuthenticator,
  serviceAccountUser,
  tokenRequestHandler,
} from './service-accounts.ts';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
let clock = 1000;
const settings = { privateKey, issuer: ISSUER, now: () => clock };
const account = (name: string, uid: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace: 'dev', uid },
});

/** Accounts that know `ci` (uid u-1), and a token for it from TokenRequest. */
function withToken(): { accounts: ServiceAccounts; token: string } {
  const accounts = new ServiceAccounts();
  accounts.observe({ type: 'ADDED', object: account('ci', 'u-1') });
  const answer = tokenRequestHandler(accounts, settings).review(
    { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {}, spec: {} },
    { username: 'admin', groups: [] },
    { namespace: 'dev', name: 'ci' },
  );
  return { accounts, token: (answer.status as { token: string }).token };
}

describe('Accounts and TokenRequest', () => {
  test('a ServiceAccount is the user system:serviceaccount:<ns>:<name> in the account groups', () => {
    expect(serviceAccountUser('dev', 'ci', 'u-1'), 'the user of dev/ci').toEqual({
      username: 'system:serviceaccount:dev:ci',
      uid: 'u-1',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:dev', 'system:authenticated'],
    });
  });

  test('TokenRequest answers a token for the issuer, an hour by default, ten minutes at least; 404 for no account', () => {
    const accounts = new ServiceAccounts();
    accounts.observe({ type: 'ADDED', object: account('ci', 'u-1') });
    const handler = tokenRequestHandler(accounts, settings);
    const request = (spec: object) => ({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: {},
      spec,
    });
    const answer = handler.review(
      request({}),
      { username: 'a', groups: [] },
      { namespace: 'dev', name: 'ci' },
    );
    expect(answer.spec, 'the defaults').toEqual({ audiences: [ISSUER], expirationSeconds: 3600 });
    expect(
      (answer.status as { expirationTimestamp: string }).expirationTimestamp,
      'an hour after 1000 s',
    ).toBe('1970-01-01T01:16:40Z');
    const short = handler.review(
      request({ expirationSeconds: 60 }),
      { username: 'a', groups: [] },
      { namespace: 'dev', name: 'ci' },
    );
    expect((short.spec as { expirationSeconds: number }).expirationSeconds, 'a minute asked').toBe(
      600,
    );
    expect(
      () =>
        handler.review(
          request({}),
          { username: 'a', groups: [] },
          { namespace: 'dev', name: 'ghost' },
        ),
      'no such account',
    ).toThrow('serviceaccounts "ghost" not found');
  });

  test("a token is its account's user; another kind of token is not its business", () => {
    const { accounts, token } = withToken();
    const authenticator = serviceAccountAuthenticator(accounts, settings);
    expect(
      authenticator.authenticate({ authorization: `Bearer ${token}` })?.username,
      'the token of dev/ci',
    ).toBe('system:serviceaccount:dev:ci');
    expect(
      authenticator.authenticate({ authorization: 'Bearer from-a-token-file' }),
      'a token file token',
    ).toBeUndefined();
    expect(authenticator.authenticate({}), 'no token').toBeUndefined();
  });

  test("a deleted account's token is refused, even once an account of the same name is made again", () => {
    const { accounts, token } = withToken();
    const authenticator = serviceAccountAuthenticator(accounts, settings);
    accounts.observe({ type: 'DELETED', object: account('ci', 'u-1') });
    expect(
      () => authenticator.authenticate({ authorization: `Bearer ${token}` }),
      'the account deleted',
    ).toThrow(ApiError);
    accounts.observe({ type: 'ADDED', object: account('ci', 'u-2') });
    expect(
      () => authenticator.authenticate({ authorization: `Bearer ${token}` }),
      'a new account, another uid',
    ).toThrow('Unauthorized');
    clock = 1000 + 7200;
    accounts.observe({ type: 'ADDED', object: account('ci', 'u-1') });
    expect(
      () => authenticator.authenticate({ authorization: `Bearer ${token}` }),
      'two hours later',
    ).toThrow('Unauthorized');
    clock = 1000;
  });

  test('every namespace gets a default account, made once', async () => {
    const created: KubeObject[] = [];
    const resources = [...builtinResources, ...accessResources];
    const store = {
      resourceOf: (name: string) => resources.find((each) => each.resource === name),
      get: async (_resource: unknown, namespace: string | undefined, name: string) => {
        const found = created.find(
          (each) => each.metadata.namespace === namespace && each.metadata.name === name,
        );
        if (!found) throw new ApiError(404, 'NotFound', 'not found');
        return found;
      },
      create: async (_resource: unknown, object: KubeObject) => (created.push(object), object),
    } as unknown as AdmissionStore;
    const controller = new DefaultServiceAccountController();
    const namespaces: KubeObject[] = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } },
    ];
    await controller.start(
      {
        follow: async (_name, onEvent) =>
          namespaces.forEach((object) => onEvent({ type: 'ADDED', object })),
      },
      store,
    );
    await expect.poll(() => created.length, { timeout: 5000 }).toBe(1);
    await controller.ensureDefault(store, namespaces[0]!);
    await controller.ensureDefault(store, {
      ...namespaces[0]!,
      metadata: { name: 'gone', deletionTimestamp: 'now' },
    });
    expect(
      created.map((each) => `${each.metadata.namespace}/${each.metadata.name}`),
      'the accounts made',
    ).toEqual(['dev/default']);
  });
});
