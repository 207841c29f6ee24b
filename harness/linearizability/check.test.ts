// The checker on histories whose answer is known: small ones worked out by hand (the classic
// examples of a register), key-value histories split by key, and long random histories made
// linearizable by construction, then broken by one stale read.
import { describe, expect, test } from 'vitest';
import { seededRandom } from '../testing/random.ts';
import { checkOperations, describeHistory, type Operation } from './check.ts';
import {
  kvModel,
  registerModel,
  type KvInput,
  type KvOutput,
  type RegisterInput,
  type RegisterOutput,
} from './models.ts';

type RegisterOperation = Operation<RegisterInput, RegisterOutput>;

const write = (client: number, value: string, call: number, ret: number): RegisterOperation => ({
  client,
  input: { op: 'write', value },
  call,
  output: {},
  return: ret,
});
const read = (client: number, value: string, call: number, ret: number): RegisterOperation => ({
  client,
  input: { op: 'read' },
  call,
  output: { value },
  return: ret,
});

function kv(client: number, input: KvInput, value: string | undefined, call: number, ret: number) {
  return {
    client,
    input,
    call,
    output: value === undefined ? {} : { value },
    return: ret,
  } as Operation<KvInput, KvOutput>;
}

describe('The linearizability checker', () => {
  test('an empty history and a sequential one that reads what was written are linearizable', () => {
    expect(checkOperations(registerModel, []).result, 'no operations').toBe('ok');
    const history = [
      write(0, 'a', 0, 1),
      read(1, 'a', 2, 3),
      write(0, 'b', 4, 5),
      read(1, 'b', 6, 7),
    ];
    expect(checkOperations(registerModel, history).result, 'write a, read a, write b, read b').toBe(
      'ok',
    );
  });

  test('a read after a write returned must see it (or a later write): a stale read is illegal', () => {
    const stale = [write(0, 'a', 0, 1), write(0, 'b', 2, 3), read(1, 'a', 4, 5)];
    expect(checkOperations(registerModel, stale).result, 'write a, write b, then read a').toBe(
      'illegal',
    );
    const ghost = [write(0, 'a', 0, 1), read(1, 'z', 2, 3)];
    expect(checkOperations(registerModel, ghost).result, 'read of a value nobody wrote').toBe(
      'illegal',
    );
  });

  test('a read concurrent with a write may see the old value or the new one', () => {
    for (const seen of ['', 'a']) {
      const history = [write(0, 'a', 0, 10), read(1, seen, 2, 5)];
      expect(
        checkOperations(registerModel, history).result,
        `read during write a sees "${seen}"`,
      ).toBe('ok');
    }
  });

  test('two reads during one write: once one saw the new value, a read called after it returned cannot see the old', () => {
    const good = [write(0, '100', 0, 100), read(1, '100', 25, 75), read(2, '', 30, 60)];
    expect(
      checkOperations(registerModel, good).result,
      'read "" at [30,60] may go before read 100 at [25,75]',
    ).toBe('ok');
    const bad = [write(0, '200', 0, 100), read(1, '200', 10, 30), read(2, '', 40, 90)];
    expect(
      checkOperations(registerModel, bad).result,
      'read 200 returned at 30, then read "" called at 40',
    ).toBe('illegal');
  });

  test('the search backs up: an order that fails later is undone and another is tried', () => {
    const history = [
      write(0, 'a', 0, 10),
      write(1, 'b', 0, 10),
      read(2, 'a', 11, 12),
      read(2, 'a', 13, 14),
    ];
    expect(
      checkOperations(registerModel, history).result,
      'two concurrent writes, then reads of a: b went first',
    ).toBe('ok');
    const impossible = [...history, read(3, 'b', 15, 16)];
    expect(
      checkOperations(registerModel, impossible).result,
      'then a read of b, after both writes',
    ).toBe('illegal');
  });

  test('a key-value history is checked key by key; the report names the part that fails', () => {
    const history = [
      kv(0, { op: 'put', key: 'x', value: '1' }, undefined, 0, 1),
      kv(1, { op: 'append', key: 'y', value: 'a' }, undefined, 0, 5),
      kv(2, { op: 'append', key: 'y', value: 'b' }, undefined, 0, 5),
      kv(0, { op: 'get', key: 'y' }, 'ba', 6, 7),
      kv(1, { op: 'get', key: 'x' }, '1', 2, 3),
    ];
    expect(checkOperations(kvModel, history).result, 'x put then read; y appended b then a').toBe(
      'ok',
    );
    const broken = [...history, kv(2, { op: 'get', key: 'x' }, '', 8, 9)];
    const checked = checkOperations(kvModel, broken);
    expect(checked.result, 'x read as missing after its put returned').toBe('illegal');
    const report = checked.result === 'illegal' ? describeHistory(kvModel, checked.part) : '';
    expect(report, 'the failing part is key x alone').toBe(
      'client 0 [0, 1] put x "1"\nclient 1 [2, 3] get x → "1"\nclient 2 [8, 9] get x → ""',
    );
  });

  test('long random histories, linearizable by construction, pass; one stale read at the end fails them', () => {
    for (const seed of [1, 2, 3]) {
      const history = randomHistory(seed, 5, 80);
      expect(
        checkOperations(registerModel, history).result,
        `seed ${seed}: 400 operations of 5 clients`,
      ).toBe('ok');
      const end = Math.max(...history.map((operation) => operation.return));
      const stale = [
        ...history,
        write(5, 'last', end + 1, end + 2),
        read(5, 'first', end + 3, end + 4),
      ];
      expect(checkOperations(registerModel, stale).result, `seed ${seed}: then a stale read`).toBe(
        'illegal',
      );
    }
  });

  test('a history whose operation returns before its call is refused', () => {
    expect(
      () => checkOperations(registerModel, [read(7, '', 5, 4)]),
      'an operation at [5, 4]',
    ).toThrow('an operation of client 7 returns before it is called');
  });
});

/**
 * `clients` clients, each doing `count` operations one after another on one register, with random
 * durations; each operation takes effect at a random instant inside its interval, and reads answer
 * what the register held then. The first write is 'first'.
 */
function randomHistory(seed: number, clients: number, count: number): RegisterOperation[] {
  const random = seededRandom(seed);
  const planned: { operation: RegisterOperation; at: number }[] = [];
  for (let client = 0; client < clients; client++) {
    let time = client === 0 ? 0 : 2;
    for (let i = 0; i < count; i++) {
      const call = time + Math.floor(random() * 3);
      const ret = call + 1 + Math.floor(random() * 10);
      const at = call + random() * (ret - call);
      const isWrite = (client === 0 && i === 0) || random() < 0.4;
      const value = client === 0 && i === 0 ? 'first' : `${client}.${i}`;
      planned.push({
        operation: isWrite ? write(client, value, call, ret) : read(client, '', call, ret),
        at,
      });
      time = ret + 1;
    }
  }
  planned.sort((a, b) => a.at - b.at);
  let register = '';
  for (const { operation } of planned) {
    if (operation.input.op === 'write') register = operation.input.value;
    else operation.output = { value: register };
  }
  return planned.map(({ operation }) => operation);
}
