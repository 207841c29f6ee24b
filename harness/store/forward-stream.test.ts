// A follower's writes on their way to the leader: a line per round of writes on one long-lived
// stream, a line of answers back, and the writes of a stream that breaks or stalls failed, not lost
// in silence.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import type { Applied, Command } from '../contracts/raft-server.ts';
import { waitFor } from '../testing/wait.ts';
import { FORWARD_STREAM_PATH, ForwardStreams, serveForwardStream } from './forward-stream.ts';

/** A leader's peer port serving the forward stream with `propose`; it counts streams and lines. */
async function leaderPort(propose: (command: Command) => Promise<Applied>) {
  const seen = { streams: 0, lines: 0, paths: [] as string[] };
  const server = createServer((request, response) => {
    seen.streams++;
    seen.paths.push(String(request.url));
    request.on('data', (chunk: Buffer) => (seen.lines += chunk.toString().split('\n').length - 1));
    serveForwardStream(request, response, propose);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const lead = {
    id: 1,
    name: 's1',
    peerUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  };
  const close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  };
  return { seen, lead, server, close };
}

const put = (key: string): Command => ({ path: '/v3/kv/put', body: JSON.stringify({ key }) });
const echo = async (command: Command): Promise<Applied> => ({
  status: 200,
  body: 'body' in command ? command.body : '{}',
});
const never = () => new Promise<Applied>(() => undefined);

describe('ForwardStreams', () => {
  test('sends the writes of one round as one line, and gives each write its own answer', async () => {
    const leader = await leaderPort(echo);
    const forwarding = new ForwardStreams(2, 5000);
    try {
      const answers = await Promise.all(
        ['a', 'b', 'c'].map((key) => forwarding.forward(leader.lead, put(key))),
      );
      expect(
        answers.map((applied) => JSON.parse(applied.body).key),
        'three writes forwarded in one round: each answer is its own write',
      ).toEqual(['a', 'b', 'c']);
      expect(leader.seen.lines, 'the three writes travelled as one line').toBe(1);
      await forwarding.forward(leader.lead, put('d'));
      expect(leader.seen.streams, 'a later round goes on the same stream').toBe(1);
      expect(leader.seen.paths[0], 'the stream is the leader route').toBe(FORWARD_STREAM_PATH);
    } finally {
      forwarding.stop();
      await leader.close();
    }
  });

  test('fails the writes of a stream that breaks, and opens another for the next', async () => {
    let answering = false;
    const leader = await leaderPort((command) => (answering ? echo(command) : never()));
    const forwarding = new ForwardStreams(2, 5000);
    try {
      const lost = forwarding.forward(leader.lead, put('a'));
      await waitFor(() => leader.seen.lines === 1, 'the write reached the leader', 10_000);
      leader.server.closeAllConnections();
      await expect(lost, 'a write whose stream broke before its answer').rejects.toThrow(
        'etcdserver: request timed out, possibly due to connection lost',
      );
      answering = true;
      const next = await forwarding.forward(leader.lead, put('b'));
      expect(JSON.parse(next.body).key, 'the next write, on a new stream').toBe('b');
      expect(leader.seen.streams, 'two streams in all').toBe(2);
    } finally {
      forwarding.stop();
      await leader.close();
    }
  });

  test('gives up a batch left unanswered past the timeout, with its stream', async () => {
    const leader = await leaderPort(never);
    const forwarding = new ForwardStreams(2, 100);
    try {
      await expect(
        forwarding.forward(leader.lead, put('a')),
        'a write the leader never answers',
      ).rejects.toThrow('possibly due to connection lost');
      await expect(forwarding.forward(leader.lead, put('b')), 'the next one').rejects.toThrow();
      expect(leader.seen.streams, 'the stalled stream was replaced').toBe(2);
    } finally {
      forwarding.stop();
      await leader.close();
    }
  });
});
