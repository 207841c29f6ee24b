// Leases on real members (#32): three `kata run store` processes. A lease expires only by the
// leader's lessor, which proposes its revoke through the log, so every member deletes its keys at
// the same point; a keep-alive sent to a follower reaches the leader; a new leader gives every lease
// its whole TTL again, so a client that keeps renewing through the election keeps its keys.
import { afterAll, describe, expect, test } from 'vitest';
import { call, get, put, StoreMembers, type Member } from '../testing/store-members.ts';
import { waitFor } from '../testing/wait.ts';

const cluster = new StoreMembers();
afterAll(() => cluster.close());

/** The member that leads now, by each member's own status. */
async function leaderOf(members: Member[]): Promise<Member> {
  let leader: Member | undefined;
  await waitFor(
    async () => {
      for (const member of members) {
        const status = await call(member, '/v3/maintenance/status', {}).catch(() => undefined);
        const header = status?.header as { member_id?: string } | undefined;
        if (status && status.leader === header?.member_id) leader = member;
      }
      return leader !== undefined;
    },
    'a leader among the members',
    30_000,
  );
  return leader!;
}

/** A keep-alive of `id` through `member`: the TTL it was renewed for, 0 for none. */
async function keepAlive(member: Member, id: string): Promise<number> {
  const answer = await call(member, '/v3/lease/keepalive', { ID: id });
  return Number((answer.result as { TTL?: string }).TTL ?? 0);
}

/** Renews `id` through whichever of `members` answers, every second, for `ms` milliseconds. */
async function renewFor(members: Member[], id: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    await waitFor(
      async () => {
        for (const member of members) {
          const ttl = await keepAlive(member, id).catch(() => -1);
          if (ttl > 0) return true;
        }
        return false;
      },
      `a keep-alive of lease ${id} answered with its TTL`,
      30_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000)); // a client's renewal period
  }
}

/** A lease of `ttl` seconds granted through `member`, tried again while the cluster elects. */
async function grant(member: Member, ttl: number): Promise<string> {
  let id = '';
  await waitFor(
    async () => {
      const answer = await call(member, '/v3/lease/grant', { TTL: String(ttl) }).catch(
        () => undefined,
      );
      id = String(answer?.ID ?? '');
      return id !== '';
    },
    `a lease granted through ${member.name}`,
    30_000,
  );
  return id;
}

describe('Leases on real members', () => {
  test('a lease kept alive through a follower outlives its TTL; let go, every member deletes its key', async () => {
    const members = await cluster.create(3);
    for (const member of members) cluster.start(member);
    const leader = await leaderOf(members);
    const follower = members.find((member) => member !== leader)!;
    const id = await grant(follower, 2);
    await put(follower, 'leased', 'kept', id);
    await renewFor([follower], id, 5000);
    for (const member of members) {
      expect(
        await get(member, 'leased', true),
        `${member.name} after 5 s of keep-alives through ${follower.name}, TTL 2`,
      ).toBe('kept');
    }
    const alive = await call(follower, '/v3/lease/timetolive', { ID: id });
    expect(
      [alive.grantedTTL, Number(alive.TTL) > 0 && Number(alive.TTL) <= 2],
      `time to live of lease ${id} asked on ${follower.name}: granted 2, some left`,
    ).toEqual(['2', true]);

    for (const member of members) {
      await waitFor(
        async () => (await get(member, 'leased', true)) === '',
        `${member.name} deletes the key of lease ${id} once the keep-alives stop`,
        30_000,
      );
    }
    const gone = await call(follower, '/v3/lease/timetolive', { ID: id });
    expect(gone.TTL, `time to live of the revoked lease ${id}`).toBe('-1');
    expect(await keepAlive(follower, id), `a keep-alive of the revoked lease ${id}`).toBe(0);
  }, 120_000);

  test('a new leader gives every lease its whole TTL again: renewed through the election, the key stays', async () => {
    const { members } = cluster;
    const leader = await leaderOf(members);
    const others = members.filter((member) => member !== leader);
    const id = await grant(others[0]!, 3);
    await put(others[0]!, 'through-election', 'kept', id);
    await renewFor(others, id, 1000);
    cluster.kill(leader);
    await renewFor(others, id, 7000);
    for (const member of others) {
      expect(
        await get(member, 'through-election', true),
        `${member.name}: the leader killed, the lease renewed for 7 s more, TTL 3`,
      ).toBe('kept');
    }
    cluster.start(leader);
  }, 120_000);
});
