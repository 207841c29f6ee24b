// Secrets at rest: the API server's EncryptionConfiguration, AES-GCM values with kube's prefix, and
// the store client that seals what goes to the store and opens what comes back.
import { describe, expect, test } from 'vitest';
import { bytes, text } from '../../harness/store/bytes.ts';
import { MemoryStoreClient } from '../../harness/testing/memory-store-client.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import { Store } from '../../solutions/01-store/store.ts';
import {
  decryptValue,
  encryptValue,
  openValue,
  parseEncryptionConfig,
  sealValue,
  storeWithEncryption,
  type EncryptionConfig,
} from './encryption.ts';

const secret = Buffer.alloc(32, 7).toString('base64');
const configText = `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets]
    providers:
      - aesgcm:
          keys:
            - name: key1
              secret: ${secret}
      - identity: {}
`;

const secretKey = bytes('/registry/secrets/default/db');
const configMapKey = bytes('/registry/configmaps/default/app');

describe('Secrets at rest', () => {
  test("an EncryptionConfiguration names each resource's providers, in order", () => {
    const config = parseEncryptionConfig(configText);
    expect([...config.keys()], 'the resources configured').toEqual(['secrets']);
    expect(
      config.get('secrets'),
      "the secrets' providers: aesgcm with key1, then identity",
    ).toEqual([{ aesgcm: [{ name: 'key1', secret: Buffer.alloc(32, 7) }] }, { identity: true }]);
  });

  test('another kind, an unknown provider or a key of the wrong length is an error saying so', () => {
    expect(
      () => parseEncryptionConfig('kind: Pod'),
      'a file of kind Pod throws "kind must be EncryptionConfiguration"',
    ).toThrow('kind must be EncryptionConfiguration');
    expect(
      () => parseEncryptionConfig(configText.replace('aesgcm:', 'kms:')),
      'a kms provider throws "provider kms is not supported here (aesgcm, identity)"',
    ).toThrow('provider kms is not supported here (aesgcm, identity)');
    expect(
      () => parseEncryptionConfig(configText.replace(secret, Buffer.alloc(10).toString('base64'))),
      'a 10-byte key throws "secret is not of the expected length, got 10, expected one of [16 24 32]"',
    ).toThrow('secret is not of the expected length, got 10, expected one of [16 24 32]');
  });

  test('aesgcm writes k8s:enc:aesgcm:v1:<key>: then nonce, ciphertext and tag, bound to the etcd key', () => {
    const key = { name: 'key1', secret: Buffer.alloc(32, 7) };
    const sealed = encryptValue(key, bytes('{"data":"x"}'), secretKey);
    const prefix = 'k8s:enc:aesgcm:v1:key1:';
    expect(
      Buffer.from(sealed.subarray(0, prefix.length)).toString(),
      'the start of an encrypted value',
    ).toBe(prefix);
    expect(sealed.length, 'its length: prefix, 12-byte nonce, 12 bytes sealed, 16-byte tag').toBe(
      prefix.length + 12 + 12 + 16,
    );
    const body = sealed.subarray(prefix.length);
    expect(text(decryptValue(key, body, secretKey)), 'decrypting it under the same etcd key').toBe(
      '{"data":"x"}',
    );
    expect(
      () => decryptValue(key, body, bytes('/registry/secrets/default/other')),
      'decrypting it under another etcd key throws',
    ).toThrow();
    expect(
      encryptValue(key, bytes('x'), secretKey),
      'two encryptions of the same value (a fresh nonce each)',
    ).not.toEqual(encryptValue(key, bytes('x'), secretKey));
  });

  test('a write uses the first provider: aesgcm seals a Secret; identity, or a resource not configured, stays plain', () => {
    const config = parseEncryptionConfig(configText);
    const sealed = sealValue(config, secretKey, bytes('hello'));
    expect(text(sealed).startsWith('k8s:enc:aesgcm:v1:key1:'), 'a Secret sealed').toBe(true);
    expect(
      text(sealValue(config, configMapKey, bytes('cm'))),
      'a ConfigMap (not configured) sealed',
    ).toBe('cm');
    const identityFirst: EncryptionConfig = new Map([['secrets', [{ identity: true }]]]);
    expect(
      text(sealValue(identityFirst, secretKey, bytes('plain'))),
      'sealed with identity first',
    ).toBe('plain');
  });

  test('a read finds the key by its prefix, takes plain text with identity, and refuses an unknown prefix', () => {
    const config = parseEncryptionConfig(configText);
    const sealed = sealValue(config, secretKey, bytes('hello'));
    expect(text(openValue(config, secretKey, sealed)), 'the sealed Secret opened').toBe('hello');
    expect(
      text(openValue(config, secretKey, bytes('{"plain":1}'))),
      'a Secret written before encryption, opened',
    ).toBe('{"plain":1}');
    expect(
      () => openValue(config, secretKey, bytes('k8s:enc:aesgcm:v1:key9:xxxx')),
      'a value sealed with an unknown key9 throws "no matching prefix found"',
    ).toThrow('no matching prefix found');
    const aesOnly: EncryptionConfig = new Map([['secrets', config.get('secrets')!.slice(0, 1)]]);
    expect(
      () => openValue(aesOnly, secretKey, bytes('{"plain":1}')),
      'plain text with no identity provider throws',
    ).toThrow('no matching prefix found');
  });

  test('the encrypting store seals a put: the store holds ciphertext, a range through it reads plain text', async () => {
    const raw = new Store();
    const store = storeWithEncryption(new MemoryStoreClient(raw), configText);
    await store.put({ key: secretKey, value: bytes('v1') });
    expect(
      text(raw.range({ key: secretKey }).kvs[0]!.value).startsWith('k8s:enc:aesgcm:v1:key1:'),
      'the raw store after a put through the encrypting store',
    ).toBe(true);
    expect(text((await store.range({ key: secretKey })).kvs[0]!.value), 'a range through it').toBe(
      'v1',
    );
    const previous = await store.put({ key: secretKey, value: bytes('v2'), prevKv: true });
    expect(text(previous.prevKv!.value), "a second put's prevKv").toBe('v1');
    await store.close();
  });

  test("a transaction's puts are sealed and its reads opened", async () => {
    const raw = new Store();
    const store = storeWithEncryption(new MemoryStoreClient(raw), configText);
    const answer = await store.txn({
      success: [
        { requestPut: { key: secretKey, value: bytes('v2') } },
        { requestRange: { key: secretKey } },
      ],
    });
    const read = answer.responses[1]!;
    expect(
      'responseRange' in read && text(read.responseRange.kvs[0]!.value),
      'a transaction that puts v2 and reads it back',
    ).toBe('v2');
    expect(
      text(raw.range({ key: secretKey }).kvs[0]!.value).includes('v2'),
      'the raw value after the transaction shows v2',
    ).toBe(false);
    const deleted = await store.deleteRange({ key: secretKey, prevKv: true });
    expect(text(deleted.prevKvs[0]!.value), "a delete's prevKvs").toBe('v2');
    await store.close();
  });

  test('a watch through the encrypting store delivers plain values', async () => {
    const store = storeWithEncryption(new MemoryStoreClient(new Store()), configText);
    const seen: string[] = [];
    const watch = store.watch(
      { key: secretKey },
      { onResponse: (r) => seen.push(...r.events.map((e) => text(e.kv.value))) },
    );
    await watch.created;
    await store.put({ key: secretKey, value: bytes('v1') });
    await store.put({ key: secretKey, value: bytes('v2') });
    await waitFor(() => seen.length === 2, 'the watch saw both writes');
    expect(seen, 'the values the watch delivered').toEqual(['v1', 'v2']);
    watch.cancel();
    await store.close();
  });
});
