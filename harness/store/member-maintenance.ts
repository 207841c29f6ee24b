// etcd's Maintenance calls that a replicated member answers for itself, as each etcd member does:
// Alarm, Defragment and HashKV on their JSON routes (/v3/maintenance/alarm, /defragment, /hash and
// /hashkv; etcd 3.4's gateway serves HashKV on /hash) and the file the Snapshot stream sends. The
// member's local store (chapter 02's server) has none of these routes, so they are answered here,
// under the member's header (cluster, member, raft term, and the store's revision):
//   - HashKV hashes the member's own store at a revision as chapter 02b's hashAt does (CRC-32 over
//     each live key, its value and revisions), so members that applied the same log answer the
//     same hash, what `etcdctl endpoint hashkv` is for (etcd hashes its database file instead);
//   - Snapshot is chapter 02b's snapshot file of the member's store, which a new store can start
//     from (`kata run store --restore-from`); without chapter 02b, it is Unimplemented.
//   - Defragment has nothing to do: the kata store keeps no database file with free pages.
//   - Alarms are kept by the member in memory. etcd proposes ACTIVATE and DEACTIVATE through Raft so
//     every member lists them; the kata store never raises an alarm by itself (it has no quota), so
//     a member lists only the alarms raised on it, until it restarts.
import { crc32 } from 'node:zlib';
import type { Applied } from '../contracts/raft-server.ts';
import type { MvccStore, StoreSnapshot } from './types.ts';

/** The member's store in this process (components/store.ts), for the calls it answers itself. */
export interface MemberStore {
  /** The store now: loading a Raft snapshot replaces it. */
  current(): MvccStore;
  /** Chapter 02b's writeSnapshotFile (snapshot-file.ts); absent without chapter 02b. */
  snapshotFile?: (snapshot: StoreSnapshot) => Uint8Array;
}

/** A snapshot file and the header it goes out under. */
export interface MemberSnapshot {
  header: Record<string, string>;
  file: Uint8Array;
}

/** gRPC's Unimplemented, as HTTP 501. */
function unimplemented(call: string, needs: string): Applied {
  const message = `etcdserver: ${call} is not served by this member: it needs ${needs}`;
  return { status: 501, body: JSON.stringify({ error: message, code: 12, message }) };
}

/** A store's refusal (a StoreError: a compacted revision) as etcd's JSON error body. */
function refused(error: unknown): Applied {
  const { code, message } = error as { code?: number; message?: string };
  const status = code === 11 || code === 3 ? 400 : 500; // the gateway's 400s
  const text = message ?? String(error);
  return { status, body: JSON.stringify({ error: text, code: code ?? 13, message: text }) };
}

/** The hash of the keys live at `revision`, as chapter 02b's hashAt computes it. */
function hashAt(store: MvccStore, revision: number): number {
  const all = new Uint8Array([0]);
  let hash = 0;
  for (const kv of store.range({ key: all, rangeEnd: all, revision }).kvs) {
    hash = crc32(kv.key, hash);
    hash = crc32(kv.value, hash);
    hash = crc32(`${kv.createRevision}/${kv.modRevision}/${kv.version}/${kv.lease}`, hash);
  }
  return hash;
}

/** An AlarmRequest's action or alarm, given by name or by number as protobuf's JSON allows. */
function enumName(value: unknown, names: string[]): string {
  return typeof value === 'number' ? (names[value] ?? String(value)) : String(value ?? names[0]);
}

export class MemberMaintenance {
  /** The alarms raised on this member, as "memberID:alarm". */
  private readonly alarms = new Set<string>();

  /** The member's header: cluster_id, member_id, raft_term. */
  private readonly header: () => Record<string, string>;
  private readonly store: MemberStore | undefined;

  constructor(header: () => Record<string, string>, store: MemberStore | undefined) {
    this.header = header;
    this.store = store;
  }

  /** Whether `path` is one of the routes answered here. */
  static serves(path: string): boolean {
    return ['alarm', 'defragment', 'hash', 'hashkv'].some(
      (call) => path === `/v3/maintenance/${call}`,
    );
  }

  /** The answer to a POST on one of the routes above. */
  answer(path: string, body: string): Applied {
    let request: Record<string, unknown>;
    try {
      request = JSON.parse(body || '{}') as Record<string, unknown>;
    } catch {
      return refused({ code: 3, message: `etcdserver: the body of ${path} is not JSON` });
    }
    if (path === '/v3/maintenance/alarm') return this.ok({ alarms: this.alarm(request) });
    if (path === '/v3/maintenance/defragment') return this.ok({});
    if (!this.store) return unimplemented('HashKV', 'its store in process');
    const store = this.store.current();
    try {
      const hash = hashAt(store, Number(request.revision ?? 0) || store.revision);
      return this.ok({ hash, compact_revision: String(store.compactRevision) });
    } catch (error) {
      return refused(error);
    }
  }

  /** The member's store as a snapshot file, or the refusal when chapter 02b is not there. */
  snapshot(): MemberSnapshot | Applied {
    const write = this.store?.snapshotFile;
    if (!write) return unimplemented('Snapshot', "chapter 02b's snapshot-file.ts");
    const header = this.storeHeader();
    return { header, file: write(this.store!.current().snapshot()) };
  }

  /** GET lists the alarms, ACTIVATE raises one on this member, DEACTIVATE clears it. */
  private alarm(request: Record<string, unknown>): Array<{ memberID: string; alarm: string }> {
    const action = enumName(request.action, ['GET', 'ACTIVATE', 'DEACTIVATE']);
    const kind = enumName(request.alarm, ['NONE', 'NOSPACE', 'CORRUPT']);
    const memberId = this.header().member_id!;
    if (action === 'ACTIVATE' && kind !== 'NONE') this.alarms.add(`${memberId}:${kind}`);
    if (action === 'DEACTIVATE') this.alarms.delete(`${memberId}:${kind}`);
    return [...this.alarms].map((entry) => {
      const [memberID, alarm] = entry.split(':') as [string, string];
      return { memberID, alarm };
    });
  }

  /** The member's header with the store's revision, in etcd's field order. */
  private storeHeader(): Record<string, string> {
    const { cluster_id, member_id, raft_term } = this.header();
    const revision = String(this.store?.current().revision ?? 0);
    return { cluster_id: cluster_id!, member_id: member_id!, revision, raft_term: raft_term! };
  }

  private ok(answer: Record<string, unknown>): Applied {
    return { status: 200, body: JSON.stringify({ header: this.storeHeader(), ...answer }) };
  }
}
