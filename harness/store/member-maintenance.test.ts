// The maintenance calls a replicated member answers for itself (member-maintenance.ts), on
// chapter 01's reference store: every answer under the member's header, alarms raised and cleared
// on this member, one hash for two stores holding the same writes, a compacted revision refused
// with etcd's code, and the calls that need the store refused when the member has none.
import { describe, expect, test } from 'vitest';
import { Store } from '../../solutions/01-store/store.ts';
import { MemberMaintenance } from './member-maintenance.ts';

const memberHeader = () => ({ cluster_id: '17', member_id: '42', raft_term: '3' });
const bytes = (text: string) => new TextEncoder().encode(text);

/** A store after the same three writes. */
function storeWithWrites(): Store {
  const store = new Store();
  for (const n of [1, 2, 3]) store.put({ key: bytes(`key/${n}`), value: bytes(`value ${n}`) });
  return store;
}

/** The fields of the JSON answers checked here. */
interface MaintenanceAnswer {
  header?: Record<string, string>;
  hash?: number;
  compact_revision?: string;
  code?: number;
  message?: string;
}

/** A member over `store`, and its JSON answer to a POST on `path`, parsed. */
function ask(store: Store | undefined, path: string, body: unknown = {}) {
  const maintenance = new MemberMaintenance(
    memberHeader,
    store ? { current: () => store, snapshotFile: () => new Uint8Array(512) } : undefined,
  );
  const answer = maintenance.answer(path, JSON.stringify(body));
  return { status: answer.status, body: JSON.parse(answer.body) as MaintenanceAnswer };
}

describe('the maintenance calls a member answers itself', () => {
  test('every answer carries the member header with the store revision', () => {
    const { status, body } = ask(storeWithWrites(), '/v3/maintenance/defragment');
    expect(status, 'defragment succeeds').toBe(200);
    expect(body.header, 'the header: cluster, member, revision, term').toEqual({
      cluster_id: '17',
      member_id: '42',
      revision: '4',
      raft_term: '3',
    });
  });

  test('an alarm raised on the member is listed, then cleared', () => {
    const maintenance = new MemberMaintenance(memberHeader, undefined);
    const alarm = (body: unknown) =>
      JSON.parse(maintenance.answer('/v3/maintenance/alarm', JSON.stringify(body)).body);
    expect(alarm({}).alarms, 'no alarm at first').toEqual([]);
    expect(alarm({ action: 'ACTIVATE', alarm: 'NOSPACE' }).alarms, 'raised').toEqual([
      { memberID: '42', alarm: 'NOSPACE' },
    ]);
    expect(alarm({ action: 2, alarm: 1 }).alarms, 'cleared, asked by number').toEqual([]);
  });

  test('two stores holding the same writes hash alike; another revision hashes apart', () => {
    const one = ask(storeWithWrites(), '/v3/maintenance/hashkv').body;
    const other = ask(storeWithWrites(), '/v3/maintenance/hash', { revision: '2' }).body;
    expect(typeof one.hash, 'a hash as a number (uint32)').toBe('number');
    expect(ask(storeWithWrites(), '/v3/maintenance/hashkv').body.hash, 'the same writes').toBe(
      one.hash,
    );
    expect(other.hash, 'the keys at revision 2').not.toBe(one.hash);
    expect(one.compact_revision, 'nothing compacted').toBe('0');
  });

  test('a compacted revision is refused with OutOfRange', () => {
    const store = storeWithWrites();
    store.compact({ revision: 3 });
    const { status, body } = ask(store, '/v3/maintenance/hashkv', { revision: 2 });
    expect([status, body.code], 'HTTP 400, gRPC OutOfRange').toEqual([400, 11]);
    expect(body.message, "etcd's message").toContain('compacted');
  });

  test('a body that is not JSON is refused with InvalidArgument', () => {
    const maintenance = new MemberMaintenance(memberHeader, undefined);
    const answer = maintenance.answer('/v3/maintenance/alarm', '{"action":');
    expect([answer.status, JSON.parse(answer.body).code], 'HTTP 400, gRPC InvalidArgument').toEqual(
      [400, 3],
    );
  });

  test('without the store in process, HashKV and the snapshot are Unimplemented', () => {
    const { status, body } = ask(undefined, '/v3/maintenance/hashkv');
    expect([status, body.code], 'HTTP 501, gRPC Unimplemented').toEqual([501, 12]);
    const snapshot = new MemberMaintenance(memberHeader, undefined).snapshot();
    expect('status' in snapshot && snapshot.status, 'the snapshot refused').toBe(501);
  });
});
