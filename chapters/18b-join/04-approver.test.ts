// The CSR approver and signer: which requests are a kubelet's client certificate, the permission
// approving one needs, then both controllers on the reference API server.
import { X509Certificate } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import {
  createCertificateAuthority,
  createCertificateRequest,
} from '../../harness/api/certificates.ts';
import type { CertificateSigningRequest } from '../../harness/api/types.ts';
import { loadReference } from '../../harness/components/implementation.ts';
import { toolkit } from '../../harness/components/reference-toolkit.ts';
import { startApiServer, type RunningApiServer } from '../../harness/testing/apiserver.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import {
  approvalPermission,
  autoApproved,
  CsrApprover,
  CsrSigner,
  isNodeClientRequest,
  signingProblem,
} from './approver.ts';
import { approvalSubresource, csrAdmission } from './csr.ts';

const NOW = Date.parse('2026-12-03T10:00:00Z');
const node4 = { commonName: 'system:node:node-4', organizations: ['system:nodes'] };
const csr = (
  spec: Partial<CertificateSigningRequest['spec']> = {},
  name = 'node-csr-1',
): CertificateSigningRequest => ({
  apiVersion: 'certificates.k8s.io/v1',
  kind: 'CertificateSigningRequest',
  metadata: { name },
  spec: {
    request: '',
    signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
    usages: ['digital signature', 'client auth'],
    username: 'system:bootstrap:abcdef',
    ...spec,
  },
});

let running: RunningApiServer | undefined;
const stops: AbortController[] = [];
afterAll(async () => {
  stops.forEach((stop) => stop.abort());
  await running?.close();
});

/** The reference API server serving CSRs with their approval subresource, once. */
async function server(): Promise<RunningApiServer> {
  const { createSubresources } = await loadReference('03b', 'subresources.ts');
  running ??= await startApiServer({
    subresources: [...createSubresources(), approvalSubresource],
    security: { admission: [csrAdmission()] },
  });
  return running;
}

