// The member server's peer transport: Appends that continue one another travel as one.
import { describe, expect, test } from 'vitest';
import type { Message } from '../contracts/raft.ts';
import { coalesceAppends } from './member-server.ts';

const append = (index: number, entries: number[], commit: number, extra: Partial<Message> = {}) =>
  ({
    type: 'Append',
    from: 1,
    to: 2,
    term: 3,
    index,
    logTerm: 3,
    entries: entries.map((at) => ({ term: 3, index: at })),
    commit,
    ...extra,
  }) as Message;

describe('coalesceAppends', () => {
  test('joins Appends that continue one another, with the later commit index', () => {
    const joined = coalesceAppends([append(4, [5], 4), append(5, [6], 5), append(6, [], 6)]);
    expect(joined, 'entries 5, then 6, then a heartbeat with commit 6').toEqual([
      append(4, [5, 6], 6),
    ]);
  });

  test("keeps apart what does not continue: a gap, another term, a read's context, another type", () => {
    const batch = [
      append(4, [5], 4),
      append(7, [8], 4),
      append(8, [9], 4, { term: 4 }),
      append(9, [], 4, { term: 4, context: 'read-1' }),
      { type: 'TimeoutNow', from: 1, to: 2, term: 4, index: 0, logTerm: 0 } as Message,
    ];
    expect(coalesceAppends(batch), 'five messages, none continuing the one before').toEqual(batch);
  });
});
