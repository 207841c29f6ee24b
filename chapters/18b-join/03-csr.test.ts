// CertificateSigningRequests in the API server: the requestor recorded from the user who created
// it, kube's validation, and the approval subresource that only moves Approved and Denied.
import { afterAll, describe, expect, test } from 'vitest';
import { createCertificateRequest } from '../../harness/api/certificates.ts';
import { builtinResources } from '../../harness/api/resources.ts';
import type { CertificateSigningRequest } from '../../harness/api/types.ts';
import { loadReference } from '../../harness/components/implementation.ts';
import type { AdmissionRequest, AdmissionStore } from '../../harness/contracts/security.ts';
import { startApiServer, type RunningApiServer } from '../../harness/testing/apiserver.ts';
import {
  approvalSubresource,
  csrAdmission,
  hasCondition,
  invalidCsr,
  requestPem,
  validateCsr,
  withRequestor,
} from './csr.ts';

const { request } = await createCertificateRequest('system:node:node-4', ['system:nodes']);
const csr = (
  fields: Partial<CertificateSigningRequest['spec']> = {},
): CertificateSigningRequest => ({
  apiVersion: 'certificates.k8s.io/v1',
  kind: 'CertificateSigningRequest',
  metadata: { name: 'node-csr-1' },
  spec: {
    request: Buffer.from(request).toString('base64'),
    signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
    usages: ['digital signature', 'client auth'],
    ...fields,
  },
});
const approved = { type: 'Approved' as const, status: 'True' as const, reason: 'KubectlApprove' };
const denied = { type: 'Denied' as const, status: 'True' as const, reason: 'KubectlDeny' };
const bootstrapper = {
  username: 'system:bootstrap:abcdef',
  groups: ['system:bootstrappers', 'system:authenticated'],
};
const resource = builtinResources.find((type) => type.resource === 'certificatesigningrequests')!;

let running: RunningApiServer | undefined;
afterAll(async () => {
  await running?.close();
});

