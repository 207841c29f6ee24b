// Tokens bound to a pod: TokenRequest's boundObjectRef writes the pod into the token, and the
// token is worth nothing once that pod is gone, or was deleted and made again under its name.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { ApiError } from '../../harness/api/errors.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import {
  boundObject,
  ServiceAccounts,
  serviceAccountAuthenticator,
  tokenRequestHandler,
  verifyToken,
  type BoundObjectRef,
} from './service-accounts.ts';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const settings = { privateKey, issuer: ISSUER, now: () => 1000 };
const admin = { username: 'admin', groups: [] };

/** A pod of `dev` running as `account`. */
const pod = (name: string, uid: string, account = 'ci'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'dev', uid },
  spec: { serviceAccountName: account, containers: [] },
});

/** Accounts that know dev/ci (uid u-1), the pod web (uid p-1) and the secret keys (uid s-1). */
function cluster(): ServiceAccounts {
  const accounts = new ServiceAccounts();
  accounts.observe({
    type: 'ADDED',
    object: {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'ci', namespace: 'dev', uid: 'u-1' },
    },
  });
  accounts.observeBindable('Pod', { type: 'ADDED', object: pod('web', 'p-1') });
  accounts.observeBindable('Pod', { type: 'ADDED', object: pod('other', 'p-2', 'default') });
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'keys', namespace: 'dev', uid: 's-1' },
  };
  accounts.observeBindable('Secret', { type: 'ADDED', object: secret });
  return accounts;
}

/** A TokenRequest for dev/ci bound to `ref`: its answer. */
function requestBound(accounts: ServiceAccounts, ref: BoundObjectRef): KubeObject {
  return tokenRequestHandler(accounts, settings).review(
    {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: {},
      spec: { boundObjectRef: ref },
    },
    admin,
    { namespace: 'dev', name: 'ci' },
  );
}

/** The ApiError `run` throws. */
function refusal(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected a refusal, and nothing was thrown');
}

const webRef = { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'p-1' };

/** Each reference, asked for: refused with this code and message. */
function expectRefusals(cases: [BoundObjectRef, number, string][]): void {
  const accounts = cluster();
  for (const [ref, code, message] of cases) {
    const error = refusal(() => requestBound(accounts, ref));
    expect(error.code, `a token bound to ${JSON.stringify(ref)}: the code`).toBe(code);
    expect(error.message, `a token bound to ${JSON.stringify(ref)}: the message`).toBe(message);
  }
}

describe('Tokens bound to a pod', () => {
  test('a token bound to a pod names it in its claims; the reference comes back in spec', () => {
    const accounts = cluster();
    const answer = requestBound(accounts, webRef);
    expect(
      (answer.spec as { boundObjectRef?: object }).boundObjectRef,
      'the reference, echoed',
    ).toEqual(webRef);
    const token = (answer.status as { token: string }).token;
    const claims = verifyToken(token, createPublicKey(privateKey), ISSUER, 1000);
    expect(claims['kubernetes.io'].pod, 'the pod in the claims').toEqual({
      name: 'web',
      uid: 'p-1',
    });
  });

  test('a token may be bound to a secret instead, named without a uid', () => {
    const accounts = cluster();
    const secret = boundObject(accounts, 'dev', 'ci', {
      apiVersion: 'v1',
      kind: 'Secret',
      name: 'keys',
    });
    expect(secret, 'a secret, named without a uid').toEqual({
      secret: { name: 'keys', uid: 's-1' },
    });
  });

  test("what cannot be bound is refused in kube-apiserver's words: another kind, no such pod", () => {
    expectRefusals([
      [{ ...webRef, name: 'gone' }, 404, 'pods "gone" not found'],
      [
        { apiVersion: 'v1', kind: 'Node', name: 'node-1' },
        400,
        'cannot bind token to object of type /v1, Kind=Node',
      ],
      [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        400,
        'cannot bind token to object of type apps/v1, Kind=Deployment',
      ],
    ]);
  });

  test('a pod of another uid (made again) or running as another account cannot be bound', () => {
    expectRefusals([
      [
        { ...webRef, uid: 'p-0' },
        409,
        'Operation cannot be fulfilled on Pod "web": the UID in the bound object reference (p-0) does not match the UID in record. The object might have been deleted and then recreated',
      ],
      [
        { ...webRef, name: 'other', uid: 'p-2' },
        400,
        'cannot bind token for serviceaccount "ci" to pod running with different serviceaccount name.',
      ],
    ]);
  });

  test('a bound token is its account with the pod in extra, until the pod is deleted or made again', () => {
    const accounts = cluster();
    const authenticator = serviceAccountAuthenticator(accounts, settings);
    const token = (requestBound(accounts, webRef).status as { token: string }).token;
    const user = authenticator.authenticate({ authorization: `Bearer ${token}` });
    expect(user?.username, 'the token of dev/ci').toBe('system:serviceaccount:dev:ci');
    expect(user?.extra, 'the pod it is bound to, as kube names it').toEqual({
      'authentication.kubernetes.io/pod-name': ['web'],
      'authentication.kubernetes.io/pod-uid': ['p-1'],
    });
    accounts.observeBindable('Pod', { type: 'DELETED', object: pod('web', 'p-1') });
    const gone = refusal(() => authenticator.authenticate({ authorization: `Bearer ${token}` }));
    expect(gone.code, 'the token once its pod is deleted').toBe(401);
    accounts.observeBindable('Pod', { type: 'ADDED', object: pod('web', 'p-9') });
    const again = refusal(() => authenticator.authenticate({ authorization: `Bearer ${token}` }));
    expect(again.code, 'the token once a new pod of the same name is made').toBe(401);
  });

  test("a token bound to a secret dies with the secret, and names no pod in the user's extra", () => {
    const accounts = cluster();
    const authenticator = serviceAccountAuthenticator(accounts, settings);
    const ref = { apiVersion: 'v1', kind: 'Secret', name: 'keys' };
    const token = (requestBound(accounts, ref).status as { token: string }).token;
    const user = authenticator.authenticate({ authorization: `Bearer ${token}` });
    expect(user?.username, 'the token bound to the secret keys').toBe(
      'system:serviceaccount:dev:ci',
    );
    expect(user?.extra, 'no pod in the extra of a secret-bound token').toBeUndefined();
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'keys', namespace: 'dev', uid: 's-1' },
    };
    accounts.observeBindable('Secret', { type: 'DELETED', object: secret });
    const gone = refusal(() => authenticator.authenticate({ authorization: `Bearer ${token}` }));
    expect(gone.code, 'the token once its secret is deleted').toBe(401);
  });
});
