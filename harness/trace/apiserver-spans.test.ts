// The API server's spans without async context: each stage finds the request it serves (the
// HTTP request for authentication, the user for admission, the response's body or URL for a
// storage write), so that a write's span is the child of its request's span and carries who
// sent it, as `kata history` and `kata trace` read them.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AdmissionRequest, UserInfo } from '../contracts/security.ts';
import type { StoreClient } from '../store/client.ts';
import type { TxnRequest, TxnResponse } from '../store/types.ts';
import {
  storageOfPath,
  tracedAdmission,
  tracedAuthentication,
  tracedListener,
  tracedStore,
  userOfRequest,
  WriteLog,
} from './apiserver-spans.ts';
import { parseOtlpLines, type RecordedSpan } from './otlp.ts';
import { startTracing, stopTracing } from './tracing.ts';

const encoder = new TextEncoder();

/** A store that answers every write with the next revision, after a turn of the event loop. */
function countingStore(): StoreClient {
  let revision = 100;
  return {
    txn: async (_request: TxnRequest): Promise<TxnResponse> => {
      await new Promise((resolve) => setImmediate(resolve));
      return {
        header: { revision: ++revision } as TxnResponse['header'],
        succeeded: true,
        responses: [],
      };
    },
  } as unknown as StoreClient;
}

/** A put of `key`, created only if absent, as chapter 03a's create sends it. */
function creation(key: string, object: object): TxnRequest {
  const bytes = encoder.encode(key);
  return {
    compare: [{ key: bytes, target: 'CREATE', result: 'EQUAL', createRevision: 0 }],
    success: [{ requestPut: { key: bytes, value: encoder.encode(JSON.stringify(object)) } }],
    failure: [],
  } as unknown as TxnRequest;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'kata-apiserver-spans-'));
const file = path.join(dir, 'apiserver.json');
let server: http.Server;
let base = '';

beforeAll(async () => {
  startTracing('apiserver', file);
  const store = tracedStore(countingStore(), new WriteLog());
  const admission = tracedAdmission({ name: 'NamespaceLifecycle', admit: async () => {} });
  // Authenticates, admits, writes, answers: the object (with its revision) or a Status.
  const handler: http.RequestListener = (request, response) => {
    const user = userOfRequest(
      request,
      tracedAuthentication(request, (): UserInfo => ({ username: 'alice', groups: [] })),
    );
    void (async () => {
      await admission.admit({ user } as AdmissionRequest, {} as never);
      const binding = request.url!.endsWith('/binding');
      const key = binding ? '/registry/pods/default/web' : '/registry/pods/default/made';
      const answer = await store.txn(creation(key, { metadata: { name: 'made' } }));
      const body = binding
        ? { kind: 'Status', status: 'Success' }
        : {
            kind: 'Pod',
            metadata: { name: 'made', resourceVersion: String(answer.header.revision) },
          };
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    })();
  };
  server = http.createServer(tracedListener(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await stopTracing();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends a POST with the user agent `agent`, and waits for its answer. */
async function post(target: string, agent: string): Promise<void> {
  const answer = await fetch(base + target, {
    method: 'POST',
    headers: { 'user-agent': agent },
    body: '{}',
  });
  await answer.text();
}

describe('the API server finds the request of each stage without async context', () => {
  test('a URL names the storage key or collection its write is in', () => {
    expect(storageOfPath('/api/v1/namespaces/default/pods/web/binding'), 'a binding').toEqual({
      key: '/registry/pods/default/web',
    });
    expect(storageOfPath('/apis/apps/v1/namespaces/dev/deployments?x=1'), 'a collection').toEqual({
      collection: '/registry/deployments/dev/',
    });
    expect(storageOfPath('/api/v1/nodes/node-1/status'), 'a cluster-scoped object').toEqual({
      key: '/registry/nodes/node-1',
    });
  });

  test('concurrent writes are each the child of their own request, with its sender', async () => {
    await Promise.all([
      post('/api/v1/namespaces/default/pods', 'kube-controller-manager/v1'),
      post('/api/v1/namespaces/default/pods/web/binding', 'kube-scheduler/v1'),
      post('/api/v1/namespaces/default/pods', 'kubelet/v1'),
    ]);
    await stopTracing(); // writes everything buffered
    const spans: RecordedSpan[] = parseOtlpLines(readFileSync(file, 'utf8'));
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const writes = spans.filter((span) => span.name === 'storage write');
    expect(writes.length, 'three requests each wrote once: three storage write spans').toBe(3);
    for (const write of writes) {
      const request = byId.get(write.parentSpanId ?? '');
      expect(request?.name, `the parent of the write of ${write.attributes['k8s.key']}`).toMatch(
        /^POST pods/,
      );
      expect(
        write.attributes['user_agent.original'],
        'the write carries the user agent of the request it is the child of',
      ).toBe(request?.attributes['user_agent.original']);
      expect(write.attributes['enduser.id'], 'the write carries the authenticated user').toBe(
        'alice',
      );
    }
    const binding = writes.find(
      (span) => span.attributes['k8s.key'] === '/registry/pods/default/web',
    );
    expect(
      byId.get(binding?.parentSpanId ?? '')?.name,
      "a binding's answer shows no revision: its write is claimed by the key its URL names",
    ).toBe('POST pods/binding');
    for (const stage of ['authentication', 'admission NamespaceLifecycle']) {
      const found = spans.filter((span) => span.name === stage);
      expect(found.length, `one ${stage} span per request`).toBe(3);
      for (const span of found)
        expect(byId.get(span.parentSpanId ?? '')?.name, `the parent of ${stage}`).toMatch(
          /^POST pods/,
        );
    }
  });
});
