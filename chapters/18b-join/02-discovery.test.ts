// Discovery: cluster-info's kubeconfig, its detached JWS per token, the CA's pin, and the bootstrap
// signer that keeps the signatures those of the tokens of now.
import { createHmac } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import { createCertificateAuthority } from '../../harness/api/certificates.ts';
import type { ConfigMap } from '../../harness/api/types.ts';
import { toolkit } from '../../harness/components/reference-toolkit.ts';
import { startApiServer, type RunningApiServer } from '../../harness/testing/apiserver.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import { tokenSecret } from './bootstrap-tokens.ts';
import {
  BootstrapSigner,
  caCertHash,
  checkPinnedCa,
  clusterInfoKubeconfig,
  clusterOf,
  detachedSignature,
  signedData,
  signingTokens,
  verifyClusterInfo,
} from './cluster-info.ts';

const NOW = Date.parse('2026-12-03T10:00:00Z');
const token = { id: 'abcdef', secret: '0123456789abcdef' };
const other = { id: 'qwerty', secret: 'ffffffffffffffff' };
const ca = await createCertificateAuthority();
/** cluster-info's kubeconfig for the test's CA (made in each test: the stub throws). */
const kubeconfigText = () => clusterInfoKubeconfig('https://127.0.0.1:6443', ca.cert);
const clusterInfo = (data: Record<string, string>): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cluster-info', namespace: 'kube-public' },
  data,
});

let running: RunningApiServer | undefined;
const stops: AbortController[] = [];
afterAll(async () => {
  stops.forEach((stop) => stop.abort());
  await running?.close();
});

describe('Discovery', () => {
  test('clusterInfoKubeconfig names the server and the CA inline; clusterOf reads them back', () => {
    const kubeconfig = kubeconfigText();
    expect(kubeconfig, 'the kubeconfig names the server').toContain(
      '    server: https://127.0.0.1:6443\n',
    );
    expect(kubeconfig, 'and has no users').toContain('users: null');
    expect(clusterOf(kubeconfig), 'read back').toEqual({
      server: 'https://127.0.0.1:6443',
      ca: ca.cert,
    });
    expect(() => clusterOf('kind: Config\n'), 'no cluster: an error').toThrow('names no server');
  });

  test('detachedSignature: "<header>..<signature>", HS256 keyed by the token secret, kid the token id', () => {
    const jws = detachedSignature('hello', token);
    const [header, payload, signature] = jws.split('.');
    expect(payload, 'the content is left out').toBe('');
    expect(
      JSON.parse(Buffer.from(header!, 'base64url').toString()),
      'the protected header',
    ).toEqual({
      alg: 'HS256',
      kid: 'abcdef',
    });
    const input = `${header}.${Buffer.from('hello').toString('base64url')}`;
    const expected = createHmac('sha256', token.secret).update(input).digest('base64url');
    expect(signature, 'HMAC-SHA256 of header.payload, base64url').toBe(expected);
  });

  test('signingTokens: bootstrap tokens for signing that have not expired', () => {
    const secrets = [
      tokenSecret(token, { now: NOW }),
      tokenSecret(other, { now: NOW - 2 * 86_400_000 }),
      {
        ...tokenSecret({ id: 'zzzzzz', secret: 'zzzzzzzzzzzzzzzz' }, { now: NOW }),
        type: 'Opaque',
      },
    ];
    expect(signingTokens(secrets, NOW), 'the one valid token').toEqual([token]);
  });

  test('signedData: one signature per token and no stale one; other keys kept', () => {
    const kubeconfig = kubeconfigText();
    const signed = signedData(
      clusterInfo({ kubeconfig, 'jws-kubeconfig-old000': 'x', note: 'kept' }),
      [token, other],
    );
    expect(Object.keys(signed).sort(), 'the keys after signing').toEqual([
      'jws-kubeconfig-abcdef',
      'jws-kubeconfig-qwerty',
      'kubeconfig',
      'note',
    ]);
    expect(signed['jws-kubeconfig-abcdef'], "abcdef's signature").toBe(
      detachedSignature(kubeconfig, token),
    );
  });

  test('signedData: without a kubeconfig there is nothing to sign, and stale signatures still go', () => {
    const unsigned = signedData(clusterInfo({ 'jws-kubeconfig-old000': 'x', note: 'kept' }), [
      token,
    ]);
    expect(unsigned, 'cluster-info with no kubeconfig').toEqual({ note: 'kept' });
    expect(signedData({ metadata: {} } as ConfigMap, [token]), 'no data at all').toEqual({});
  });

  test("verifyClusterInfo: the kubeconfig when the signature is right, kubeadm's errors when not", () => {
    const kubeconfig = kubeconfigText();
    const signed = clusterInfo(signedData(clusterInfo({ kubeconfig }), [token]));
    expect(verifyClusterInfo(signed, token), 'signed with the token').toBe(kubeconfig);
    expect(() => verifyClusterInfo(signed, other), 'no signature for qwerty').toThrow(
      'token id "qwerty" is invalid for this cluster or it has expired',
    );
    const forged = clusterInfo({
      kubeconfig: kubeconfig.replace('6443', '6444'),
      'jws-kubeconfig-abcdef': signed.data!['jws-kubeconfig-abcdef']!,
    });
    expect(() => verifyClusterInfo(forged, token), 'a changed kubeconfig').toThrow(
      "failed to verify JWS signature of received cluster info object, can't trust this API Server",
    );
    expect(() => verifyClusterInfo(clusterInfo({}), token), 'no kubeconfig').toThrow(
      'there is no "kubeconfig" key',
    );
  });

  test("caCertHash pins the CA's public key; checkPinnedCa refuses a CA that is not pinned", async () => {
    const hash = caCertHash(ca.cert);
    expect(hash, 'sha256: and 64 hex digits').toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(
      () => checkPinnedCa(ca.cert, [hash.toUpperCase().replace('SHA256', 'sha256')]),
      'the pin, in capitals',
    ).not.toThrow();
    const another = await createCertificateAuthority();
    expect(() => checkPinnedCa(another.cert, [hash]), 'another CA').toThrow(
      `cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${caCertHash(another.cert)}" are pinned`,
    );
  });

  test("the bootstrap signer signs cluster-info with each token, and drops a deleted one's signature", async () => {
    const kubeconfig = kubeconfigText();
    running = await startApiServer();
    const client = toolkit.createClient({ server: running.url });
    const configMaps = client.resource<ConfigMap>('configmaps', 'kube-public');
    const secrets = client.resource('secrets', 'kube-system');
    await configMaps.create(clusterInfo({ kubeconfig }));
    await secrets.create(tokenSecret(token, { now: Date.now() }));
    const abort = new AbortController();
    stops.push(abort);
    void new BootstrapSigner({ toolkit, client }).run(abort.signal);
    const keys = async () =>
      Object.keys((await configMaps.get('cluster-info')).data ?? {})
        .sort()
        .join(',');
    await waitFor(
      async () => (await keys()) === 'jws-kubeconfig-abcdef,kubeconfig',
      'cluster-info signed with abcdef',
    );
    await secrets.delete('bootstrap-token-abcdef');
    await waitFor(
      async () => (await keys()) === 'kubeconfig',
      'abcdef deleted: its signature goes',
    );
    expect(await keys(), 'cluster-info after the token went').toBe('kubeconfig');
  });
});
