import { describe, expect, test } from 'vitest';
import { bytes } from '../../harness/store/bytes.ts';
import { StoreError } from '../../harness/store/errors.ts';
import type { KeyValue, TxnRequest } from '../../harness/store/types.ts';
import { decode, encode } from './codec.ts';
import {
  CompareMessage,
  EventMessage,
  KeyValueMessage,
  LeaseGrantRequestMessage,
  PutRequestMessage,
  RangeRequestMessage,
  TxnRequestMessage,
} from '../../harness/store/wire.ts';

const kv = (overrides: Partial<KeyValue> = {}): KeyValue => ({
  key: bytes('foo'),
  value: bytes('bar'),
  createRevision: 2,
  modRevision: 3,
  version: 2,
  lease: 0n,
  ...overrides,
});

/** Runs `decode` and returns the StoreError it throws. */
function decodeError(run: () => unknown): StoreError {
  try {
    run();
  } catch (error) {
    return error as StoreError;
  }
  throw new Error('expected decoding to fail, but it succeeded');
}

describe('The wire format', () => {
  test('a key-value is written with base64 bytes, 64-bit integers as strings and snake_case names', () => {
    expect(
      encode(KeyValueMessage, kv({ lease: 7n })),
      'encode foo=bar, revisions 2/3, version 2, lease 7',
    ).toEqual({
      key: 'Zm9v',
      create_revision: '2',
      mod_revision: '3',
      version: '2',
      value: 'YmFy',
      lease: '7',
    });
  });

  test('fields are written in the order rpc.proto declares them', () => {
    const json = JSON.stringify(encode(KeyValueMessage, kv({ lease: 7n })));
    expect(json, 'encode a key-value, then JSON.stringify').toBe(
      '{"key":"Zm9v","create_revision":"2","mod_revision":"3","version":"2","value":"YmFy","lease":"7"}',
    );
  });

  test('zero values are left out: no lease, no empty value', () => {
    expect(
      encode(KeyValueMessage, kv({ value: new Uint8Array(0) })),
      'encode foo with an empty value and lease 0',
    ).toEqual({
      key: 'Zm9v',
      create_revision: '2',
      mod_revision: '3',
      version: '2',
    });
  });

  test('enums are written as names, and the zero enum is left out (PUT events have no type)', () => {
    expect(encode(EventMessage, { type: 'PUT', kv: kv() }), 'encode a PUT event').toEqual({
      kv: encode(KeyValueMessage, kv()),
    });
    const deleted = kv({ value: new Uint8Array(0), createRevision: 0, version: 0, modRevision: 4 });
    expect(encode(EventMessage, { type: 'DELETE', kv: deleted }), 'encode a DELETE event').toEqual({
      type: 'DELETE',
      kv: { key: 'Zm9v', mod_revision: '4' },
    });
  });

  test('a oneof member is written even when it is zero', () => {
    const compare = {
      key: bytes('foo'),
      target: 'CREATE' as const,
      result: 'EQUAL' as const,
      createRevision: 0,
    };
    expect(encode(CompareMessage, compare), 'encode "create_revision of foo == 0"').toEqual({
      target: 'CREATE',
      key: 'Zm9v',
      create_revision: '0',
    });
  });

  test('input may use the proto names or their lowerCamel JSON names', () => {
    const snake = decode(RangeRequestMessage, { key: 'Zm9v', range_end: 'Zm9w', keys_only: true });
    const camel = decode(RangeRequestMessage, { key: 'Zm9v', rangeEnd: 'Zm9w', keysOnly: true });
    expect(snake.rangeEnd, 'decode {"range_end":"Zm9w"}').toEqual(bytes('fop'));
    expect(camel, 'decode the same range with camelCase names').toEqual(snake);
  });

  test('64-bit integers are read from numbers or strings, lease IDs exactly as bigint', () => {
    expect(decode(RangeRequestMessage, { key: 'Zm9v', revision: 5 }).revision, 'revision: 5').toBe(
      5,
    );
    expect(
      decode(RangeRequestMessage, { key: 'Zm9v', revision: '5' }).revision,
      'revision: "5"',
    ).toBe(5);
    const put = decode(PutRequestMessage, { key: 'Zm9v', lease: '7587869577374112527' });
    expect(put.lease, 'lease: "7587869577374112527" (63 bits, more than a number holds)').toBe(
      7587869577374112527n,
    );
  });

  test('fields that were not sent are read as their zero values', () => {
    expect(decode(PutRequestMessage, { key: 'Zm9v' }), 'decode {"key":"Zm9v"}').toEqual({
      key: bytes('foo'),
      value: new Uint8Array(0),
      lease: 0n,
      prevKv: false,
      ignoreValue: false,
      ignoreLease: false,
    });
  });

  test('enums are read by name or by number', () => {
    const byName = decode(CompareMessage, { key: 'Zm9v', target: 'MOD', result: 'GREATER' });
    const byNumber = decode(CompareMessage, { key: 'Zm9v', target: 2, result: 1 });
    expect([byName.target, byName.result], 'target "MOD", result "GREATER"').toEqual([
      'MOD',
      'GREATER',
    ]);
    expect([byNumber.target, byNumber.result], 'target 2, result 1').toEqual(['MOD', 'GREATER']);
  });

  test('a txn decodes into nested operations, one oneof member each', () => {
    const json = {
      compare: [{ key: 'Zm9v', target: 'CREATE', createRevision: '0' }],
      success: [{ request_put: { key: 'Zm9v', value: 'YmFy' } }],
      failure: [{ requestRange: { key: 'Zm9v' } }],
    };
    const txn = decode(TxnRequestMessage, json) as TxnRequest;
    expect(Object.keys(txn.success![0]!), 'the success op of a txn holding one put').toEqual([
      'requestPut',
    ]);
    expect(Object.keys(txn.failure![0]!), 'the failure op of a txn holding one range').toEqual([
      'requestRange',
    ]);
    expect(txn.compare![0]!.createRevision, 'compare createRevision "0"').toBe(0);
    expect(encode(TxnRequestMessage, txn), 'encode the decoded txn again').toEqual({
      compare: [{ target: 'CREATE', key: 'Zm9v', create_revision: '0' }],
      success: [{ request_put: { key: 'Zm9v', value: 'YmFy' } }],
      failure: [{ request_range: { key: 'Zm9v' } }],
    });
  });

  test('unknown fields are ignored and null means "not set"', () => {
    const put = decode(PutRequestMessage, { key: 'Zm9v', value: null, colour: 'blue' });
    expect(put.value, 'decode {"value":null,"colour":"blue"}').toEqual(new Uint8Array(0));
    expect(decode(LeaseGrantRequestMessage, null), 'decode null as a lease grant').toEqual({
      ttl: 0,
      id: 0n,
    });
  });

  test('malformed input is refused with InvalidArgument, naming the field', () => {
    const cases: Array<[string, () => unknown, string]> = [
      ['key: "!!!"', () => decode(PutRequestMessage, { key: '!!!' }), 'key'],
      ['key: "Zm9"', () => decode(PutRequestMessage, { key: 'Zm9' }), 'key'],
      ['key: 123', () => decode(PutRequestMessage, { key: 123 }), 'key'],
      [
        'prev_kv: "true"',
        () => decode(PutRequestMessage, { key: 'Zm9v', prev_kv: 'true' }),
        'prev_kv',
      ],
      [
        'revision: 1.5',
        () => decode(RangeRequestMessage, { key: 'Zm9v', revision: 1.5 }),
        'revision',
      ],
      [
        'revision: "abc"',
        () => decode(RangeRequestMessage, { key: 'Zm9v', revision: 'abc' }),
        'revision',
      ],
      [
        'sort_order: "BOGUS"',
        () => decode(RangeRequestMessage, { key: 'Zm9v', sort_order: 'BOGUS' }),
        'sort_order',
      ],
      ['a list for a message', () => decode(PutRequestMessage, []), 'PutRequest'],
      ['success: {}', () => decode(TxnRequestMessage, { success: {} }), 'success'],
      [
        'success[0].request_put.key: 5',
        () => decode(TxnRequestMessage, { success: [{ request_put: { key: 5 } }] }),
        'success[0].request_put.key',
      ],
    ];
    for (const [input, run, field] of cases) {
      const error = decodeError(run);
      expect(error, `decode ${input}: expected a StoreError`).toBeInstanceOf(StoreError);
      expect(error.code, `decode ${input}: expected code 3 (InvalidArgument)`).toBe(3);
      expect(error.message, `decode ${input}: the message should name ${field}`).toContain(field);
    }
  });

  test('requests nested absurdly deep are refused, not followed until the stack runs out', () => {
    let txn: unknown = {};
    for (let i = 0; i < 10_000; i++) txn = { success: [{ request_txn: txn }] };
    const error = decodeError(() => decode(TxnRequestMessage, txn));
    expect(error.code, 'decode a txn nested 10,000 levels deep').toBe(3);
  });
});
