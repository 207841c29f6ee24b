// The event recorder against the reference API server: repeats are counted into one Event.
import { describe, expect, test } from 'vitest';
import { examplePod } from '../api/examples.ts';
import type { KubeEvent } from '../api/types.ts';
import { FakeClock } from '../clock.ts';
import { testScope } from '../testing/scope.ts';
import { toolkit } from '../components/reference-toolkit.ts';
import { eventAbout, EventRecorder } from './events.ts';

const scope = testScope();

async function setup() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const recorder = new EventRecorder(client, clock);
  const events = client.resource<KubeEvent>('events', 'default');
  const pod = examplePod('web');
  pod.metadata.namespace = 'default';
  pod.metadata.uid = 'uid-web';
  const note = (message: string) =>
    eventAbout(pod, 'default-scheduler', { type: 'Warning', reason: 'FailedScheduling', message });
  return { recorder, events, clock, note };
}

describe('Event recorder', () => {
  test('an event repeated is one Event whose count and lastTimestamp grow', async () => {
    const { recorder, events, clock, note } = await setup();
    for (let i = 0; i < 3; i++) {
      await recorder.record(note('0/1 nodes are available'));
      clock.advance(60_000);
    }
    const { items } = await events.list();
    expect(
      items.map((event) => [event.count, event.firstTimestamp, event.lastTimestamp]),
      'the Events after the same FailedScheduling three times, a minute apart',
    ).toEqual([[3, '2026-01-01T00:00:00Z', '2026-01-01T00:02:00Z']]);
  });

  test('an event with another message is an Event of its own', async () => {
    const { recorder, events, note } = await setup();
    await recorder.record(note('0/1 nodes are available'));
    await recorder.record(note('0/2 nodes are available'));
    const { items } = await events.list();
    expect(
      items.map((event) => [event.message, event.count]).sort(),
      'the Events after two FailedScheduling with different messages',
    ).toEqual([
      ['0/1 nodes are available', 1],
      ['0/2 nodes are available', 1],
    ]);
  });

  test('repeats recorded at once still make one Event', async () => {
    const { recorder, events, note } = await setup();
    await Promise.all(Array.from({ length: 5 }, () => recorder.record(note('no room'))));
    const { items } = await events.list();
    expect(
      items.map((event) => event.count),
      'the counts of the Events after five records at once',
    ).toEqual([5]);
  });

  test('an Event deleted meanwhile is written anew, its count kept', async () => {
    const { recorder, events, note } = await setup();
    await recorder.record(note('no room'));
    const [first] = (await events.list()).items;
    await events.delete(first!.metadata.name!);
    await recorder.record(note('no room'));
    const { items } = await events.list();
    expect(
      items.map((event) => event.count),
      'the counts of the Events after a record, a delete, and the same record',
    ).toEqual([2]);
  });
});
