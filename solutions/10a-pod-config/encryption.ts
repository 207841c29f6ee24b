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

/** Reads an aesgcm provider's keys: each named, each 16, 24 or 32 bytes in base64. */
function aesgcmKeys(keys: Array<{ name?: string; secret?: string }> | undefined): AesGcmKey[] {
  if (!keys || keys.length === 0) throw new Error('aesgcm: keys: Required value');
  return keys.map(({ name, secret }) => {
    if (!name) throw new Error('aesgcm: key name: Required value');
    const bytes = Buffer.from(secret ?? '', 'base64');
    if (![16, 24, 32].includes(bytes.length))
      throw new Error(
        `aesgcm: key ${name}: secret is not of the expected length, got ${bytes.length}, expected one of [16 24 32]`,
      );
    return { name, secret: bytes };
  });
}

/**
 * Reads an EncryptionConfiguration (YAML or JSON). Throws an Error saying what is wrong: another
 * kind, a provider this server does not have (only aesgcm and identity), a key of the wrong length.
 */
export function parseEncryptionConfig(text: string): EncryptionConfig {
  const document = parse(text) as {
    kind?: string;
    resources?: Array<{ resources?: string[]; providers?: Array<Record<string, unknown>> }>;
  };
  if (document?.kind !== 'EncryptionConfiguration')
    throw new Error(`kind must be EncryptionConfiguration, not ${JSON.stringify(document?.kind)}`);
  const config: EncryptionConfig = new Map();
  for (const entry of document.resources ?? []) {
    const providers = (entry.providers ?? []).map((provider): Provider => {
      const [name] = Object.keys(provider);
      if (name === 'identity') return { identity: true };
      if (name === 'aesgcm') {
        const { keys } = provider.aesgcm as { keys?: Array<{ name?: string; secret?: string }> };
        return { aesgcm: aesgcmKeys(keys) };
      }
      throw new Error(`provider ${name} is not supported here (aesgcm, identity)`);
    });
    if (providers.length === 0) throw new Error('providers: Required value');
    for (const resource of entry.resources ?? []) config.set(resource, providers);
  }
  return config;
}

/** The AES-GCM cipher for the key's length: 16 bytes is AES-128, 32 bytes AES-256. */
const gcmCipher = (key: AesGcmKey) => `aes-${key.secret.length * 8}-gcm` as 'aes-256-gcm';

/** Encrypts `plain` with AES-GCM under `key`, authenticating `etcdKey`: prefix, nonce, sealed, tag. */
export function encryptValue(key: AesGcmKey, plain: Uint8Array, etcdKey: Uint8Array): Uint8Array {
  const nonce = randomBytes(12);
  const cipher = createCipheriv(gcmCipher(key), key.secret, nonce);
  cipher.setAAD(etcdKey);
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  const prefix = Buffer.from(aesgcmPrefix(key.name));
  return Buffer.concat([prefix, nonce, sealed, cipher.getAuthTag()]);
}

/** Decrypts what encryptValue wrote with `key` (the prefix already taken off). */
export function decryptValue(key: AesGcmKey, stored: Uint8Array, etcdKey: Uint8Array): Uint8Array {
  const bytes = Buffer.from(stored);
  const nonce = bytes.subarray(0, 12);
  const tag = bytes.subarray(bytes.length - 16);
  const decipher = createDecipheriv(gcmCipher(key), key.secret, nonce);
  decipher.setAAD(etcdKey);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
}

/** The resource an etcd key belongs to: /registry/secrets/default/db → "secrets". */
export function resourceOf(etcdKey: Uint8Array): string {
  return Buffer.from(etcdKey).toString('utf8').split('/')[2] ?? '';
}

/** A value on its way to the store: as the resource's first provider writes it. */
export function sealValue(
  config: EncryptionConfig,
  etcdKey: Uint8Array,
  value: Uint8Array,
): Uint8Array {
  const first = config.get(resourceOf(etcdKey))?.[0];
  if (!first || 'identity' in first) return value;
  return encryptValue(first.aesgcm[0]!, value, etcdKey);
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
  const providers = config.get(resourceOf(etcdKey));
  if (!providers) return value;
  const text = Buffer.from(value.subarray(0, 64)).toString('latin1');
  for (const provider of providers) {
    if (!('aesgcm' in provider)) continue;
    const key = provider.aesgcm.find((candidate) => text.startsWith(aesgcmPrefix(candidate.name)));
    if (key) return decryptValue(key, value.subarray(aesgcmPrefix(key.name).length), etcdKey);
  }
  if (!text.startsWith('k8s:enc:') && providers.some((provider) => 'identity' in provider))
    return value;
  throw new Error(`no matching prefix found for ${Buffer.from(etcdKey).toString('utf8')}`);
}

