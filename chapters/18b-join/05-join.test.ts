// The joining node's side: discovery with the token and the pin, its CSR, and reading what became
// of it.
import { describe, expect, test } from 'vitest';
import {
  createCertificateAuthority,
  createCertificateRequest,
} from '../../harness/api/certificates.ts';
import type { CertificateSigningRequest, ConfigMap } from '../../harness/api/types.ts';
import { caCertHash, clusterInfoKubeconfig, signedData } from './cluster-info.ts';
import { discover, issuedCertificate, nodeCsr } from './join.ts';

const token = { id: 'abcdef', secret: '0123456789abcdef' };
const ca = await createCertificateAuthority();
/** cluster-info as the bootstrap signer leaves it, signed with the token. */
const signedClusterInfo = (): ConfigMap => {
  const kubeconfig = clusterInfoKubeconfig('https://127.0.0.1:6443', ca.cert);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cluster-info', namespace: 'kube-public' },
    data: signedData({ metadata: {}, data: { kubeconfig } } as ConfigMap, [token]),
  };
};

describe('Joining a node', () => {
  test('discover: the server and CA, once the signature and the pin both hold', () => {
    const clusterInfo = signedClusterInfo();
    expect(discover(clusterInfo, token, [caCertHash(ca.cert)]), 'the right token and pin').toEqual({
      server: 'https://127.0.0.1:6443',
      ca: ca.cert,
    });
    expect(() => discover(clusterInfo, token, ['sha256:00']), 'a wrong pin').toThrow('are pinned');
    expect(
      () => discover(clusterInfo, { id: 'qwerty', secret: token.secret }, [caCertHash(ca.cert)]),
      'an unknown token',
    ).toThrow('token id "qwerty" is invalid');
  });

  test("nodeCsr: for the kubelet client signer, named after the request's digest", async () => {
    const { request } = await createCertificateRequest('system:node:node-4', ['system:nodes']);
    const made = nodeCsr(request);
    expect(made.metadata.name, 'its name').toMatch(/^node-csr-[0-9a-f]{32}$/);
    expect(nodeCsr(request).metadata.name, 'the same request, the same name').toBe(
      made.metadata.name,
    );
    expect(made.spec, 'its spec').toEqual({
      request: Buffer.from(request).toString('base64'),
      signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
      usages: ['digital signature', 'client auth'],
    });
  });

  test('issuedCertificate: the PEM once issued, nothing while pending, an error when denied', () => {
    const base: CertificateSigningRequest = { ...nodeCsr('x'), metadata: { name: 'node-csr-a' } };
    expect(issuedCertificate(base), 'pending').toBeUndefined();
    const issued = { ...base, status: { certificate: Buffer.from('PEM').toString('base64') } };
    expect(issuedCertificate(issued), 'issued').toBe('PEM');
    const denied = {
      ...base,
      status: {
        conditions: [
          {
            type: 'Denied' as const,
            status: 'True' as const,
            reason: 'KubectlDeny',
            message: 'no',
          },
        ],
      },
    };
    expect(() => issuedCertificate(denied), 'denied').toThrow(
      'certificate signing request node-csr-a is denied, reason: KubectlDeny, message: no',
    );
  });

  test("issuedCertificate: a request the signer failed throws with the signer's reason", () => {
    const failed: CertificateSigningRequest = {
      ...nodeCsr('x'),
      metadata: { name: 'node-csr-b' },
      status: {
        conditions: [
          { type: 'Approved', status: 'True' },
          {
            type: 'Failed',
            status: 'True',
            reason: 'SignerValidationFailure',
            message: 'bad subject',
          },
        ],
      },
    };
    expect(() => issuedCertificate(failed), 'approved, then failed').toThrow(
      'certificate signing request node-csr-b is failed, reason: SignerValidationFailure, message: bad subject',
    );
  });
});
