// Leader election on a Lease in the reference API server. All candidates share one fake clock;
// after each step of time the test waits until every candidate is asleep again, so each step is
// one round of "everyone tried once".
import { describe, expect, test } from 'vitest';
import type { Lease } from '../../harness/api/types.ts';
import type { ApiClient, LeaderElector } from '../../harness/client/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { createClient } from './client.ts';
import {
  createLeaderElector,
  LeaseLeaderElector,
  leaseSpecFor,
  microTime,
} from './leader-election.ts';

const scope = testScope();

interface Candidate {
  identity: string;
  elector: LeaderElector;
  stop: AbortController;
  /** What the candidate was told, in order. */
  heard: string[];
  running: Promise<void>;
}

async function setUp() {
  const server = await scope.apiServer();
  const client = createClient({ server: server.url });
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const candidates: Candidate[] = [];

  function candidate(identity: string, through: ApiClient = client): Candidate {
    const stop = scope.stopper();
    const heard: string[] = [];
    const elector = createLeaderElector({
      client: through,
      namespace: 'kube-system',
      name: 'kata-test',
      identity,
      clock,
      onStartedLeading: () => heard.push('started'),
      onStoppedLeading: () => heard.push('stopped'),
      onNewLeader: (leader) => heard.push(`leader ${leader}`),
    });
    const entry = { identity, elector, stop, heard, running: elector.run(stop.signal) };
    inBackground(entry.running);
    candidates.push(entry);
    return entry;
  }

  /** Waits until every running candidate sleeps on the clock: one timer each. */
  async function quiet(): Promise<void> {
    const running = candidates.filter((entry) => !entry.stop.signal.aborted).length;
    await waitFor(() => clock.pendingTimers === running, `${running} candidates asleep`);
  }

  /** Moves time on in steps, one round at a time, checking that never two lead at once. */
  async function step(milliseconds: number, each = 1000): Promise<void> {
    for (let passed = 0; passed < milliseconds; passed += each) {
      clock.advance(each);
      await quiet();
      const leaders = candidates.filter((entry) => entry.elector.isLeader());
      expect(leaders.length, `leaders at ${clock.now()}`).toBeLessThanOrEqual(1);
    }
  }

  const lease = () => client.resource<Lease>('leases', 'kube-system').get('kata-test');
  return { client, clock, candidate, quiet, step, lease };
}

/** A client that fails every call while `cut` is true: a network partition. */
function partitioned(client: ApiClient): { client: ApiClient; cut: boolean } {
  const link = { cut: false, client };
  const fail = () => Promise.reject(new TypeError('fetch failed: network unreachable'));
  link.client = {
    config: client.config,
    bind: (binding) => (link.cut ? fail() : client.bind(binding)),
    resource: (resource, namespace) => {
      const inner = client.resource(resource, namespace);
      return new Proxy(inner, {
        get: (target, verb) => {
          const method = Reflect.get(target, verb, target);
          if (typeof method !== 'function') return method;
          return (...args: unknown[]) => (link.cut ? fail() : method.apply(target, args));
        },
      });
    },
  } as ApiClient;
  return link;
}

/** A candidate that tries only when the test says so (no run loop), and what it heard. */
function tryer(client: ApiClient, clock: FakeClock, identity: string) {
  const heard: string[] = [];
  const elector = new LeaseLeaderElector({
    client,
    namespace: 'kube-system',
    name: 'kata-test',
    identity,
    clock,
    onStartedLeading: () => heard.push('started'),
    onNewLeader: (leader) => heard.push(`leader ${leader}`),
  });
  return { elector, heard };
}

/** A server, a client, a clock at 2026-01-01, and the Lease as it is stored. */
async function setUpTries() {
  const server = await scope.apiServer();
  const client = createClient({ server: server.url });
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const lease = async () =>
    (await client.resource<Lease>('leases', 'kube-system').get('kata-test')).spec;
  return { client, clock, lease };
}

