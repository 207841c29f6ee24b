// The replicated store under faults (#32, chapter 16b): three real `kata run store` members, each
// peer port behind a proxy this test controls, concurrent clients putting and reading over the
// JSON gateway, while members are killed with SIGKILL (the leader included) and started again, and
// one member is cut off from the others, and leadership is moved on purpose (etcd's MoveLeader, over
// gRPC as etcdctl move-leader sends it). The clients' history must be linearizable, and no
// acknowledged write may be lost: a final read of every key, from every member, ends the history.
// A watcher on each member, watching again from where it was whenever its stream ends (its member
// killed, or a snapshot loaded into it), must see every revision once, in order: none going
// backwards, none missing.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type ClientRequest, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { checkOperations, describeHistory, type Operation } from '../linearizability/check.ts';
import { kvModel, type KvInput, type KvOutput } from '../linearizability/models.ts';
import { onLines } from '../lines.ts';
import { repoRoot } from '../paths.ts';
import { callUnary, etcdGrpcClients } from '../store/grpc.ts';
import { freePort } from '../testing/free-port.ts';
import { call } from '../testing/store-members.ts';
import { waitFor } from '../testing/wait.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const unb64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');

/**
 * A proxy in front of one member's peer port. `cut` holds the members cut off: a request to a cut
 * member, or from one (its X-Server-From header), is dropped as a broken network would, and so is
 * an open stream between them the moment it carries a message.
 */
function peerProxy(target: number, self: number, cut: Set<number>): Promise<Server> {
  const proxy = createServer((request, response) => {
    const from = Number(request.headers['x-server-from']);
    if (cut.has(self) || cut.has(from)) {
      request.resume();
      response.destroy();
      return;
    }
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: target,
        path: request.url,
        method: request.method,
        headers: request.headers,
      },
      (reply) => {
        response.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    // A connection that ends on one side ends on the other: a member killed mid-stream is seen by
    // its peers, as they would see it without the proxy.
    upstream.on('close', () => {
      if (!response.writableEnded) response.destroy();
    });
    response.on('close', () => upstream.destroy());
    // A peer's stream (one long request carrying many messages) is cut as soon as it carries
    // anything across the partition, as a broken network would break it.
    request.on('data', (chunk: Buffer) => {
      if (!cut.has(self) && !cut.has(from)) return void upstream.write(chunk);
      upstream.destroy();
      response.destroy();
    });
    request.on('end', () => upstream.end());
  });
  // Streams last as long as the members run.
  proxy.requestTimeout = 0;
  return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve(proxy)));
}

interface Member {
  name: string;
  clientPort: number;
  peerPort: number;
  process?: ChildProcess;
}

/** The keys the clients share: eight, so each key's part of the history stays small to check. */
const KEYS = Array.from({ length: 8 }, (_, i) => `k${i}`);
const dataDir = mkdtempSync(path.join(tmpdir(), 'kata-raft-e2e-'));
const members: Member[] = [];
const proxies: Server[] = [];
const cut = new Set<number>();
let initialCluster = '';

function start(member: Member): void {
  member.process = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(repoRoot, 'harness/components/store.ts'),
      '--use',
      'solutions',
      '--name',
      member.name,
      '--data-dir',
      path.join(dataDir, member.name),
      '--listen-client-urls',
      `http://127.0.0.1:${member.clientPort}`,
      '--listen-peer-urls',
      `http://127.0.0.1:${member.peerPort}`,
      '--initial-cluster',
      initialCluster,
      '--heartbeat-interval',
      '50',
      // Low, so that snapshots and InstallSnapshot happen under the faults too.
      '--snapshot-count',
      '25',
    ],
    { cwd: repoRoot, stdio: 'ignore' },
  );
}

function kill(member: Member): void {
  member.process?.kill('SIGKILL');
  member.process = undefined;
}

