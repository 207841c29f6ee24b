// The cluster's certificates as kubeadm lays them out, and a process reaching a TLS server with a
// component's kubeconfig: the CA it trusts and the client certificate the server reads the user
// from.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, describe, expect, test } from 'vitest';
import { readKubeconfig } from '../client/kubeconfig.ts';
import { credentialsFor } from '../client/tls.ts';
import { componentIdentity, componentKubeconfig, createClusterPki, pkiDir } from './pki.ts';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kata-pki-'));
const servers: https.Server[] = [];
afterAll(() => {
  servers.forEach((server) => server.close());
  rmSync(dataDir, { recursive: true, force: true });
});

/** An HTTPS server with the cluster's serving certificate that answers with the client's subject. */
async function serveWho(): Promise<string> {
  const pki = path.join(pkiDir(dataDir));
  const server = https.createServer(
    {
      cert: readFileSync(path.join(pki, 'apiserver.crt')),
      key: readFileSync(path.join(pki, 'apiserver.key')),
      ca: readFileSync(path.join(pki, 'ca.crt')),
      requestCert: true,
      rejectUnauthorized: false,
    },
    (request, response) => {
      const socket = request.socket as TLSSocket;
      const subject = socket.authorized ? socket.getPeerCertificate().subject : undefined;
      response.end(JSON.stringify(subject ?? null));
    },
  );
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('The cluster PKI', () => {
  test('a CA made once, kept across starts, with private keys readable by their owner only', async () => {
    const first = await createClusterPki(dataDir, ['kubernetes', '127.0.0.1']);
    const again = await createClusterPki(dataDir, ['kubernetes', '127.0.0.1']);
    expect(again.admin.ca, 'a second start keeps the CA it made').toBe(first.admin.ca);
    expect(readFileSync(again.serviceAccountKeyFile, 'utf8'), 'and the signing key').toMatch(
      /BEGIN PRIVATE KEY/,
    );
    expect(statSync(path.join(pkiDir(dataDir), 'ca.key')).mode & 0o077, 'ca.key is private').toBe(
      0,
    );
  });

  test("a component's kubeconfig trusts the CA and presents its certificate: the server reads who it is", async () => {
    await createClusterPki(dataDir, ['127.0.0.1']);
    const server = await serveWho();
    const file = await componentKubeconfig(dataDir, server, componentIdentity('kubelet', 'n1'));
    expect(credentialsFor(server), 'nothing is presented before the kubeconfig is read').toBe(
      undefined,
    );
    const config = readKubeconfig(file);
    expect(config.server, 'the kubeconfig names the server').toBe(server);
    const subject = (await (await fetch(`${server}/who`)).json()) as { CN: string; O: string };
    expect(subject, 'fetch presented the kubelet certificate: CN and O say who').toEqual({
      CN: 'system:node:n1',
      O: 'system:nodes',
    });
  });
});
