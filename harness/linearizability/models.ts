// Sequential specifications for the checker (check.ts): what one register, or a key-value store of
// independent keys, answers when operations come one at a time. A test records what its clients
// saw against a store and asks whether some one-at-a-time order explains it.
import type { Model, Operation } from './check.ts';

/** A register's operations: write a value, or read one (output: what was read; '' if never written). */
export type RegisterInput = { op: 'write'; value: string } | { op: 'read' };
export type RegisterOutput = { value?: string };

export const registerModel: Model<string, RegisterInput, RegisterOutput> = {
  init: () => '',
  step: (state, input, output) =>
    input.op === 'write'
      ? { legal: true, state: input.value }
      : { legal: output.value === state, state },
  describe: (input, output) =>
    input.op === 'write'
      ? `write ${JSON.stringify(input.value)}`
      : `read → ${JSON.stringify(output.value)}`,
};

/**
 * A key-value store's operations, as etcd's put and range on one key, plus an append (6.5840's
 * key-value service has one; it makes orders visible in the value). A get of a missing key reads ''.
 */
export interface KvInput {
  op: 'get' | 'put' | 'append';
  key: string;
  value?: string;
}
export interface KvOutput {
  value?: string;
}

export const kvModel: Model<string, KvInput, KvOutput> = {
  init: () => '',
  step: (state, input, output) => {
    if (input.op === 'get') return { legal: output.value === state, state };
    if (input.op === 'put') return { legal: true, state: input.value ?? '' };
    return { legal: true, state: state + (input.value ?? '') };
  },
  /** Keys are independent: one part per key, each checked on its own. */
  partition: (history) => {
    const byKey = new Map<string, Operation<KvInput, KvOutput>[]>();
    for (const operation of history) {
      byKey.set(operation.input.key, [...(byKey.get(operation.input.key) ?? []), operation]);
    }
    return [...byKey.values()];
  },
  describe: (input, output) =>
    input.op === 'get'
      ? `get ${input.key} → ${JSON.stringify(output.value)}`
      : `${input.op} ${input.key} ${JSON.stringify(input.value)}`,
};