describe('Leader election', () => {
  test("a Lease's times are MicroTime: six fractional digits", () => {
    expect(
      microTime(Date.parse('2026-01-02T03:04:05.678Z')),
      'microTime of 2026-01-02T03:04:05.678Z',
    ).toBe('2026-01-02T03:04:05.678000Z');
  });

  test('leaseSpecFor: creating the Lease holds it from now, for the lease duration in seconds', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(
      leaseSpecFor(undefined, 'a', now, 15_000),
      'leaseSpecFor(no Lease yet, "a", now, 15 s)',
    ).toEqual({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: '2026-01-01T00:00:00.000000Z',
      renewTime: '2026-01-01T00:00:00.000000Z',
      leaseTransitions: 0,
    });
    expect(
      leaseSpecFor(undefined, 'a', now, 2_500).leaseDurationSeconds,
      'leaseDurationSeconds for 2.5 s (whole seconds, rounded up)',
    ).toBe(3);
  });

  test('leaseSpecFor: a renewal keeps acquireTime and the transitions; a takeover counts one more', () => {
    const held = leaseSpecFor(undefined, 'a', Date.parse('2026-01-01T00:00:00Z'), 15_000);
    const later = Date.parse('2026-01-01T00:00:10Z');
    expect(leaseSpecFor(held, 'a', later, 15_000), 'a renews its own Lease 10 s later').toEqual({
      ...held,
      renewTime: '2026-01-01T00:00:10.000000Z',
    });
    expect(leaseSpecFor(held, 'b', later, 15_000), "b takes over a's Lease 10 s later").toEqual({
      holderIdentity: 'b',
      leaseDurationSeconds: 15,
      acquireTime: '2026-01-01T00:00:10.000000Z',
      renewTime: '2026-01-01T00:00:10.000000Z',
      leaseTransitions: 1,
    });
    expect(
      leaseSpecFor({ ...held, holderIdentity: '', leaseTransitions: 4 }, 'b', later, 15_000)
        .leaseTransitions,
      'b takes a released Lease (holder "") that had 4 transitions',
    ).toBe(5);
  });

  test('tryAcquireOrRenew creates a missing Lease and holds it', async () => {
    const { client, clock, lease } = await setUpTries();
    const a = tryer(client, clock, 'a');
    expect(await a.elector.tryAcquireOrRenew(), "a's try when there is no Lease").toBe(true);
    expect(await lease(), 'the Lease a created').toEqual({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: '2026-01-01T00:00:00.000000Z',
      renewTime: '2026-01-01T00:00:00.000000Z',
      leaseTransitions: 0,
    });
    expect(a.heard, 'what a was told').toEqual(['leader a']);
  });

  test('while another holds the Lease and renews it, a try fails, however long it goes on', async () => {
    const { client, clock, lease } = await setUpTries();
    const a = tryer(client, clock, 'a');
    const b = tryer(client, clock, 'b');
    await a.elector.tryAcquireOrRenew();
    expect(await b.elector.tryAcquireOrRenew(), "b's try, right after a took the Lease").toBe(
      false,
    );
    clock.advance(10_000);
    expect(await a.elector.tryAcquireOrRenew(), "a's renewal 10 s later").toBe(true);
    clock.advance(10_000);
    expect(
      await b.elector.tryAcquireOrRenew(),
      "b's try 20 s after its first: a renewed 10 s ago",
    ).toBe(false);
    expect((await lease())?.holderIdentity, 'the holder').toBe('a');
    expect(b.heard, 'what b was told').toEqual(['leader a']);
  });

  test("a Lease unrenewed for the lease duration, by the candidate's own clock, is taken over", async () => {
    const { client, clock, lease } = await setUpTries();
    const a = tryer(client, clock, 'a');
    const b = tryer(client, clock, 'b');
    await a.elector.tryAcquireOrRenew();
    await b.elector.tryAcquireOrRenew();
    clock.advance(14_999);
    expect(
      await b.elector.tryAcquireOrRenew(),
      "b's try 14.999 s after it saw a's Lease, unrenewed since",
    ).toBe(false);
    clock.advance(1);
    expect(await b.elector.tryAcquireOrRenew(), "b's try at 15 s").toBe(true);
    expect(await lease(), 'the Lease after b took it over').toMatchObject({
      holderIdentity: 'b',
      acquireTime: microTime(clock.now()),
      leaseTransitions: 1,
    });
    expect(b.heard, 'what b was told').toEqual(['leader a', 'leader b']);
  });

  test('of two candidates trying for an expired Lease at once, exactly one wins; an unreachable server is a failed try', async () => {
    const { client, clock } = await setUpTries();
    const [a, b, c] = ['a', 'b', 'c'].map((identity) => tryer(client, clock, identity));
    await a!.elector.tryAcquireOrRenew();
    await b!.elector.tryAcquireOrRenew();
    await c!.elector.tryAcquireOrRenew();
    clock.advance(15_000);
    const results = await Promise.all([
      b!.elector.tryAcquireOrRenew(),
      c!.elector.tryAcquireOrRenew(),
    ]);
    expect(
      results.filter((won) => won).length,
      'how many of b and c hold the Lease after trying at the same moment',
    ).toBe(1);
    const cutOff = tryer(createClient({ server: 'http://127.0.0.1:1' }), clock, 'x');
    expect(
      await cutOff.elector.tryAcquireOrRenew(),
      'a try through a server that is not there',
    ).toBe(false);
  });

  test('the first candidate creates the Lease and leads', async () => {
    const { candidate, quiet, lease, clock } = await setUp();
    const a = candidate('a');
    await quiet();
    expect(a.elector.isLeader(), 'a.isLeader()').toBe(true);
    expect(a.heard, 'what a was told').toEqual(['leader a', 'started']);
    const spec = (await lease()).spec;
    expect(spec, 'the Lease a created').toMatchObject({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      renewTime: microTime(clock.now()),
    });
  });

  test('the leader renews every retry period; a second candidate waits', async () => {
    const { candidate, quiet, step, lease, clock } = await setUp();
    const a = candidate('a');
    await quiet();
    const b = candidate('b');
    await quiet();
    await step(60_000);
    expect(a.elector.isLeader(), 'a after a minute').toBe(true);
    expect(b.elector.isLeader(), 'b after a minute').toBe(false);
    expect(b.heard, 'b heard who leads').toEqual(['leader a']);
    expect((await lease()).spec?.renewTime, 'the last renewal').toBe(
      microTime(clock.now() - ((clock.now() - Date.parse('2026-01-01T00:00:00Z')) % 2000)),
    );
  });

  test('a leader that stops releases the Lease, and the other takes over on its next try', async () => {
    const { candidate, quiet, step } = await setUp();
    const a = candidate('a');
    await quiet();
    const b = candidate('b');
    await quiet();
    a.stop.abort();
    await a.running;
    expect(a.heard, 'what a was told').toEqual(['leader a', 'started', 'stopped']);
    await step(2000);
    expect(b.elector.isLeader(), 'b two seconds after a stopped').toBe(true);
  });

  test('a leader cut off steps down after the renew deadline; the other leads only after the lease duration', async () => {
    const { client, candidate, quiet, step } = await setUp();
    const link = partitioned(client);
    const a = candidate('a', link.client);
    await quiet();
    const b = candidate('b');
    await quiet();
    link.cut = true;
    await step(10_000);
    expect(a.elector.isLeader(), 'a, 10 s without renewing').toBe(false);
    expect(a.heard.at(-1), 'a was told it stopped').toBe('stopped');
    expect(b.elector.isLeader(), 'b, 10 s after the last renewal it saw').toBe(false);
    await step(8000);
    expect(b.elector.isLeader(), 'b, once the lease has gone unrenewed for 15 s').toBe(true);
  });

  test('two candidates never both lead, through starts, stops and partitions', async () => {
    const { client, candidate, quiet, step } = await setUp();
    const link = partitioned(client);
    candidate('a', link.client);
    candidate('b');
    await quiet();
    await step(20_000);
    link.cut = true;
    await step(30_000);
    link.cut = false;
    await step(30_000);
    const c = candidate('c');
    await quiet();
    await step(20_000);
    expect(c.elector.isLeader(), 'a latecomer does not take a held Lease').toBe(false);
  });
});
