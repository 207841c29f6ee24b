// TLS and SNI: key pairs from kubernetes.io/tls Secrets, the certificate for each host, and a real
// HTTPS server that answers each client with the certificate of the name it asked for. The
// certificates come from a CA the test makes, and the client checks them against it.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  createCertificateAuthority,
  issueCertificate,
  selfSignedRsaCertificate,
  type KeyPair,
} from '../../harness/api/certificates.ts';
import type { Ingress, Secret } from '../../harness/api/types.ts';
import { certificateFor, certificatesOf, keyPairOf, sniCallback } from './tls.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');

let ca: KeyPair;
let shop: KeyPair;
let blogs: KeyPair;
let fallback: KeyPair;
beforeAll(async () => {
  ca = await createCertificateAuthority('ingress-test-ca');
  const serving = (commonName: string, hosts: string[]) =>
    issueCertificate(ca, { commonName, hosts, usage: 'server' });
  shop = await serving('shop.example.com', ['shop.example.com']);
  blogs = await serving('*.blog.test', ['*.blog.test']);
  fallback = await selfSignedRsaCertificate('Kubernetes Ingress Controller Fake Certificate');
});

function tlsSecret(name: string, pair: KeyPair, type = 'kubernetes.io/tls'): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'shop' },
    type,
    data: { 'tls.crt': b64(pair.cert), 'tls.key': b64(pair.key) },
  };
}

function ingressWithTls(name: string, tlsEntries: Ingress['spec']['tls']): Ingress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'shop' },
    spec: { tls: tlsEntries },
  };
}

const servers: https.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** The Common Name of the certificate a TLS client asking for `serverName` is shown. */
function certificateShownFor(port: number, serverName: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      { host: '127.0.0.1', port, servername: serverName, ca: ca.cert, rejectUnauthorized: false },
      () => {
        const subject = socket.getPeerCertificate().subject as { CN?: string };
        socket.end();
        resolve(subject.CN ?? '');
      },
    );
    socket.on('error', reject);
  });
}

describe('TLS and SNI', () => {
  test('a kubernetes.io/tls Secret gives its tls.crt and tls.key, decoded; another type gives nothing', () => {
    expect(keyPairOf(tlsSecret('shop-tls', shop)), 'a TLS Secret').toEqual(shop);
    expect(keyPairOf(tlsSecret('opaque', shop, 'Opaque')), 'an Opaque Secret').toBeUndefined();
    expect(keyPairOf(undefined), 'a Secret that does not exist').toBeUndefined();
  });

  test("each TLS host gets the key pair of its Ingress's Secret; the first Ingress to claim a host keeps it", () => {
    const secrets = new Map([
      ['shop/shop-tls', tlsSecret('shop-tls', shop)],
      ['shop/blog-tls', tlsSecret('blog-tls', blogs)],
    ]);
    const certificates = certificatesOf(
      [
        ingressWithTls('shop', [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }]),
        ingressWithTls('late', [{ hosts: ['shop.example.com'], secretName: 'blog-tls' }]),
        ingressWithTls('blog', [{ hosts: ['*.blog.test'], secretName: 'blog-tls' }]),
        ingressWithTls('broken', [{ hosts: ['broken.test'], secretName: 'missing' }]),
      ],
      (namespace, name) => secrets.get(`${namespace}/${name}`),
    );
    expect([...certificates.keys()], 'the hosts with a certificate').toEqual([
      'shop.example.com',
      '*.blog.test',
    ]);
    expect(certificates.get('shop.example.com'), 'shop.example.com keeps the first').toEqual(shop);
  });

  test("a server name's certificate is its own host's, else a matching wildcard's", () => {
    const certificates = new Map([
      ['shop.example.com', shop],
      ['*.blog.test', blogs],
    ]);
    expect(certificateFor(certificates, 'Shop.Example.com'), 'shop.example.com').toBe(shop);
    expect(certificateFor(certificates, 'ann.blog.test'), 'ann.blog.test').toBe(blogs);
    expect(certificateFor(certificates, 'blog.test'), 'blog.test').toBeUndefined();
  });

  test('one HTTPS port shows each client the certificate of the name it asked for, or the default', async () => {
    const certificates = new Map([
      ['shop.example.com', shop],
      ['*.blog.test', blogs],
    ]);
    const server = https.createServer({
      ...fallback,
      SNICallback: sniCallback(() => certificates, fallback),
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    expect(await certificateShownFor(port, 'shop.example.com'), 'SNI shop.example.com').toBe(
      'shop.example.com',
    );
    expect(await certificateShownFor(port, 'ann.blog.test'), 'SNI ann.blog.test').toBe(
      '*.blog.test',
    );
    expect(await certificateShownFor(port, 'other.test'), 'SNI other.test').toBe(
      'Kubernetes Ingress Controller Fake Certificate',
    );
  });
});
