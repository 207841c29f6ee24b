// etcdctl on a replicated store (#32, chapter 16b): three real `kata run store` members, and
// Debian's etcdctl speaking gRPC to them as it speaks to etcd. A put on a follower is read back on
// another member (linearizable) and seen by a watch on the third; a key put with a lease is gone
// from every member once the lease is revoked; a txn compares and writes through the log; etcd's
// errors reach etcdctl with their messages. Skipped when no etcdctl is on PATH.
import { afterAll, describe, expect, test } from 'vitest';
import { etcdctl, etcdctlVersion, etcdctlWatch, type EtcdctlWatch } from '../testing/etcdctl.ts';
import { StoreMembers, type Member } from '../testing/store-members.ts';
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

describe('etcdctl on a replicated store', () => {
  test.skipIf(!hasEtcdctl)(
    `put on a follower, get and watch on the others, leases and txn, over gRPC${hasEtcdctl ? '' : ' (skipped: no etcdctl on PATH; Debian etcd-client)'}`,
    async () => {
      await cluster.create(3);
      for (const member of members) cluster.start(member);
      await waitFor(async () => (await leaderIndex()) >= 0, 'a leader among three members', 90_000);
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
});
