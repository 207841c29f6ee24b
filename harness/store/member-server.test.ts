// The member server's peer transport: Appends that continue one another travel as one, on one
// long-lived stream per peer, given up and opened again when it brings nothing back; and the
// cluster's header on a member's answers.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import type { Message } from '../contracts/raft.ts';
import { waitFor } from '../testing/wait.ts';
import { coalesceAppends, PeerTransport, withMemberHeader } from './member-server.ts';

const append = (index: number, entries: number[], commit: number, extra: Partial<Message> = {}) =>
  ({
    type: 'Append',
    from: 1,
    to: 2,
    term: 3,
    index,
    logTerm: 3,
    entries: entries.map((at) => ({ term: 3, index: at })),
    commit,
    ...extra,
  }) as Message;

describe('coalesceAppends', () => {
  test('joins Appends that continue one another, with the later commit index', () => {
    const joined = coalesceAppends([append(4, [5], 4), append(5, [6], 5), append(6, [], 6)]);
    expect(joined, 'entries 5, then 6, then a heartbeat with commit 6').toEqual([
      append(4, [5, 6], 6),
    ]);
  });

  test("keeps apart what does not continue: a gap, another term, a read's context, another type", () => {
    const batch = [
      append(4, [5], 4),
      append(7, [8], 4),
      append(8, [9], 4, { term: 4 }),
      append(9, [], 4, { term: 4, context: 'read-1' }),
      { type: 'TimeoutNow', from: 1, to: 2, term: 4, index: 0, logTerm: 0 } as Message,
    ];
    expect(coalesceAppends(batch), 'five messages, none continuing the one before').toEqual(batch);
  });
});

/** A peer port that records each stream's sender and lines; `beats` says whether it answers them. */
async function peerPort(beats: boolean) {
  const streams: Array<{ from: string; lines: string[] }> = [];
  const server = createServer((request, response) => {
    const stream = { from: String(request.headers['x-server-from']), lines: [] as string[] };
    streams.push(stream);
    response.writeHead(200);
    response.flushHeaders();
    const beat = setInterval(() => beats && response.write('\n'), 20);
    response.on('close', () => clearInterval(beat));
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => stream.lines.push(...chunk.split('\n').filter(Boolean)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const peerUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  };
  return { streams, peerUrl, close };
}

describe('PeerTransport', () => {
  test('sends a peer its messages on one stream, a line of JSON per batch', async () => {
    const peer = await peerPort(true);
    const transport = new PeerTransport(1, [{ id: 2, name: 's2', peerUrl: peer.peerUrl }]);
    try {
      transport.send([append(4, [5], 4)]);
      await waitFor(() => peer.streams[0]?.lines.length === 1, 'the first batch', 10_000);
      transport.send([append(5, [6], 5)]);
      await waitFor(() => peer.streams[0]?.lines.length === 2, 'the second batch', 10_000);
      expect(peer.streams.length, 'both batches on one stream').toBe(1);
      expect(peer.streams[0]!.from, 'the stream names its sender').toBe('1');
      expect(JSON.parse(peer.streams[0]!.lines[1]!), 'the second line').toEqual([
        append(5, [6], 5),
      ]);
    } finally {
      transport.stop();
      await peer.close();
    }
  });

  test('holds an Append that only tells the commit index for the next Append or a moment, keeping the order', async () => {
    const peer = await peerPort(true);
    const transport = new PeerTransport(1, [{ id: 2, name: 's2', peerUrl: peer.peerUrl }]);
    try {
      transport.send([append(4, [5], 4)]);
      await waitFor(() => peer.streams[0]?.lines.length === 1, 'the entry', 10_000);
      transport.send([append(5, [], 5)]);
      transport.send([append(5, [6], 5)]);
      await waitFor(() => peer.streams[0]!.lines.length >= 2, 'the next line', 10_000);
      expect(
        JSON.parse(peer.streams[0]!.lines[1]!),
        'the commit index, held, went with the entry sent after it in the same round, in order',
      ).toEqual([append(5, [6], 5)]);
      transport.send([append(6, [], 6)]);
      await waitFor(() => peer.streams[0]?.lines.length === 3, 'a commit index alone', 10_000);
      expect(
        JSON.parse(peer.streams[0]!.lines[2]!),
        'with no Append after it, it goes alone',
      ).toEqual([append(6, [], 6)]);
    } finally {
      transport.stop();
      await peer.close();
    }
  });

  test('gives up a stream that brings nothing back, and opens another', async () => {
    const peer = await peerPort(false);
    const peers = [{ id: 2, name: 's2', peerUrl: peer.peerUrl }];
    const transport = new PeerTransport(1, peers, { silenceMs: 100 });
    try {
      await waitFor(
        () => {
          transport.send([append(4, [5], 4)]);
          return peer.streams.length >= 2;
        },
        'a second stream, the first one silent',
        10_000,
      );
      expect(peer.streams[1]!.from, 'the new stream names its sender').toBe('1');
    } finally {
      transport.stop();
      await peer.close();
    }
  });
});

describe('withMemberHeader', () => {
  const headerAt = (revision: string | undefined) => ({
    cluster_id: '7',
    member_id: '8',
    ...(revision ? { revision } : {}),
    raft_term: '3',
  });
  const storeHeader = '{"cluster_id":"1","member_id":"2","revision":"5","raft_term":"1"}';
  const memberHeader = '{"cluster_id":"7","member_id":"8","revision":"5","raft_term":"3"}';

  test("puts the member's header in place of the store's, the rest of the answer as it was", () => {
    const body = `{"header":${storeHeader},"kvs":[{"key":"YQ==","value":"e30="}],"count":"1"}`;
    expect(
      withMemberHeader({ status: 200, body }, headerAt).body,
      "a range's answer from the store, header first",
    ).toBe(`{"header":${memberHeader},"kvs":[{"key":"YQ==","value":"e30="}],"count":"1"}`);
  });

  test('reads a header that does not come first as well, and leaves errors and headerless answers', () => {
    const late = `{"deleted":"1","header":${storeHeader}}`;
    expect(
      JSON.parse(withMemberHeader({ status: 200, body: late }, headerAt).body),
      'an answer whose header comes last',
    ).toEqual({ deleted: '1', header: JSON.parse(memberHeader) });
    const noRevision = withMemberHeader(
      { status: 200, body: '{"header":{"member_id":"2"}}' },
      headerAt,
    );
    expect(JSON.parse(noRevision.body).header, 'a header without a revision gets none').toEqual(
      headerAt(undefined),
    );
    const error = { status: 404, body: '{"error":"no such lease","code":5}' };
    expect(withMemberHeader(error, headerAt), 'an error answer').toBe(error);
    const plain = { status: 200, body: '{}' };
    expect(withMemberHeader(plain, headerAt), 'an answer with no header').toBe(plain);
  });
});