describe('Certificate signing requests', () => {
  test('withRequestor: the user who created it, whatever the client claimed; no status', () => {
    const claimed = {
      ...csr({ username: 'kubernetes-admin', groups: ['system:masters'] }),
      status: { certificate: 'x' },
    };
    const made = withRequestor(claimed, { ...bootstrapper, uid: 'u-1' });
    expect(made.spec, 'spec after the create').toMatchObject({
      username: 'system:bootstrap:abcdef',
      groups: bootstrapper.groups,
      uid: 'u-1',
    });
    expect(made.status, 'a new CSR has no status').toBeUndefined();
    expect(
      withRequestor(csr({ uid: 'forged' }), bootstrapper).spec.uid,
      'no uid in the user: none kept',
    ).toBeUndefined();
  });

  test('hasCondition reads a True condition of a type', () => {
    expect(
      hasCondition({ ...csr(), status: { conditions: [approved] } }, 'Approved'),
      'Approved True',
    ).toBe(true);
    expect(
      hasCondition(
        { ...csr(), status: { conditions: [{ ...approved, status: 'False' }] } },
        'Approved',
      ),
      'Approved False',
    ).toBe(false);
    expect(hasCondition(csr(), 'Denied'), 'no conditions').toBe(false);
  });

  test('validateCsr: a PEM request, a signer and known usages are required', () => {
    expect(validateCsr(csr()), "a kubelet's request").toEqual([]);
    const fields = (object: CertificateSigningRequest) =>
      validateCsr(object).map((error) => `${error.field} ${error.type}`);
    expect(fields(csr({ request: '', signerName: '', usages: [] })), 'all missing').toEqual([
      'spec.request FieldValueRequired',
      'spec.signerName FieldValueRequired',
      'spec.usages FieldValueRequired',
    ]);
    expect(
      fields(
        csr({
          request: Buffer.from('hello').toString('base64'),
          usages: ['client auth', 'flying'],
        }),
      ),
      'not PEM, an unknown usage',
    ).toEqual(['spec.request FieldValueInvalid', 'spec.usages[1] FieldValueNotSupported']);
  });

  test('validateCsr: Approved and Denied together are mutually exclusive', () => {
    const both = { ...csr(), status: { conditions: [approved, denied] } };
    expect(validateCsr(both), 'approved and denied').toEqual([
      {
        type: 'FieldValueInvalid',
        field: 'status.conditions[1].type',
        value: 'Denied',
        detail: 'Approved and Denied conditions are mutually exclusive',
      },
    ]);
  });

  test("csrAdmission: a create gets its requestor, and an invalid one is 422 in kube's words", async () => {
    const plugin = csrAdmission();
    const object = csr({ username: 'someone-else' });
    const admit = (operation: AdmissionRequest['operation'], target: CertificateSigningRequest) =>
      plugin.admit(
        { operation, resource, name: target.metadata.name, object: target, user: bootstrapper },
        {} as AdmissionStore,
      );
    await admit('CREATE', object);
    expect(object.spec.username, 'the object after admission').toBe('system:bootstrap:abcdef');
    await expect(admit('CREATE', csr({ signerName: '' })), 'no signer').rejects.toThrow(
      'CertificateSigningRequest.certificates.k8s.io "node-csr-1" is invalid: spec.signerName: Required value',
    );
    const pod = { ...resource, resource: 'pods' };
    await plugin.admit(
      { operation: 'CREATE', resource: pod, object: csr({ signerName: '' }), user: bootstrapper },
      {} as AdmissionStore,
    );
  });

  test('requestPem decodes spec.request; invalidCsr joins several errors in brackets', () => {
    expect(requestPem(csr()), 'the PEM of the request').toBe(request);
    const error = invalidCsr('jane', [
      { type: 'FieldValueRequired', field: 'spec.request' },
      {
        type: 'FieldValueNotSupported',
        field: 'spec.usages[0]',
        value: 'flying',
        detail: 'supported values: "client auth"',
      },
    ]);
    expect(error.message, 'two errors').toBe(
      'CertificateSigningRequest.certificates.k8s.io "jane" is invalid: [spec.request: Required value, spec.usages[0]: Unsupported value: "flying": supported values: "client auth"]',
    );
    expect([error.code, error.reason, error.details?.causes?.length], 'its status').toEqual([
      422,
      'Invalid',
      2,
    ]);
  });

  test('approval: only Approved and Denied come from the body; both at once is 422', () => {
    const stored = {
      ...csr(),
      status: { conditions: [{ type: 'Failed' as const, status: 'True' as const }] },
    };
    const body = {
      ...csr({ signerName: 'changed' }),
      status: { conditions: [approved], certificate: 'forged' },
    };
    const next = approvalSubresource.update!(
      stored,
      body,
      {} as never,
    ) as CertificateSigningRequest;
    expect(next.spec.signerName, 'the spec stays the stored one').toBe(
      'kubernetes.io/kube-apiserver-client-kubelet',
    );
    expect(next.status, 'the status after approval').toEqual({
      conditions: [approved, { type: 'Failed', status: 'True' }],
    });
    const both = { ...csr(), status: { conditions: [approved, denied] } };
    expect(() => approvalSubresource.update!(stored, both, {} as never), 'both').toThrow(
      'Approved and Denied conditions are mutually exclusive',
    );
  });

  test('on the API server: created with its requestor, approved through /approval, listed as a Table', async () => {
    const { createSubresources } = await loadReference('03b', 'subresources.ts');
    running = await startApiServer({
      subresources: [...createSubresources(), approvalSubresource],
      security: { admission: [csrAdmission()] },
    });
    const base = `${running.url}/apis/certificates.k8s.io/v1/certificatesigningrequests`;
    const send = (method: string, url: string, body?: unknown, accept = 'application/json') =>
      fetch(url, {
        method,
        headers: { 'content-type': 'application/json', accept },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const created = await send('POST', base, csr());
    expect(created.status, 'POST a CSR').toBe(201);
    const stored = (await created.json()) as CertificateSigningRequest;
    expect(stored.spec.username, 'who created it (the anonymous user here)').toBe(
      'system:anonymous',
    );
    const approving = { ...stored, status: { conditions: [approved] } };
    const answer = await send('PUT', `${base}/node-csr-1/approval`, approving);
    expect(answer.status, 'PUT .../approval').toBe(200);
    const table = (await (
      await send('GET', base, undefined, 'application/json;as=Table;v=v1;g=meta.k8s.io')
    ).json()) as {
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[] }[];
    };
    expect(
      table.columnDefinitions.map((column) => column.name),
      "kubectl get csr's columns",
    ).toEqual(['Name', 'Age', 'SignerName', 'Requestor', 'RequestedDuration', 'Condition']);
    expect(table.rows[0]!.cells.slice(2), 'the row').toEqual([
      'kubernetes.io/kube-apiserver-client-kubelet',
      'system:anonymous',
      '<none>',
      'Approved',
    ]);
  });
});
