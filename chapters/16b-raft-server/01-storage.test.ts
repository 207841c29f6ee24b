// Raft storage: a member's term, vote, commit index and log in an append-only file, read back
// after a restart, with a torn last write dropped.
import { mkdtempSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { FileRaftStorage, replayRecords } from './raft-storage.ts';

const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kata-16b-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('Raft storage', () => {
  test('records replay in order: the last hard state wins, entries replace the log from their index, a torn line ends it', () => {
    const lines = [
      JSON.stringify({
        entries: [
          { term: 1, index: 1 },
          { term: 1, index: 2, command: 'a' },
        ],
      }),
      JSON.stringify({ hardState: { term: 1, vote: 1, commit: 1 } }),
      JSON.stringify({ entries: [{ term: 2, index: 2, command: 'b' }] }),
      JSON.stringify({ hardState: { term: 2, vote: 3, commit: 2 } }),
      '{"entries":[{"term":2,"ind',
    ];
    const replayed = replayRecords(lines);
    expect(replayed.hardState, 'two hard states were written: the second counts').toEqual({
      term: 2,
      vote: 3,
      commit: 2,
    });
    expect(
      replayed.entries,
      'entry 2 of term 1 replaced by term 2; the torn line is dropped',
    ).toEqual([
      { term: 1, index: 1 },
      { term: 2, index: 2, command: 'b' },
    ]);
    expect(replayRecords([]), 'an empty file: term 0, no vote, nothing committed').toEqual({
      hardState: { term: 0, vote: 0, commit: 0 },
      entries: [],
    });
  });

  test('a member reopening its data directory finds the hard state and log it saved', () => {
    const dir = freshDir();
    const first = new FileRaftStorage(dir);
    first.save({ term: 3, vote: 2, commit: 0 }, [{ term: 3, index: 1 }]);
    first.save(undefined, [{ term: 3, index: 2, command: 'put' }]);
    first.save({ term: 3, vote: 2, commit: 2 }, []);
    first.close();
    appendFileSync(path.join(dir, 'member', 'raft', 'log.jsonl'), '{"hardSt');
    const again = new FileRaftStorage(dir);
    expect(again.hardState(), 'saved term 3, vote 2, commit 2, then reopened').toEqual({
      term: 3,
      vote: 2,
      commit: 2,
    });
    expect(again.entries(), 'saved entries 1 and 2, then reopened after a torn write').toEqual([
      { term: 3, index: 1 },
      { term: 3, index: 2, command: 'put' },
    ]);
    again.save(undefined, [{ term: 4, index: 2 }]);
    again.close();
    expect(new FileRaftStorage(dir).entries(), 'entry 2 replaced after the torn line').toEqual([
      { term: 3, index: 1 },
      { term: 4, index: 2 },
    ]);
  });

  test('a hard state saved alone leaves the log as it was', () => {
    const dir = freshDir();
    const storage = new FileRaftStorage(dir);
    storage.save({ term: 1, vote: 0, commit: 0 }, [{ term: 1, index: 1 }]);
    storage.save({ term: 2, vote: 2, commit: 0 }, []);
    storage.close();
    const again = new FileRaftStorage(dir);
    expect(again.entries(), 'entry 1 saved, then only a new term and vote').toEqual([
      { term: 1, index: 1 },
    ]);
    expect(again.hardState(), 'the second hard state').toEqual({ term: 2, vote: 2, commit: 0 });
    again.close();
  });

  test('save answers a promise of its sync, and syncs nothing when only the commit index changed', async () => {
    const storage = new FileRaftStorage(freshDir());
    const synced = storage.save({ term: 1, vote: 1, commit: 0 }, [{ term: 1, index: 1 }]);
    expect(synced, 'saved a vote and an entry: a promise, settled once synced').toBeInstanceOf(
      Promise,
    );
    await synced;
    expect(
      storage.save({ term: 1, vote: 1, commit: 1 }, []),
      "saved a hard state whose only change is the commit index: written, not synced (etcd's MustSync)",
    ).toBeUndefined();
    storage.close();
  });
});
