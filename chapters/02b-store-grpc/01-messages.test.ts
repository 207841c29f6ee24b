import { describe, expect, test } from 'vitest';
import { bytes } from '../../harness/store/bytes.ts';
import {
  compareOf,
  deleteRangeRequestOf,
  eventMessage,
  eventOf,
  headerMessage,
  idOf,
  keyValueMessage,
  keyValueOf,
  numberOf,
  putRequestOf,
  rangeRequestOf,
  txnRequestOf,
  txnResponseMessage,
  watchRequestOf,
} from './messages.ts';

const kv = {
  key: bytes('foo'),
  value: bytes('bar'),
  createRevision: 2,
  modRevision: 3,
  version: 2,
  lease: 7587868837034186266n,
};

describe('Messages', () => {
  test('64-bit integers arrive as decimal strings: revisions become numbers, lease IDs bigints', () => {
    expect(numberOf('42'), 'numberOf("42")').toBe(42);
    expect(numberOf(undefined), 'numberOf(absent): proto3 leaves zero out').toBe(0);
    expect(idOf('7587868837034186266'), 'idOf keeps all 64 bits').toBe(7587868837034186266n);
    expect(idOf(undefined), 'idOf(absent)').toBe(0n);
  });

  test('a key-value goes on the wire with its lease as a string and its zero fields left out', () => {
    expect(keyValueMessage(kv), 'keyValueMessage of foo=bar on a lease').toEqual({
      key: bytes('foo'),
      value: bytes('bar'),
      createRevision: 2,
      modRevision: 3,
      version: 2,
      lease: '7587868837034186266',
    });
    const deleted = { ...kv, value: new Uint8Array(), createRevision: 0, version: 0, lease: 0n };
    expect(keyValueMessage(deleted), "a DELETE event's kv: only the key and modRevision").toEqual({
      key: bytes('foo'),
      modRevision: 3,
    });
  });

  test('keyValueOf reads a key-value back with every field filled in', () => {
    expect(keyValueOf(keyValueMessage(kv)), 'keyValueOf(keyValueMessage(kv))').toEqual(kv);
    expect(keyValueOf({ key: bytes('k') }), 'keyValueOf of a bare key').toEqual({
      key: bytes('k'),
      value: new Uint8Array(),
      createRevision: 0,
      modRevision: 0,
      version: 0,
      lease: 0n,
    });
  });

  test('an event carries its type, its kv, and prev_kv when there is one', () => {
    const put = { type: 'PUT' as const, kv, prevKv: { ...kv, value: bytes('old') } };
    const message = eventMessage(put);
    expect(message.type, 'eventMessage of a PUT: its type').toBe('PUT');
    expect(message.prevKv?.value, 'eventMessage of a PUT with prev_kv').toEqual(bytes('old'));
    expect(eventOf(message), 'eventOf(eventMessage(event))').toEqual(put);
    const deleted = eventOf({ type: 'DELETE', kv: { key: bytes('k'), modRevision: '4' } });
    expect(deleted.prevKv, 'a DELETE without prev_kv has none').toBeUndefined();
  });

  test("the header carries the member's IDs as strings, the revision and raft term 1", () => {
    const header = headerMessage({ clusterId: 1n, memberId: 18446744073709551615n }, 7);
    expect(header, 'headerMessage at revision 7').toEqual({
      clusterId: '1',
      memberId: '18446744073709551615',
      revision: 7,
      raftTerm: 1,
    });
  });

  test("a range request becomes the store's; sorting other than by key is refused", () => {
    const request = rangeRequestOf({ key: bytes('a'), rangeEnd: bytes('b'), limit: '2' });
    expect(request, 'rangeRequestOf a..b limit 2').toEqual({
      key: bytes('a'),
      rangeEnd: bytes('b'),
      limit: 2,
      revision: 0,
      keysOnly: false,
      countOnly: false,
    });
    const ascending = () => rangeRequestOf({ key: bytes('a'), sortOrder: 'ASCEND' });
    expect(ascending, 'ascending by key is key order: accepted').not.toThrow();
    const byValue = () => rangeRequestOf({ key: bytes('a'), sortTarget: 'VALUE' });
    expect(byValue, 'sort by value throws "not supported"').toThrow(/not supported/);
  });

  test('a put request carries its lease as a bigint', () => {
    const request = putRequestOf({ key: bytes('k'), lease: '12', prevKv: true });
    expect(request, 'putRequestOf with lease "12"').toEqual({
      key: bytes('k'),
      value: new Uint8Array(),
      lease: 12n,
      prevKv: true,
      ignoreValue: false,
      ignoreLease: false,
    });
  });

  test("delete and watch requests become the store's, with their zero fields filled in", () => {
    expect(deleteRangeRequestOf({ key: bytes('a') }), 'deleteRangeRequestOf key a').toEqual({
      key: bytes('a'),
      rangeEnd: undefined,
      prevKv: false,
    });
    const watch = watchRequestOf({ key: bytes('a'), startRevision: '3', filters: ['NOPUT'] });
    expect(watch, 'watchRequestOf from revision 3 without puts').toEqual({
      key: bytes('a'),
      rangeEnd: undefined,
      startRevision: 3,
      prevKv: false,
      filters: ['NOPUT'],
    });
  });

  test('a compare takes its operand from the field its target names; absent compares with zero', () => {
    const mod = compareOf({ key: bytes('k'), target: 'MOD', result: 'LESS', modRevision: '5' });
    expect(mod, 'MOD < 5').toEqual({
      key: bytes('k'),
      target: 'MOD',
      result: 'LESS',
      modRevision: 5,
    });
    const version = compareOf({ key: bytes('k') });
    expect(version, 'a compare with nothing set: VERSION = 0').toEqual({
      key: bytes('k'),
      target: 'VERSION',
      result: 'EQUAL',
      version: 0,
    });
  });

  test("a txn request becomes the store's, nested txns included; an empty operation is refused", () => {
    const request = txnRequestOf({
      compare: [{ key: bytes('k'), target: 'VALUE', value: bytes('v') }],
      success: [{ request: 'requestTxn', requestTxn: { failure: [] } }],
      failure: [{ request: 'requestPut', requestPut: { key: bytes('k') } }],
    });
    expect(request.success, 'the success branch: one nested txn').toEqual([
      { requestTxn: { compare: [], success: [], failure: [] } },
    ]);
    expect(Object.keys(request.failure![0]!), 'the failure branch: one put').toEqual([
      'requestPut',
    ]);
    const empty = () => txnRequestOf({ success: [{}] });
    expect(empty, 'an operation with no request throws "key is not provided"').toThrow(
      'etcdserver: key is not provided',
    );
  });

  test("a txn's responses carry headers with only their revision; a nested txn's own is empty", () => {
    const response = txnResponseMessage(
      {
        header: { revision: 4 },
        succeeded: true,
        responses: [
          { responsePut: { header: { revision: 4 } } },
          { responseTxn: { header: { revision: 4 }, succeeded: false, responses: [] } },
        ],
      },
      { revision: 4 },
    );
    expect(response.responses, 'txnResponseMessage of a put and a nested txn').toEqual([
      { responsePut: { header: { revision: 4 } } },
      { responseTxn: { header: {}, succeeded: false, responses: [] } },
    ]);
  });
});
