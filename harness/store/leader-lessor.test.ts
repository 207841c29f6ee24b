// The replicated store's lessor: only the leader's counts time, a keep-alive renews, an expired
// lease's revoke is asked for once (again only after REVOKE_RETRY_MS), and a new leader gives
// every lease its whole TTL again.
import { describe, expect, test } from 'vitest';
import { LeaderLessor, REVOKE_RETRY_MS } from './leader-lessor.ts';

describe('the leader lessor', () => {
  test('a follower counts no time: nothing is due, keep-alives answer TTL 0', () => {
    const lessor = new LeaderLessor();
    lessor.granted('7', 5, 0);
    expect(lessor.due(60_000), 'a follower, a minute after a 5 s grant').toEqual([]);
    expect(lessor.keepAlive('7', 1000), 'a keep-alive handled by a follower').toBe(0);
    expect(lessor.remaining('7', 1000), "a follower does not know a lease's time").toBeUndefined();
  });

  test('on the leader a lease expires after its TTL unless kept alive', () => {
    const lessor = new LeaderLessor();
    lessor.promote(0);
    lessor.granted('7', 5, 0);
    lessor.granted('8', 5, 0);
    expect(lessor.keepAlive('7', 4000), 'keep-alive of lease 7 at 4 s: its TTL').toBe(5);
    expect(lessor.remaining('7', 4500), 'lease 7 at 4.5 s, renewed at 4 s for 5 s').toBe(5);
    expect(lessor.due(5000), 'at 5 s: lease 8, not kept alive, is due; 7 lives to 9 s').toEqual([
      '8',
    ]);
    expect(lessor.due(6000), 'at 6 s: 8 was just proposed, so it is not asked for again').toEqual(
      [],
    );
    expect(
      lessor.due(5000 + REVOKE_RETRY_MS),
      'once the proposal had time to fail, 8 is asked for again',
    ).toEqual(['8']);
    lessor.revoked('8');
    expect(lessor.due(9000), 'at 9 s: 7 is due, 8 was revoked').toEqual(['7']);
    expect(lessor.keepAlive('7', 9500), 'a keep-alive after expiry: TTL 0').toBe(0);
    expect(lessor.keepAlive('99', 9500), 'a keep-alive of an unknown lease: TTL 0').toBe(0);
  });

  test('a new leader gives every lease its whole TTL again', () => {
    const lessor = new LeaderLessor();
    lessor.granted('7', 5, 0);
    lessor.promote(60_000);
    expect(lessor.due(64_000), 'promoted at 60 s: a 5 s lease is not due at 64 s').toEqual([]);
    expect(lessor.due(65_000), '... and is due at 65 s').toEqual(['7']);
    lessor.demote();
    expect(lessor.due(120_000), 'demoted: nothing is due').toEqual([]);
  });
});
