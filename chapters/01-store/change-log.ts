// The change log: every change the store made, one entry per revision, and the watchers following it.
//
// A *change* is everything one write transaction did: its revision and its events (a PUT with the
// key's new state, or a DELETE). A *watcher* asks for the changes to an interval of keys from a
// start revision on. If the start is in the past, the watcher first replays the log; from then on
// it hears each new change as it is appended. Either way it hears each revision once, in order.
//
// Watch out for listeners that write to the store (a controller reacting to an event does exactly
// that): the write comes back into `append` while another change is still being delivered. The
// lesson's "Watches" section explains how to keep every watcher's order intact anyway.
import type { KeyValue, WatchResponse, Watcher } from '../../harness/store/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { KeyInterval } from './key-index.ts';

/** What one watcher asked for. */
export interface WatchFilter {
  interval: KeyInterval;
  /** Add each event's previous state of the key. */
  prevKv: boolean;
  noPut: boolean;
  noDelete: boolean;
}

/** Reads a key as it was just before `revision`; undefined if it did not exist or was compacted. */
export type ReadBefore = (key: Uint8Array, revision: number) => KeyValue | undefined;

export class ChangeLog {
  constructor(readBefore: ReadBefore) {
    // Keep readBefore (for prevKv), the changes in revision order, and the live watchers.
  }

  /**
   * Records a change and delivers it to every live watcher: only the events in the watcher's
   * interval and not filtered out, with prevKv when asked (none for a key the change created, whose
   * createRevision is its modRevision), and no call at all when no event is left.
   */
  append(change: WatchResponse): void {
    throw new NotImplemented('ChangeLog.append', '§ Watches');
  }

  /**
   * Starts a watcher: replays every logged change from `startRevision` on (inclusive) before
   * returning, then delivers new changes as they are appended, each revision exactly once, in order.
   * `cancel()` on the returned watcher stops it, and may be called more than once.
   */
  watch(
    filter: WatchFilter,
    startRevision: number,
    listener: (response: WatchResponse) => void,
  ): Watcher {
    throw new NotImplemented('ChangeLog.watch', '§ Watches');
  }

  /** Every change after `revision`, oldest first. */
  after(revision: number): WatchResponse[] {
    throw new NotImplemented('ChangeLog.after', '§ Snapshots');
  }

  /**
   * Forgets the changes before `revision`. Of the change at `revision` only what still shows in the
   * store survives (`survivors`, worked out by the store): a key deleted then has nothing left.
   */
  compact(revision: number, survivors: WatchResponse | undefined): void {
    throw new NotImplemented('ChangeLog.compact', '§ Compaction');
  }
}