/** A key-value with its value decrypted (a deleted key's has no value to open). */
function openKv(config: EncryptionConfig, kv: KeyValue): KeyValue;
function openKv(config: EncryptionConfig, kv: KeyValue | undefined): KeyValue | undefined;
function openKv(config: EncryptionConfig, kv: KeyValue | undefined) {
  if (!kv || kv.value.length === 0) return kv;
  return { ...kv, value: openValue(config, kv.key, kv.value) };
}

/** A transaction's operations with every put's value sealed. */
function sealTxn(config: EncryptionConfig, txn: TxnRequest): TxnRequest {
  const seal = (op: RequestOp): RequestOp => {
    if ('requestPut' in op && op.requestPut.value) {
      const { key, value } = op.requestPut;
      return { requestPut: { ...op.requestPut, value: sealValue(config, key, value) } };
    }
    if ('requestTxn' in op) return { requestTxn: sealTxn(config, op.requestTxn) };
    return op;
  };
  return { ...txn, success: txn.success?.map(seal), failure: txn.failure?.map(seal) };
}

/** A transaction's answers with every value read opened. */
function openTxn(config: EncryptionConfig, answer: TxnResponse): TxnResponse {
  const open = (op: ResponseOp): ResponseOp => {
    if ('responseRange' in op) {
      const kvs = op.responseRange.kvs.map((kv) => openKv(config, kv));
      return { responseRange: { ...op.responseRange, kvs } };
    }
    if ('responsePut' in op)
      return { responsePut: { ...op.responsePut, prevKv: openKv(config, op.responsePut.prevKv) } };
    if ('responseDeleteRange' in op) {
      const prevKvs = op.responseDeleteRange.prevKvs.map((kv) => openKv(config, kv));
      return { responseDeleteRange: { ...op.responseDeleteRange, prevKvs } };
    }
    return { responseTxn: openTxn(config, op.responseTxn) };
  };
  return { ...answer, responses: answer.responses.map(open) };
}

/**
 * The store as the API server sees it with encryption at rest: `store` with values sealed on every
 * write (put, a transaction's puts) and opened on every read (range, a transaction's answers, a
 * watch's events). Compares on a value (rare: the API server compares revisions) would see the
 * sealed bytes.
 */
export function encryptingStore(store: StoreClient, config: EncryptionConfig): StoreClient {
  return {
    put: async (request) => {
      const value = request.value && sealValue(config, request.key, request.value);
      const answer = await store.put({ ...request, value });
      return { ...answer, prevKv: openKv(config, answer.prevKv) };
    },
    range: async (request) => {
      const answer = await store.range(request);
      return { ...answer, kvs: answer.kvs.map((kv) => openKv(config, kv)) };
    },
    deleteRange: async (request) => {
      const answer = await store.deleteRange(request);
      return { ...answer, prevKvs: answer.prevKvs.map((kv) => openKv(config, kv)) };
    },
    txn: async (request) => openTxn(config, await store.txn(sealTxn(config, request))),
    compact: (revision) => store.compact(revision),
    watch: (request, handlers: WatchHandlers): ClientWatch =>
      store.watch(request, {
        onResponse: (response) =>
          handlers.onResponse({
            ...response,
            events: response.events.map((event) => ({
              ...event,
              kv: openKv(config, event.kv),
              prevKv: openKv(config, event.prevKv),
            })),
          }),
        onEnd: handlers.onEnd && ((end) => handlers.onEnd!(end)),
      }),
    leaseGrant: (ttl) => store.leaseGrant(ttl),
    leaseKeepAlive: (id) => store.leaseKeepAlive(id),
    leaseRevoke: (id) => store.leaseRevoke(id),
    close: () => store.close(),
  };
}

/** The store the API server uses with --encryption-provider-config: the file read, then applied. */
export function storeWithEncryption(store: StoreClient, configText: string): StoreClient {
  return encryptingStore(store, parseEncryptionConfig(configText));
}
