// The kubelet's port 10250 over TLS: which SubjectAccessReview a request asks for, how long an
// answer is kept, and chapter 06's kubelet API served through kubeletServing with real
// certificates: no certificate 401, one the reviews refuse 403 in kube's words, plain HTTP 400,
// and the API server's own dial (harness/api/kubelet-dial.ts) let in.
import http from 'node:http';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCertificateAuthority, issueCertificate, type KeyPair } from '../api/certificates.ts';
import { tlsKubeletDial } from '../api/kubelet-dial.ts';
import { FakeRuntime } from '../runtime/fake-runtime.ts';
import { serveKubeletApi, type KubeletServer } from '../../solutions/06-kubelet/kubelet-server.ts';
import {
  cachedReview,
  kubeletAttributes,
  kubeletServing,
  reviewTtlMs,
  subjectAccessReview,
  type Review,
} from './kubelet-serving.ts';

describe('What a request to the kubelet asks', () => {
  test('paths map to nodes subresources as kube maps them, the method to the verb', () => {
    const cases: [string, string, string, string][] = [
      ['GET', '/stats/summary', 'get', 'stats'],
      ['GET', '/metrics', 'get', 'metrics'],
      ['GET', '/metrics/resource', 'get', 'metrics'],
      ['GET', '/logs/syslog', 'get', 'log'],
      ['GET', '/containerLogs/default/web/app', 'get', 'proxy'],
      ['POST', '/exec/default/web/app', 'create', 'proxy'],
      ['GET', '/pods', 'get', 'proxy'],
      ['GET', '/statsz', 'get', 'proxy'],
    ];
    for (const [method, path, verb, subresource] of cases) {
      const attributes = kubeletAttributes('node-1', method, path);
      expect(
        attributes,
        `${method} ${path} should be ${verb} nodes/${subresource} on node-1`,
      ).toEqual({ verb, resource: 'nodes', subresource, name: 'node-1' });
    }
  });

  test("a review names the caller's user and groups and the node's subresource", () => {
    const user = { username: 'alice', groups: ['dev', 'system:authenticated'] };
    const review = subjectAccessReview(user, kubeletAttributes('node-2', 'GET', '/pods'));
    expect(review.spec, 'the spec of a review for alice reading /pods of node-2').toEqual({
      user: 'alice',
      groups: ['dev', 'system:authenticated'],
      resourceAttributes: {
        verb: 'get',
        resource: 'nodes',
        subresource: 'proxy',
        name: 'node-2',
        version: 'v1',
      },
    });
  });

  test('an allow is kept five minutes, a refusal thirty seconds', async () => {
    let now = 0;
    let asked = 0;
    const allowAlice: Review = async (body) => (asked++, body.spec.user === 'alice');
    const review = cachedReview(allowAlice, () => now);
    const of = (username: string) =>
      subjectAccessReview({ username, groups: [] }, kubeletAttributes('n', 'GET', '/pods'));
    await review(of('alice'));
    await review(of('bob'));
    now = reviewTtlMs.denied - 1;
    await review(of('alice'));
    await review(of('bob'));
    expect(asked, 'two callers asked twice within 30 s: two reviews').toBe(2);
    now = reviewTtlMs.denied + 1;
    await review(of('bob'));
    expect(asked, "bob's refusal asked again after 30 s").toBe(3);
    await review(of('alice'));
    expect(asked, "alice's allow still kept after 30 s").toBe(3);
    now = reviewTtlMs.allowed + 1;
    await review(of('alice'));
    expect(asked, "alice's allow asked again after 5 minutes").toBe(4);
  });
});

describe('The kubelet API over TLS', () => {
  let ca: KeyPair;
  let apiserverClient: KeyPair;
  let stranger: KeyPair;
  let api: KubeletServer;
  let port: number;

  beforeAll(async () => {
    ca = await createCertificateAuthority('kubernetes');
    const serving = await issueCertificate(ca, {
      commonName: 'node-1',
      hosts: ['127.0.0.1'],
      usage: 'server',
    });
    apiserverClient = await issueCertificate(ca, {
      commonName: 'kube-apiserver-kubelet-client',
      organizations: ['system:masters'],
      usage: 'client',
    });
    stranger = await issueCertificate(ca, { commonName: 'stranger', usage: 'client' });
    const review: Review = async (body) => body.spec.groups.includes('system:masters');
    const options = { nodeName: 'node-1', ...serving, clientCa: ca.cert, review };
    const admitted = kubeletServing({
      ...options,
      anonymous: false,
      authorizationMode: 'Webhook',
    });
    api = await serveKubeletApi(
      new FakeRuntime(),
      '127.0.0.1',
      0,
      undefined,
      undefined,
      [],
      admitted,
    );
    port = Number(new URL(api.url).port);
  });
  afterAll(() => api?.close());

  /** GET `path` over TLS with `client`'s certificate (none: no certificate). */
  function get(path: string, client?: KeyPair): Promise<{ code: number; text: string }> {
    return new Promise((resolve, reject) => {
      const request = https.get(
        { host: '127.0.0.1', port, path, ca: ca.cert, ...(client ?? {}) },
        (response) => {
          let text = '';
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () => resolve({ code: response.statusCode!, text }));
        },
      );
      request.on('error', reject);
    });
  }

  test('it is https, and no certificate is 401 Unauthorized', async () => {
    expect(api.url, 'the url of a kubelet API served with kubeletServing').toMatch(/^https:/);
    const answer = await get('/pods');
    expect(answer, 'GET /pods without a client certificate').toEqual({
      code: 401,
      text: 'Unauthorized',
    });
  });

  test("a caller the API server does not allow is 403 in kube's words", async () => {
    const answer = await get('/stats/summary', stranger);
    expect(answer, 'GET /stats/summary as the user stranger').toEqual({
      code: 403,
      text: 'Forbidden (user=stranger, verb=get, resource=nodes, subresource=stats)',
    });
  });

  test("the API server's dial is let in; plain HTTP is told it spoke to HTTPS", async () => {
    const dial = tlsKubeletDial({ ...apiserverClient, ca: ca.cert });
    const socket = await dial('127.0.0.1', port);
    const answer = await new Promise<{ code: number; text: string }>((resolve, reject) => {
      const request = http.get(`http://127.0.0.1:${port}/healthz`, {
        createConnection: () => socket as never,
      });
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ code: response.statusCode!, text }));
      });
      request.on('error', reject);
    });
    expect(answer, "GET /healthz over the API server's TLS dial").toEqual({
      code: 200,
      text: 'ok',
    });
    const plain = await fetch(`http://127.0.0.1:${port}/healthz`).catch((error: Error) => error);
    const text = plain instanceof Response ? await plain.text() : String(plain);
    expect(text, 'GET /healthz in plain HTTP to the TLS port').toContain(
      'Client sent an HTTP request to an HTTPS server',
    );
  });
});
