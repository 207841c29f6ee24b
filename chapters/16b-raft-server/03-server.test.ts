// The member server: etcd's --initial-cluster, lease IDs chosen before the log, and three members
// in this process on port 0, each in front of its own store (chapters 01 and 02), talking over HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadReference } from '../../harness/components/implementation.ts';
import { freePort } from '../../harness/testing/free-port.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import { startMember, type MemberServer } from '../../harness/store/member-server.ts';
import { RaftMember } from './member.ts';
import { FileRaftStorage } from './raft-storage.ts';
import * as routing from './routing.ts';
import { parseInitialCluster, withLeaseId } from './routing.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** POSTs JSON to a member's client URL and reads the JSON answer. */
async function call(url: string, route: string, body: unknown): Promise<Record<string, unknown>> {
  const reply = await fetch(`${url}${route}`, { method: 'POST', body: JSON.stringify(body) });
  return (await reply.json()) as Record<string, unknown>;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Three members on free ports: the peer ports are found first, since --initial-cluster names them. */
async function threeMembers(): Promise<MemberServer[]> {
  const { createRaftNode } = await loadReference('16a', 'raft.ts');
  const { Store } = await loadReference('01', 'store.ts');
  const { createStoreServer } = await loadReference('02', 'server.ts');
  // From below the kernel's ephemeral range: a port picked there may be taken by any connection
  // before the member listens on it (harness/testing/free-port.ts).
  const ports = [await freePort(), await freePort(), await freePort()];
  const peers = parseInitialCluster(
    ports.map((port, i) => `m${i + 1}=http://127.0.0.1:${port}`).join(','),
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'kata-16b-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return Promise.all(
    peers.map(async (peer, i) => {
      const store = createStoreServer({ store: new Store(), name: peer.name });
      const storeUrl = await store.listen(0, '127.0.0.1');
      const member = await startMember({
        chapter: { RaftMember, FileRaftStorage, ...routing },
        name: peer.name,
        dataDir: path.join(dir, peer.name),
        peers,
        createRaftNode,
        storeUrl,
        clientListen: [{ host: '127.0.0.1', port: 0 }],
        peerListen: { host: '127.0.0.1', port: ports[i]! },
        tickMs: 10,
      });
      cleanups.push(() => store.close());
      cleanups.push(() => member.close());
      return member;
    }),
  );
}

describe('The member server', () => {
  test('--initial-cluster numbers the members in its order, the same on every member', () => {
    expect(
      parseInitialCluster('s1=http://127.0.0.1:2380,s2=http://127.0.0.1:2381/'),
      'two members, the second URL with a trailing slash',
    ).toEqual([
      { id: 1, name: 's1', peerUrl: 'http://127.0.0.1:2380' },
      { id: 2, name: 's2', peerUrl: 'http://127.0.0.1:2381' },
    ]);
    expect(
      () => parseInitialCluster('s1=http://a:1,s1=http://b:2'),
      'a name listed twice throws "a member name is listed twice"',
    ).toThrow(/listed twice/);
    expect(() => parseInitialCluster('s1'), '"s1" alone throws "is not name=URL"').toThrow(
      /is not name=URL/,
    );
  });

  test('a lease grant without an ID gets one before it is proposed, so every member grants the same', () => {
    const chosen = JSON.parse(withLeaseId('{"TTL":5}', () => 0.5)) as { ID: string; TTL: number };
    expect(chosen.TTL, 'the TTL is kept').toBe(5);
    expect(BigInt(chosen.ID) > 0n, 'a positive ID was chosen').toBe(true);
    expect(withLeaseId('{"TTL":5,"ID":"42"}'), 'an ID the client chose is kept').toBe(
      '{"TTL":5,"ID":"42"}',
    );
  });

  test('a follower hands a proposal to the leader over its peer port, and asks it for the read index', async () => {
    const { createServer } = await import('node:http');
    const seen: string[] = [];
    const leader = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push(`${request.url} from ${request.headers['x-server-from']} ${body}`);
        response.writeHead(200).end(request.url === '/readindex' ? '{"index":9}' : '{"header":{}}');
      });
    });
    await new Promise<void>((resolve) => leader.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => leader.close(() => resolve())));
    const lead = {
      id: 1,
      name: 's1',
      peerUrl: `http://127.0.0.1:${(leader.address() as { port: number }).port}`,
    };
    const follower = {} as Parameters<typeof routing.proposeVia>[0];
    const applied = await routing.proposeVia(follower, 2, lead, { path: '/v3/kv/put', body: '{}' });
    expect(applied, 'member 2 proposed while member 1 leads').toEqual({
      status: 200,
      body: '{"header":{}}',
    });
    expect(await routing.readIndexVia(follower, 2, lead), 'member 2 asked for the read index').toBe(
      9,
    );
    expect(seen, 'what the leader received').toEqual([
      '/propose from 2 {"path":"/v3/kv/put","body":"{}"}',
      '/readindex from 2 ',
    ]);
  });

  test('three members: a put sent to any member is read back from every one, and they agree on the leader', async () => {
    const members = await threeMembers();
    const status = () =>
      Promise.all(
        members.map((member) => call(member.clientUrls[0]!, '/v3/maintenance/status', {})),
      );
    await waitFor(
      async () => (await status()).every((one) => one.leader !== '0'),
      'a leader',
      20_000,
    );
    const leaders = new Set((await status()).map((one) => one.leader));
    expect(leaders.size, 'every member names the same leader').toBe(1);
    for (const [i, member] of members.entries()) {
      const put = await call(member.clientUrls[0]!, '/v3/kv/put', {
        key: b64('k'),
        value: b64(`v${i}`),
      });
      expect(
        (put.header as { revision: string }).revision,
        `put k=v${i} through member ${i + 1}`,
      ).toBe(String(i + 2));
    }
    for (const [i, member] of members.entries()) {
      const range = await call(member.clientUrls[0]!, '/v3/kv/range', { key: b64('k') });
      const kvs = range.kvs as Array<{ value: string }>;
      expect(kvs[0]?.value, `a linearizable range on member ${i + 1} after three puts`).toBe(
        b64('v2'),
      );
    }
    const list = await call(members[0]!.clientUrls[0]!, '/v3/cluster/member/list', {});
    expect(
      (list.members as Array<{ name: string }>).map((member) => member.name),
      'member list',
    ).toEqual(['m1', 'm2', 'm3']);
  });
});