describe('The approver and the signer', () => {
  test('isNodeClientRequest: the kubelet signer, CN system:node:<name>, O system:nodes, client usages', () => {
    expect(isNodeClientRequest(csr(), node4), "a kubelet's request").toBe(true);
    expect(
      isNodeClientRequest(csr({ usages: ['client auth', 'key encipherment'] }), node4),
      'key encipherment and client auth',
    ).toBe(true);
    expect(
      isNodeClientRequest(csr({ usages: ['server auth', 'digital signature'] }), node4),
      'server auth',
    ).toBe(false);
    expect(
      isNodeClientRequest(csr({ signerName: 'kubernetes.io/kube-apiserver-client' }), node4),
      'another signer',
    ).toBe(false);
    expect(
      isNodeClientRequest(csr(), { ...node4, organizations: ['system:masters'] }),
      'O system:masters',
    ).toBe(false);
    expect(
      isNodeClientRequest(csr(), { ...node4, commonName: 'kubernetes-admin' }),
      'CN kubernetes-admin',
    ).toBe(false);
  });

  test('approvalPermission: nodeclient for a new node, selfnodeclient for a node renewing its own', () => {
    expect(approvalPermission(csr(), node4), 'asked with a bootstrap token').toBe('nodeclient');
    expect(
      approvalPermission(csr({ username: 'system:node:node-4' }), node4),
      'asked by node-4 itself',
    ).toBe('selfnodeclient');
    expect(
      approvalPermission(csr({ usages: ['server auth'] }), node4),
      'not a kubelet client request',
    ).toBeUndefined();
  });

  test("autoApproved is kube's condition, stamped with the time", () => {
    expect(autoApproved(NOW), "the approver's condition").toEqual({
      type: 'Approved',
      status: 'True',
      reason: 'AutoApproved',
      message: 'Auto approving kubelet client certificate after SubjectAccessReview.',
      lastUpdateTime: '2026-12-03T10:00:00Z',
    });
  });

  test('signingProblem: the kubelet signer signs only kubelet client requests; the client signer needs client auth', () => {
    expect(signingProblem(csr(), node4), "a kubelet's request").toBeUndefined();
    expect(signingProblem(csr(), { ...node4, organizations: [] }), 'no O').toContain(
      'invalid certificate request',
    );
    const client = csr({
      signerName: 'kubernetes.io/kube-apiserver-client',
      usages: ['digital signature'],
    });
    expect(
      signingProblem(client, { commonName: 'jane', organizations: [] }),
      'no client auth',
    ).toBe('invalid usage for client certificate: client auth is required');
  });

  test('the approver approves a kubelet request its requestor may make, and leaves the rest pending', async () => {
    const { url } = await server();
    const client = toolkit.createClient({ server: url });
    const asked: string[] = [];
    const approver = new CsrApprover({
      toolkit,
      client,
      now: () => NOW,
      certificates: {
        mayCreate: async (request, subresource) => (
          asked.push(`${request.metadata.name} ${subresource}`),
          request.metadata.name === 'node-csr-1'
        ),
        updateApproval: async (request) => {
          const answer = await fetch(
            `${url}/apis/certificates.k8s.io/v1/certificatesigningrequests/${request.metadata.name}/approval`,
            {
              method: 'PUT',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(request),
            },
          );
          return (await answer.json()) as CertificateSigningRequest;
        },
      },
    });
    const abort = new AbortController();
    stops.push(abort);
    void approver.run(abort.signal);
    const csrs = client.resource<CertificateSigningRequest>('certificatesigningrequests');
    const { request } = await createCertificateRequest(node4.commonName, node4.organizations);
    const { request: admin } = await createCertificateRequest('kubernetes-admin', [
      'system:masters',
    ]);
    const pem = (text: string) => Buffer.from(text).toString('base64');
    await csrs.create(csr({ request: pem(request) }, 'node-csr-1'));
    await csrs.create(csr({ request: pem(request) }, 'node-csr-2'));
    await csrs.create(csr({ request: pem(admin) }, 'admin-csr'));
    await waitFor(
      async () => ((await csrs.get('node-csr-1')).status?.conditions ?? []).length > 0,
      'node-csr-1 approved',
    );
    await waitFor(() => asked.length === 2, 'both kubelet requests checked');
    expect(asked.sort(), 'the SubjectAccessReviews asked').toEqual([
      'node-csr-1 nodeclient',
      'node-csr-2 nodeclient',
    ]);
    expect((await csrs.get('node-csr-1')).status?.conditions, 'node-csr-1').toEqual([
      autoApproved(NOW),
    ]);
    expect(
      (await csrs.get('node-csr-2')).status,
      'node-csr-2, whose requestor may not: pending',
    ).toBeUndefined();
    expect(
      (await csrs.get('admin-csr')).status,
      'an admin certificate: a person decides',
    ).toBeUndefined();
  });

  test('the signer issues an approved kubelet request with the CA, and fails a bad one', async () => {
    const { url } = await server();
    const ca = await createCertificateAuthority();
    const client = toolkit.createClient({ server: url });
    const abort = new AbortController();
    stops.push(abort);
    void new CsrSigner({ toolkit, client, ca, now: () => NOW, certificates: {} as never }).run(
      abort.signal,
    );
    const csrs = client.resource<CertificateSigningRequest>('certificatesigningrequests');
    const pem = async (cn: string, o: string[]) =>
      Buffer.from((await createCertificateRequest(cn, o)).request).toString('base64');
    const approve = async (name: string, request: string) => {
      const made = await csrs.create(csr({ request }, name));
      await fetch(
        `${url}/apis/certificates.k8s.io/v1/certificatesigningrequests/${name}/approval`,
        {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            ...made,
            status: { conditions: [{ type: 'Approved', status: 'True' }] },
          }),
        },
      );
    };
    await approve('signed-1', await pem(node4.commonName, node4.organizations));
    await approve('bad-1', await pem('jane', []));
    await waitFor(
      async () => Boolean((await csrs.get('signed-1')).status?.certificate),
      'signed-1 issued',
    );
    const issued = new X509Certificate(
      Buffer.from((await csrs.get('signed-1')).status!.certificate!, 'base64'),
    );
    expect(issued.subject, "the certificate's subject").toBe(
      'CN=system:node:node-4\nO=system:nodes',
    );
    expect(issued.verify(new X509Certificate(ca.cert).publicKey), 'signed by the CA').toBe(true);
    await waitFor(
      async () => ((await csrs.get('bad-1')).status?.conditions ?? []).length > 1,
      'bad-1 failed',
    );
    const failed = (await csrs.get('bad-1')).status!.conditions![1]!;
    expect([failed.type, failed.reason], "bad-1's new condition").toEqual([
      'Failed',
      'SignerValidationFailure',
    ]);
  });
});
