// TLS termination with SNI. An Ingress's spec.tls names hosts and a Secret of type
// kubernetes.io/tls holding their certificate (tls.crt) and key (tls.key). One HTTPS port serves
// every host: the client says which host it wants in the TLS handshake (Server Name Indication),
// before any HTTP is sent, and the controller answers with that host's certificate, or with its
// own default certificate when no Ingress has one for the name.
import tls from 'node:tls';
import type { KeyPair } from '../../harness/api/certificates.ts';
import type { Ingress, Secret } from '../../harness/api/types.ts';
import { hostMatches } from './routes.ts';

/** The Secret type that holds a certificate and its key. */
export const tlsSecretType = 'kubernetes.io/tls';

/** The certificate and key of a kubernetes.io/tls Secret (base64 in data), or undefined if it is not one. */
export function keyPairOf(secret: Secret | undefined): KeyPair | undefined {
  if (secret?.type !== tlsSecretType) return undefined;
  const cert = secret.data?.['tls.crt'];
  const key = secret.data?.['tls.key'];
  if (!cert || !key) return undefined;
  return {
    cert: Buffer.from(cert, 'base64').toString('utf8'),
    key: Buffer.from(key, 'base64').toString('utf8'),
  };
}

/**
 * Each TLS host of the Ingresses, with the key pair of its Secret (looked up in the Ingress's own
 * namespace). A host two Ingresses claim keeps the first's; a Secret that is missing or not a TLS
 * Secret gives its hosts nothing (they get the default certificate).
 */
export function certificatesOf(
  ingresses: Ingress[],
  secretOf: (namespace: string, name: string) => Secret | undefined,
): Map<string, KeyPair> {
  const certificates = new Map<string, KeyPair>();
  for (const ingress of ingresses) {
    for (const entry of ingress.spec?.tls ?? []) {
      if (!entry.secretName) continue;
      const pair = keyPairOf(secretOf(ingress.metadata.namespace ?? 'default', entry.secretName));
      if (!pair) continue;
      for (const host of entry.hosts ?? []) {
        if (!certificates.has(host)) certificates.set(host, pair);
      }
    }
  }
  return certificates;
}

/** The key pair for a server name: its own host's, else a matching wildcard host's. */
export function certificateFor(
  certificates: Map<string, KeyPair>,
  serverName: string,
): KeyPair | undefined {
  const name = serverName.toLowerCase();
  const exact = certificates.get(name);
  if (exact) return exact;
  for (const [host, pair] of certificates) {
    if (host.startsWith('*.') && hostMatches(host, name)) return pair;
  }
  return undefined;
}

/**
 * The SNICallback of an HTTPS server: the secure context of the certificate for the name the client
 * sent, or of `fallback`. Contexts are made once per certificate, not per handshake.
 */
export function sniCallback(
  certificates: () => Map<string, KeyPair>,
  fallback: KeyPair,
): (serverName: string, done: (error: Error | null, context?: tls.SecureContext) => void) => void {
  const contexts = new Map<string, tls.SecureContext>();
  return (serverName, done) => {
    const pair = certificateFor(certificates(), serverName) ?? fallback;
    try {
      let context = contexts.get(pair.cert);
      if (!context) {
        context = tls.createSecureContext({ cert: pair.cert, key: pair.key });
        contexts.set(pair.cert, context);
      }
      done(null, context);
    } catch (error) {
      done(error as Error);
    }
  };
}
