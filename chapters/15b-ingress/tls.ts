// TLS termination with SNI. An Ingress's spec.tls names hosts and a Secret of type
// kubernetes.io/tls holding their certificate (tls.crt) and key (tls.key). One HTTPS port serves
// every host: the client says which host it wants in the TLS handshake (Server Name Indication),
// before any HTTP is sent, and the controller answers with that host's certificate, or with its
// own default certificate when no Ingress has one for the name.
import tls from 'node:tls';
import type { KeyPair } from '../../harness/api/certificates.ts';
import type { Ingress, Secret } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ TLS and SNI';

/** The Secret type that holds a certificate and its key. */
export const tlsSecretType = 'kubernetes.io/tls';

/** The certificate and key of a kubernetes.io/tls Secret (base64 in data), or undefined if it is not one. */
export function keyPairOf(secret: Secret | undefined): KeyPair | undefined {
  throw new NotImplemented('keyPairOf', section);
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
  throw new NotImplemented('certificatesOf', section);
}

/** The key pair for a server name: its own host's, else a matching wildcard host's. */
export function certificateFor(
  certificates: Map<string, KeyPair>,
  serverName: string,
): KeyPair | undefined {
  throw new NotImplemented('certificateFor', section);
}

/**
 * The SNICallback of an HTTPS server: the secure context of the certificate for the name the client
 * sent, or of `fallback`. Contexts are made once per certificate, not per handshake.
 */
export function sniCallback(
  certificates: () => Map<string, KeyPair>,
  fallback: KeyPair,
): (serverName: string, done: (error: Error | null, context?: tls.SecureContext) => void) => void {
  throw new NotImplemented('sniCallback', section);
}
