// A cluster's certificates, made as kubeadm makes them (`kubeadm init phase certs`): one cluster
// CA, the API server's serving certificate with its names (SANs), and a client certificate per
// user whose subject says who it is: the Common Name is the user, each Organization a group
// (CN=system:node:n1, O=system:nodes; the admin's O=system:masters). The API server trusts any
// client certificate the CA signed (--client-ca-file) and reads the user from it.
//
// Keys are ECDSA P-256, from node:crypto; the X.509 encoding is @peculiar/x509's (which needs
// reflect-metadata loaded first).
import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/** A certificate and its private key, both PEM. */
export interface KeyPair {
  cert: string;
  key: string;
}

/** What a certificate is issued for. */
export interface CertificateRequest {
  commonName: string;
  organizations?: string[];
  /** DNS names and IP addresses the server answers as (serving certificates only). */
  hosts?: string[];
  usage: 'server' | 'client';
  /** How long it is valid; a year by default (kubeadm's). */
  days?: number;
}

/** A subject name: CN=<name>, then O=<group> for each group. */
export function subjectOf(commonName: string, organizations: string[] = []): string {
  const escape = (value: string) => value.replace(/([,+"\\<>;=])/g, '\\$1');
  return [`CN=${escape(commonName)}`, ...organizations.map((group) => `O=${escape(group)}`)].join(
    ', ',
  );
}

async function newKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
}

async function privatePem(keys: webcrypto.CryptoKeyPair): Promise<string> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as webcrypto.CryptoKey);
  return x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
}

function serialNumber(): string {
  return webcrypto
    .getRandomValues(new Uint8Array(16))
    .reduce((hex, byte) => hex + byte.toString(16).padStart(2, '0'), '7');
}

function validity(days: number) {
  const notBefore = new Date(Date.now() - 5 * 60 * 1000);
  return { notBefore, notAfter: new Date(notBefore.getTime() + days * 24 * 60 * 60 * 1000) };
}

/** A new cluster CA: self-signed, for signing certificates only (CN=kubernetes, ten years). */
export async function createCertificateAuthority(commonName = 'kubernetes'): Promise<KeyPair> {
  const keys = await newKeys();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: subjectOf(commonName),
    ...validity(3650),
    signingAlgorithm: algorithm,
    keys: keys as never,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign |
          x509.KeyUsageFlags.cRLSign |
          x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never),
    ],
  });
  return { cert: certificate.toString('pem'), key: await privatePem(keys) };
}

/** The CA's certificate and its private key, ready to sign with. */
async function signingWith(ca: KeyPair) {
  const authority = new x509.X509Certificate(ca.cert);
  const caKey = await webcrypto.subtle.importKey(
    'pkcs8',
    x509.PemConverter.decode(ca.key)[0]!,
    algorithm,
    false,
    ['sign'],
  );
  return { authority, caKey };
}

/** A certificate the CA signs: a server's with its SANs, or a client's naming a user. */
export async function issueCertificate(ca: KeyPair, request: CertificateRequest): Promise<KeyPair> {
  const { authority, caKey } = await signingWith(ca);
  const keys = await newKeys();
  const names = (request.hosts ?? []).map((host) => ({
    type: isIP(host) ? ('ip' as const) : ('dns' as const),
    value: host,
  }));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: subjectOf(request.commonName, request.organizations),
    issuer: authority.subject,
    ...validity(request.days ?? 365),
    signingAlgorithm: algorithm,
    publicKey: keys.publicKey as never,
    signingKey: caKey as never,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([
        request.usage === 'server'
          ? x509.ExtendedKeyUsage.serverAuth
          : x509.ExtendedKeyUsage.clientAuth,
      ]),
      ...(names.length ? [new x509.SubjectAlternativeNameExtension(names)] : []),
    ],
  });
  return { cert: certificate.toString('pem'), key: await privatePem(keys) };
}

/**
 * A self-signed RSA serving certificate (2048 bits), such as an ingress controller's default one.
 * RSA on purpose: a TLS server picks the certificate for a name in the handshake (SNI), and Node
 * then loads that certificate into the slot of its key type, leaving the default's in the other
 * slot. With an RSA default, an RSA certificate replaces it and an ECDSA one is preferred over
 * it; with an ECDSA default, an RSA certificate for the name would lose to the default.
 */
export async function selfSignedRsaCertificate(commonName: string, days = 365): Promise<KeyPair> {
  const rsa = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  };
  const keys = (await webcrypto.subtle.generateKey(rsa, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: subjectOf(commonName),
    ...validity(days),
    signingAlgorithm: rsa,
    keys: keys as never,
    extensions: [new x509.BasicConstraintsExtension(false, undefined, true)],
  });
  return { cert: certificate.toString('pem'), key: await privatePem(keys) };
}

/** A PKCS#10 certificate signing request and the private key it was made with, both PEM. */
export interface RequestAndKey {
  request: string;
  key: string;
}

/**
 * A new key and a PEM certificate signing request for it (PKCS#10, "CERTIFICATE REQUEST"), naming
 * the subject a client certificate should carry: what a kubelet posts in a
 * CertificateSigningRequest's spec.request.
 */
export async function createCertificateRequest(
  commonName: string,
  organizations: string[] = [],
): Promise<RequestAndKey> {
  const keys = await newKeys();
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subjectOf(commonName, organizations),
    signingAlgorithm: algorithm,
    keys: keys as never,
  });
  return { request: request.toString('pem'), key: await privatePem(keys) };
}

/** The subject a PKCS#10 request asks for: its Common Name and Organizations. */
export interface RequestedSubject {
  commonName: string;
  organizations: string[];
}

/**
 * Reads a PEM certificate signing request: its subject, once its self-signature is checked (the
 * requester holds the key). Throws an Error naming what is wrong.
 */
export async function readCertificateRequest(pem: string): Promise<RequestedSubject> {
  let request: x509.Pkcs10CertificateRequest;
  try {
    request = new x509.Pkcs10CertificateRequest(pem);
  } catch {
    throw new Error('PEM block type must be CERTIFICATE REQUEST');
  }
  if (!(await request.verify())) throw new Error('the request is not signed by its own key');
  const name = request.subjectName;
  const values = (type: string) => name.getField(type);
  return { commonName: values('CN')[0] ?? '', organizations: values('O') };
}

/**
 * Issues a client certificate for a PEM signing request: the request's subject and public key,
 * signed by `ca`, valid for `days`. Returns the certificate, PEM.
 */
export async function signCertificateRequest(
  ca: KeyPair,
  pem: string,
  days = 365,
): Promise<string> {
  const request = new x509.Pkcs10CertificateRequest(pem);
  const { authority, caKey } = await signingWith(ca);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: request.subject,
    issuer: authority.subject,
    ...validity(days),
    signingAlgorithm: algorithm,
    publicKey: request.publicKey,
    signingKey: caKey as never,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
    ],
  });
  return certificate.toString('pem');
}
