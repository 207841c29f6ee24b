// Raft storage: a member's term, vote, commit index and log as records of chapter 02's
// write-ahead log, read back after a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { openRaftStorage } from '../../harness/testing/raft-storage.ts';
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

/** The storage over chapter 02's write-ahead log (the reference), opened in `dir`. */
const openStorage = (dir: string) => openRaftStorage(FileRaftStorage, dir);

describe('Raft storage', () => {
  test('records replay in order: the last hard state wins, entries replace the log from their index', () => {
    const records = [
      {
        entries: [
          { term: 1, index: 1 },
          { term: 1, index: 2, command: 'a' },
        ],
      },
      { hardState: { term: 1, vote: 1, commit: 1 } },
      { entries: [{ term: 2, index: 2, command: 'b' }] },
      { hardState: { term: 2, vote: 3, commit: 2 } },
    ];
    const replayed = replayRecords(records);
    expect(replayed.hardState, 'two hard states were written: the second counts').toEqual({
      term: 2,
      vote: 3,
      commit: 2,
    });
    expect(replayed.entries, 'entry 2 of term 1 replaced by entry 2 of term 2').toEqual([
      { term: 1, index: 1 },
      { term: 2, index: 2, command: 'b' },
    ]);
    expect(replayRecords([]), 'no records: term 0, no vote, nothing committed').toEqual({
      hardState: { term: 0, vote: 0, commit: 0 },
      entries: [],
    });
    const start = { hardState: { term: 1, vote: 1, commit: 4 }, entries: [{ term: 1, index: 5 }] };
    expect(
      replayRecords([{ entries: [{ term: 1, index: 6 }] }], start),
      "records replayed after a snapshot's hard state and entry 5",
    ).toEqual({ hardState: start.hardState, entries: [start.entries[0], { term: 1, index: 6 }] });
  });

  test('a member reopening its data directory finds the hard state and log it saved', async () => {
    const dir = freshDir();
    const first = await openStorage(dir);
    first.save({ term: 3, vote: 2, commit: 0 }, [{ term: 3, index: 1 }]);
    first.save(undefined, [{ term: 3, index: 2, command: 'put' }]);
    first.save({ term: 3, vote: 2, commit: 2 }, []);
    first.save(undefined, [{ term: 3, index: 3 }]);
    await first.close();
    const again = await openStorage(dir);
    expect(
      again.hardState(),
      'saved term 3, vote 2, commit 2 (with entry 3), then reopened',
    ).toEqual({
      term: 3,
      vote: 2,
      commit: 2,
    });
    expect(again.entries(), 'saved entries 1, 2 and 3, then reopened').toEqual([
      { term: 3, index: 1 },
      { term: 3, index: 2, command: 'put' },
      { term: 3, index: 3 },
    ]);
    again.save(undefined, [{ term: 4, index: 2 }]);
    await again.close();
    const third = await openStorage(dir);
    expect(third.entries(), 'entry 2 of term 4 saved: it replaced entries 2 and 3').toEqual([
      { term: 3, index: 1 },
      { term: 4, index: 2 },
    ]);
    await third.close();
  });

  test('a hard state saved alone leaves the log as it was', async () => {
    const dir = freshDir();
    const storage = await openStorage(dir);
    storage.save({ term: 1, vote: 0, commit: 0 }, [{ term: 1, index: 1 }]);
    storage.save({ term: 2, vote: 2, commit: 0 }, []);
    await storage.close();
    const again = await openStorage(dir);
    expect(again.entries(), 'entry 1 saved, then only a new term and vote').toEqual([
      { term: 1, index: 1 },
    ]);
    expect(again.hardState(), 'the second hard state').toEqual({ term: 2, vote: 2, commit: 0 });
    await again.close();
  });

  test('save answers a promise of the sync, and writes nothing when only the commit index changed', async () => {
    const storage = await openStorage(freshDir());
    const synced = storage.save({ term: 1, vote: 1, commit: 0 }, [{ term: 1, index: 1 }]);
    expect(synced, 'saved a vote and an entry: a promise, settled once synced').toBeInstanceOf(
      Promise,
    );
    await synced;
    expect(
      storage.save({ term: 1, vote: 1, commit: 1 }, []),
      "saved a hard state whose only change is the commit index: nothing to sync (etcd's MustSync)",
    ).toBeUndefined();
    expect(storage.hardState().commit, 'the commit index is kept in memory all the same').toBe(1);
    await storage.close();
  });
});
