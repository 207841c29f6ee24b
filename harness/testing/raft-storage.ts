// Chapter 16b's Raft storage as its tests open it: over chapter 02's write-ahead log (the
// reference), in a folder, as a member opens it at every start. A storage that cannot be built
// (a stub still throwing) leaves the log closed, not open behind a failing test.
import { loadReference } from '../components/implementation.ts';
import type { RecordLog, RecordLogContents } from '../contracts/raft-server.ts';

export async function openRaftStorage<Storage>(
  FileRaftStorage: new (log: RecordLog, contents: RecordLogContents) => Storage,
  dir: string,
): Promise<Storage> {
  const { WriteAheadLog } = await loadReference('02', 'wal.ts');
  const { log, replay } = await WriteAheadLog.open(dir);
  try {
    return new FileRaftStorage(log, replay);
  } catch (error) {
    await log.close();
    throw error;
  }
}
