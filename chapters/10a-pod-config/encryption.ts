// Secrets at rest: the API server encrypts what it writes to etcd for the resources its
// --encryption-provider-config names, so a copy of etcd (a backup, a disk) does not give away the
// cluster's Secrets. The file is Kubernetes' EncryptionConfiguration:
//
//   apiVersion: apiserver.config.k8s.io/v1
//   kind: EncryptionConfiguration
//   resources:
//     - resources: [secrets]
//       providers:              the first one writes; every one of them can read
//         - aesgcm:
//             keys:
//               - name: key1
//                 secret: <32 random bytes, base64>
//         - identity: {}        plain text: what was written before encryption was turned on
//
// A value written with aesgcm is stored as `k8s:enc:aesgcm:v1:key1:` then a 12-byte nonce, the
// ciphertext and GCM's 16-byte tag; the etcd key is authenticated with it, so a value copied under
// another key does not decrypt. The API server itself is not changed: its store client is wrapped
// (encryptingStore) so that every value on its way to the store is encrypted, and every value on its
// way back decrypted, as kube-apiserver's storage transformers sit between its registry and etcd.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { parse } from 'yaml';
import type { ClientWatch, StoreClient, WatchHandlers } from '../../harness/store/client.ts';
import type {
  KeyValue,
  RequestOp,
  ResponseOp,
  TxnRequest,
  TxnResponse,
} from '../../harness/store/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Secrets at rest';

/** One aesgcm key: its name (written into each value's prefix) and its bytes (16, 24 or 32). */
export interface AesGcmKey {
  name: string;
  secret: Buffer;
}

/** A provider, in the configuration's order: aesgcm with its keys, or identity (plain text). */
export type Provider = { aesgcm: AesGcmKey[] } | { identity: true };

/** Which providers each resource ("secrets") is stored with. */
export type EncryptionConfig = Map<string, Provider[]>;

/** The prefix of a value written with aesgcm and the key named `name`. */
export const aesgcmPrefix = (name: string) => `k8s:enc:aesgcm:v1:${name}:`;

/**
 * Reads an EncryptionConfiguration (YAML or JSON). Throws an Error saying what is wrong: another
 * kind, a provider this server does not have (only aesgcm and identity), a key of the wrong length.
 */
export function parseEncryptionConfig(text: string): EncryptionConfig {
  throw new NotImplemented('parseEncryptionConfig', section);
}

/** Encrypts `plain` with AES-GCM under `key`, authenticating `etcdKey`: prefix, nonce, sealed, tag. */
export function encryptValue(key: AesGcmKey, plain: Uint8Array, etcdKey: Uint8Array): Uint8Array {
  throw new NotImplemented('encryptValue', section);
}

/** Decrypts what encryptValue wrote with `key` (the prefix already taken off). */
export function decryptValue(key: AesGcmKey, stored: Uint8Array, etcdKey: Uint8Array): Uint8Array {
  throw new NotImplemented('decryptValue', section);
}

/** The resource an etcd key belongs to: /registry/secrets/default/db → "secrets". */
export function resourceOf(etcdKey: Uint8Array): string {
  throw new NotImplemented('resourceOf', section);
}

/** A value on its way to the store: as the resource's first provider writes it. */
export function sealValue(
  config: EncryptionConfig,
  etcdKey: Uint8Array,
  value: Uint8Array,
): Uint8Array {
  throw new NotImplemented('sealValue', section);
}

/**
 * A value read from the store: decrypted by the key its prefix names, or (with an identity
 * provider, or for a resource not configured) taken as it is. A prefix no provider knows is an error.
 */
export function openValue(
  config: EncryptionConfig,
  etcdKey: Uint8Array,
  value: Uint8Array,
): Uint8Array {
  throw new NotImplemented('openValue', section);
}

/**
 * The store as the API server sees it with encryption at rest: `store` with values sealed on every
 * write (put, a transaction's puts) and opened on every read (range, a transaction's answers, a
 * watch's events). Compares on a value (rare: the API server compares revisions) would see the
 * sealed bytes.
 */
export function encryptingStore(store: StoreClient, config: EncryptionConfig): StoreClient {
  throw new NotImplemented('encryptingStore', section);
}

/** The store the API server uses with --encryption-provider-config: the file read, then applied. */
export function storeWithEncryption(store: StoreClient, configText: string): StoreClient {
  throw new NotImplemented('storeWithEncryption', section);
}
