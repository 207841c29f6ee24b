// etcdctl on a replicated store (#32, chapter 16b): three real `kata run store` members, and
// Debian's etcdctl speaking gRPC to them as it speaks to etcd. A put on a follower is read back on
// another member (linearizable) and seen by a watch on the third; a key put with a lease is gone
// from every member once the lease is revoked; a txn compares and writes through the log; etcd's
// errors reach etcdctl with their messages. Maintenance on every member: `endpoint hashkv` gives
// one hash on all three after writes, `alarm list` answers, `defrag` succeeds, `snapshot save`
// writes a kata snapshot file (whole pages and a SHA-256: real etcdctl's `snapshot status` reads
// only etcd's bbolt files, so the file is checked here instead), and a watch's header, over gRPC
// and over the JSON gateway, names the cluster and the member it was asked of. Skipped when no
// etcdctl is on PATH.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { etcdctl, etcdctlVersion, etcdctlWatch, type EtcdctlWatch } from '../testing/etcdctl.ts';
import { b64, StoreMembers, type Member } from '../testing/store-members.ts';
import { waitFor } from '../testing/wait.ts';

const cluster = new StoreMembers();
const { members } = cluster;
const watches: EtcdctlWatch[] = [];

afterAll(async () => {
  for (const watch of watches) await watch.stop();
  cluster.close();
});

const endpoint = (member: Member) => `127.0.0.1:${member.clientPort}`;

/** etcdctl against one member; fails the test, with what etcdctl said, unless it exits 0. */
async function run(member: Member, args: string[], input = ''): Promise<string> {
  const result = await etcdctl(endpoint(member), args, input);
  expect(result.code, `etcdctl ${args.join(' ')} on ${member.name}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

/** Which member leads, by etcdctl endpoint status (fields: endpoint, ID, version, size, leader?). */
async function leaderIndex(): Promise<number> {
  for (const [i, member] of members.entries()) {
    const status = await etcdctl(endpoint(member), ['endpoint', 'status']);
    if (status.code === 0 && status.stdout.split(', ')[4] === 'true') return i;
  }
  return -1;
}

const hasEtcdctl = etcdctlVersion() !== undefined;
const skipped = hasEtcdctl ? '' : ' (skipped: no etcdctl on PATH; Debian etcd-client)';

let started: Promise<void> | undefined;

/** The three members, started once for every test of this file, with a leader elected. */
function threeMembers(): Promise<void> {
  started ??= (async () => {
    await cluster.create(3);
    for (const member of members) cluster.start(member);
    await waitFor(async () => (await leaderIndex()) >= 0, 'a leader among three members', 90_000);
  })();
  return started;
}

/** A uint64 field of etcdctl's JSON output, as text (JSON numbers lose its low digits). */
function uint64Field(json: string, field: string): string | undefined {
  return new RegExp(`"${field}":(\\d+)`).exec(json)?.[1];
}

/** The first line of a JSON watch on the member's gateway (its created answer), then it ends. */
async function firstJsonWatchLine(member: Member, key: string): Promise<string> {
  const abort = new AbortController();
  const reply = await fetch(`http://${endpoint(member)}/v3/watch`, {
    method: 'POST',
    body: JSON.stringify({ create_request: { key: b64(key) } }),
    signal: abort.signal,
  });
  const reader = reply.body!.getReader();
  let text = '';
  while (!text.includes('\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString('utf8');
  }
  abort.abort();
  return text.split('\n')[0]!;
}