afterAll(async () => {
  for (const member of members) kill(member);
  await Promise.all(proxies.map((proxy) => new Promise((resolve) => proxy.close(resolve))));
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * A watcher of every key on one member, from revision 1 on, as a client watches: when its stream
 * ends, it watches again from the revision after the last it saw, once the member answers again.
 * It records the revision of each event, in the order they came.
 */
function watchMember(member: Member) {
  const revisions: number[] = [];
  let stopped = false;
  let open: ClientRequest | undefined;
  const once = (from: number) =>
    new Promise<void>((resolve) => {
      const request = httpRequest(
        { host: '127.0.0.1', port: member.clientPort, path: '/v3/watch', method: 'POST' },
        (reply) => {
          onLines(reply, (lines) => {
            for (const line of lines.filter((text) => text.trim() !== '')) {
              const { result } = JSON.parse(line) as { result?: { events?: WatchEvent[] } };
              for (const event of result?.events ?? [])
                revisions.push(Number(event.kv?.mod_revision));
            }
          });
          reply.on('close', resolve);
        },
      );
      request.on('error', () => resolve());
      request.on('close', () => resolve());
      const watch = { key: b64('k'), range_end: b64('l'), start_revision: String(from) };
      request.write(JSON.stringify({ create_request: watch }));
      open = request;
    });
  const watching = (async () => {
    while (!stopped) {
      await once((revisions.at(-1) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    member,
    revisions,
    stop: () => {
      stopped = true;
      open?.destroy();
      return watching;
    },
  };
}

/** An event of a watch answer, as the JSON gateway writes it. */
interface WatchEvent {
  kv?: { mod_revision?: string };
}

/** Which member says it leads (skipping member `skip`); -1 if none does. */
async function leaderIndex({ skip = -1 } = {}): Promise<number> {
  for (const [i, member] of members.entries()) {
    if (i === skip) continue;
    try {
      const status = await call(member, '/v3/maintenance/status', {});
      const header = status.header as { member_id: string };
      if (status.leader === header.member_id) return i;
    } catch {
      // Down or cut off.
    }
  }
  return -1;
}

/**
 * etcd's MoveLeader from the current leader to the next member, as etcdctl move-leader does it
 * (gRPC, to the leader); a follower asked the same over the JSON gateway must refuse. Answers the
 * fault's description.
 */
async function moveLeader(): Promise<string> {
  let from = -1;
  let targetID = '';
  // Every member answering, one of them leading: a member restarted may still be starting.
  await waitFor(
    async () => {
      from = await leaderIndex();
      if (from < 0) return false;
      const target = await call(members[(from + 1) % 3]!, '/v3/maintenance/status', {}).catch(
        () => undefined,
      );
      targetID = (target?.header as { member_id: string } | undefined)?.member_id ?? '';
      return targetID !== '';
    },
    'a leader, and the member after it answering',
    20_000,
  );
  const to = (from + 1) % 3;
  await expect(
    call(members[to]!, '/v3/maintenance/transfer-leadership', { targetID }),
    `MoveLeader asked of ${members[to]!.name}, a follower`,
  ).rejects.toThrow('etcdserver: not leader');
  const clients = etcdGrpcClients(`127.0.0.1:${members[from]!.clientPort}`);
  try {
    await callUnary(clients.maintenance, 'moveLeader', { targetID });
  } finally {
    clients.close();
  }
  expect(await leaderIndex(), `the leader once MoveLeader to ${members[to]!.name} answered`).toBe(
    to,
  );
  return `move-leader ${members[from]!.name} -> ${members[to]!.name}`;
}

describe('The replicated store under faults', () => {
  test('three members, kills of the leader and a follower, a partition, a leader moved: linearizable, 0 lost', async () => {
    for (let i = 0; i < 3; i++) {
      members.push({ name: `s${i + 1}`, clientPort: await freePort(), peerPort: await freePort() });
    }
    for (const [i, member] of members.entries())
      proxies.push(await peerProxy(member.peerPort, i + 1, cut));
    initialCluster = members
      .map(
        (member, i) =>
          `${member.name}=http://127.0.0.1:${(proxies[i]!.address() as AddressInfo).port}`,
      )
      .join(',');
    for (const member of members) start(member);
    await waitFor(async () => (await leaderIndex()) >= 0, 'a leader among three members', 90_000);

    const watchers = members.map(watchMember);
    const history: Operation<KvInput, KvOutput>[] = [];
    const started = Date.now();
    const now = () => Date.now() - started;
    let running = true;
    let acknowledged = 0;
    const client = async (id: number) => {
      for (let n = 0; running; n++) {
        const key = `k${(id * 7 + n) % KEYS.length}`;
        const member = members[(id + n) % 3]!;
        const put = n % 2 === 0;
        const value = `c${id}-${n}`;
        const call0 = now();
        try {
          if (put) {
            await call(member, '/v3/kv/put', { key: b64(key), value: b64(value) });
            acknowledged++;
            history.push({
              client: id,
              input: { op: 'put', key, value },
              call: call0,
              output: {},
              return: now(),
            });
          } else {
            const range = await call(member, '/v3/kv/range', { key: b64(key) });
            const kvs = (range.kvs ?? []) as Array<{ value?: string }>;
            const read = kvs[0]?.value ? unb64(kvs[0].value) : '';
            history.push({
              client: id,
              input: { op: 'get', key },
              call: call0,
              output: { value: read },
              return: now(),
            });
          }
          // Paced, so a fast machine's history stays small enough to check in seconds.
          await new Promise((resolve) => setTimeout(resolve, 50));
        } catch {
          // A put with no answer may still take effect at any later time; a failed get says nothing.
          if (put)
            history.push({
              client: id,
              input: { op: 'put', key, value },
              call: call0,
              output: {},
              return: Infinity,
            });
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    };
    const clients = [1, 2, 3, 4].map((id) => client(id));
    const faults: string[] = [];
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    await pause(1500);
    const leader = await leaderIndex();
    const victim = members[leader >= 0 ? leader : 0]!;
    kill(victim);
    faults.push(`kill -9 ${victim.name} (the leader: ${leader >= 0})`);
    await pause(2500);
    start(victim);
    faults.push(`restart ${victim.name}`);
    await pause(2000);
    // The member restarted is up and follows a leader: the other two can elect one without it.
    await waitFor(
      async () => {
        const statuses = members.map((member) =>
          call(member, '/v3/maintenance/status', {}).catch(() => undefined),
        );
        return (await Promise.all(statuses)).every((status) => status && status.leader !== '0');
      },
      'every member answering, with a leader',
      30_000,
    );
    const cutOff = Math.max(0, await leaderIndex());
    cut.add(cutOff + 1);
    faults.push(`partition ${members[cutOff]!.name} (the leader) from the others`);
    // The partition holds even for the peer streams open before it: the other two elect a leader.
    await waitFor(
      async () => (await leaderIndex({ skip: cutOff })) >= 0,
      'a leader among the members the partition left together',
      20_000,
    );
    await pause(1500);
    cut.clear();
    faults.push('heal');
    await pause(1500);
    faults.push(await moveLeader());
    const follower = members[((await leaderIndex()) + 1) % 3]!;
    kill(follower);
    faults.push(`kill -9 ${follower.name} (a follower)`);
    await pause(2000);
    start(follower);
    faults.push(`restart ${follower.name}`);
    await pause(2000);
    running = false;
    await Promise.all(clients);

    await waitFor(async () => (await leaderIndex()) >= 0, 'a leader after the faults', 60_000);
    for (const member of members) {
      for (const key of KEYS) {
        let read: string | undefined;
        const call0 = now();
        await waitFor(
          async () => {
            try {
              const range = await call(member, '/v3/kv/range', { key: b64(key) });
              const kvs = (range.kvs ?? []) as Array<{ value?: string }>;
              read = kvs[0]?.value ? unb64(kvs[0].value) : '';
              return true;
            } catch {
              return false;
            }
          },
          `a final read of ${key} on ${member.name}`,
          60_000,
        );
        history.push({
          client: 0,
          input: { op: 'get', key },
          call: call0,
          output: { value: read },
          return: now(),
        });
      }
    }
    const final = Number(
      ((await call(members[0]!, '/v3/kv/range', { key: b64('k0') })).header as { revision: string })
        .revision,
    );
    for (const watcher of watchers) {
      await waitFor(
        () => (watcher.revisions.at(-1) ?? 0) >= final,
        `the watcher on ${watcher.member.name} reaching revision ${final}`,
        60_000,
      );
      await watcher.stop();
    }
    const result = checkOperations(kvModel, history, 60_000);
    const verdict = result.result === 'ok' ? 'linearizable, 0 lost' : result.result;
    console.log(
      `raft-faults: ${history.length} operations (${acknowledged} acknowledged puts), faults: ${faults.join('; ')}: ${verdict}; watchers to revision ${final}: ${watchers.map(({ member, revisions }) => `${member.name} ${revisions.length} events`).join(', ')}`,
    );
    expect(acknowledged, 'the clients got puts acknowledged through the faults').toBeGreaterThan(
      10,
    );
    for (const { member, revisions } of watchers) {
      const wrong = revisions.findIndex((revision, i) => revision !== (revisions[i - 1] ?? 1) + 1);
      expect(
        wrong < 0
          ? 'every revision once, in order'
          : revisions.slice(Math.max(0, wrong - 3), wrong + 3),
        `the revisions the watcher on ${member.name} saw, from 2 to ${final}, through the faults` +
          (wrong < 0 ? '' : `: at event ${wrong}, after ${revisions[wrong - 1] ?? 'none'}`),
      ).toBe('every revision once, in order');
    }
    const broken = result.result === 'illegal' ? `\n${describeHistory(kvModel, result.part)}` : '';
    expect(
      verdict,
      `the history of ${history.length} operations under ${faults.join(', ')}${broken}`,
    ).toBe('linearizable, 0 lost');
  }, 300_000);
});
