// The API server's listener over TLS (harness/api/security.ts): plain HTTP sent to it gets Go's
// one-line 400, as kube-apiserver answers it, and TLS clients are served as before on the same port.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCertificateAuthority, issueCertificate } from './certificates.ts';
import { createServer } from './security.ts';

let server: ReturnType<typeof createServer>;
let port: number;
let ca: string;

beforeAll(async () => {
  const authority = await createCertificateAuthority('security-test-ca');
  const serving = await issueCertificate(authority, {
    commonName: 'kube-apiserver',
    hosts: ['127.0.0.1'],
    usage: 'server',
  });
  ca = authority.cert;
  server = createServer({ tls: { cert: serving.cert, key: serving.key } }, (request, response) =>
    response.end(`served ${request.url}`),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

/** A GET over TLS trusting the test CA: its body. */
function getOverTls(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get(`https://127.0.0.1:${port}${path}`, { ca, agent: false }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk));
        response.on('end', () => resolve(text));
      })
      .on('error', reject);
  });
}

describe('A TLS port', () => {
  test('plain HTTP is answered 400 "Client sent an HTTP request to an HTTPS server."', async () => {
    const answer = await fetch(`http://127.0.0.1:${port}/api`);
    expect(answer.status, 'GET http:// on the TLS port: the status').toBe(400);
    expect(await answer.text(), 'GET http:// on the TLS port: the body, as Go words it').toBe(
      'Client sent an HTTP request to an HTTPS server.\n',
    );
  });

  test('TLS clients are served on the same port, before and after a plain one', async () => {
    expect(await getOverTls('/one'), 'a GET over TLS').toBe('served /one');
    await fetch(`http://127.0.0.1:${port}/api`);
    expect(await getOverTls('/two'), 'a GET over TLS after a plain HTTP one').toBe('served /two');
  });
});