describe('etcdctl on a replicated store', () => {
  test.skipIf(!hasEtcdctl)(
    `put on a follower, get and watch on the others, leases and txn, over gRPC${skipped}`,
    async () => {
      await threeMembers();
      const lead = await leaderIndex();
      const [follower, reader, watcher] = [1, 2, 3].map((step) => members[(lead + step) % 3]!);

      // From revision 1, so the watch sees the put whether it is created before or after it.
      const watch = etcdctlWatch(endpoint(watcher), ['greeting', '--rev=1']);
      watches.push(watch);
      expect(await run(follower, ['put', 'greeting', 'hello']), 'put on a follower').toBe('OK\n');
      expect(await run(reader, ['get', 'greeting']), `get on ${reader.name}`).toBe(
        'greeting\nhello\n',
      );
      await waitFor(
        () => watch.output().includes('PUT\ngreeting\nhello\n'),
        `etcdctl watch on ${watcher.name} printing the put (so far: ${JSON.stringify(watch.output())})`,
        20_000,
      );

      const granted = await run(reader, ['lease', 'grant', '600']);
      const leaseId = /^lease ([0-9a-f]+) granted/.exec(granted)?.[1];
      expect(leaseId, `lease grant answered: ${granted}`).toBeDefined();
      await run(follower, ['put', 'leased', 'yes', `--lease=${leaseId}`]);
      expect(
        await run(watcher, ['lease', 'timetolive', leaseId!, '--keys']),
        'the lease, asked of a third member, lists its key',
      ).toContain('attached keys([leased])');
      expect(
        await run(follower, ['lease', 'keep-alive', '--once', leaseId!]),
        'one keep-alive',
      ).toContain(`lease ${leaseId} keepalived with TTL(600)`);
      await run(watcher, ['lease', 'revoke', leaseId!]);
      for (const member of members) {
        expect(await run(member, ['get', 'leased']), `leased key on ${member.name}`).toBe('');
      }
      const again = await etcdctl(endpoint(follower), ['lease', 'revoke', leaseId!]);
      expect(
        [again.code, again.stderr.includes('etcdserver: requested lease not found')],
        `revoking the lease a second time: ${again.stderr}`,
      ).toEqual([1, true]);

      const txn = (expected: string) =>
        `value("greeting") = "${expected}"\n\nput greeting bye\n\nput greeting nope\n\n`;
      expect(await run(follower, ['txn'], txn('hello')), 'a txn whose compare holds').toBe(
        'SUCCESS\n\nOK\n',
      );
      expect(await run(follower, ['txn'], txn('hello')), 'the same txn again').toBe(
        'FAILURE\n\nOK\n',
      );
      expect(await run(reader, ['get', 'greeting', '--consistency=l']), 'after both txns').toBe(
        'greeting\nnope\n',
      );
    },
    150_000,
  );

  test.skipIf(!hasEtcdctl)(
    `maintenance on every member: hashkv, alarm list, defrag, snapshot save, a watch's header${skipped}`,
    async () => {
      await threeMembers();
      for (const n of [1, 2, 3]) await run(members[n % 3]!, ['put', `tended/${n}`, `value ${n}`]);
      const clusterId = uint64Field(
        await run(members[0]!, ['endpoint', 'status', '-w', 'json']),
        'cluster_id',
      );
      expect(clusterId, 'endpoint status names the cluster').toBeDefined();

      // Each member hashes its own store: once all have applied the writes, the hashes agree.
      const hashes = async () =>
        Promise.all(
          members.map(async (member) => {
            const answer = await run(member, ['endpoint', 'hashkv', '-w', 'json']);
            expect(uint64Field(answer, 'cluster_id'), `hashkv header on ${member.name}`).toBe(
              clusterId,
            );
            return uint64Field(answer, 'hash');
          }),
        );
      let last: Array<string | undefined> = [];
      await waitFor(
        async () => {
          last = await hashes();
          return last[0] !== undefined && last.every((hash) => hash === last[0]);
        },
        `one hash on the three members (so far: ${JSON.stringify(last)})`,
        20_000,
      );

      for (const member of members) {
        expect(await run(member, ['alarm', 'list']), `alarm list on ${member.name}`).toBe('');
        expect(await run(member, ['defrag']), `defrag on ${member.name}`).toBe(
          `Finished defragmenting etcd member[${endpoint(member)}]\n`,
        );
      }

      const file = path.join(cluster.dataDir, 'saved.db');
      expect(await run(members[1]!, ['snapshot', 'save', file]), 'snapshot save').toContain(
        `Snapshot saved at ${file}`,
      );
      const saved = await readFile(file);
      expect(saved.length % 512, 'the snapshot file: whole pages and a SHA-256').toBe(32);
      const body = saved.subarray(0, saved.length - 32);
      expect(
        createHash('sha256').update(body).digest().equals(saved.subarray(body.length)),
        'the snapshot file ends with the SHA-256 of the rest',
      ).toBe(true);

      const watch = etcdctlWatch(endpoint(members[2]!), ['tended/1', '--rev=1', '-w', 'json']);
      watches.push(watch);
      await waitFor(
        () => uint64Field(watch.output(), 'cluster_id') !== undefined,
        `etcdctl watch -w json printing a header (so far: ${JSON.stringify(watch.output())})`,
        20_000,
      );
      expect(uint64Field(watch.output(), 'cluster_id'), 'a gRPC watch names the cluster').toBe(
        clusterId,
      );
      const memberStatus = await run(members[2]!, ['endpoint', 'status', '-w', 'json']);
      expect(uint64Field(watch.output(), 'member_id'), 'and the member it was asked of').toBe(
        uint64Field(memberStatus, 'member_id'),
      );
      const line = JSON.parse(await firstJsonWatchLine(members[2]!, 'tended/1')) as {
        result?: { header?: { cluster_id?: string } };
      };
      expect(line.result?.header?.cluster_id, 'a JSON watch names the cluster').toBe(clusterId);
    },
    150_000,
  );
});
