// A follower's writes on their way to the leader. A follower cannot propose; it hands each client
// write to the leader and answers with what the leader's store said (chapter 16b's proposeVia does
// this with one POST /propose a write). Here the writes travel as the Raft messages do
// (PeerTransport in member-server.ts): on one long-lived stream to the leader, a
// POST <leader's peer URL>/propose/stream whose body never ends.
//   - The follower writes a line per batch, `{"id":7,"commands":[…]}`: the writes that reached it
//     in one round of the event loop (etcd's followers forward proposals in batches too).
//   - The leader proposes each command and, once the batch is applied, writes back a line
//     `{"id":7,"applied":[…]}`, one answer per command, in order.
// A line costs one write each way, where a request and its answer cost the HTTP parsing on both
// members as well: about a fifth of a millisecond of a follower's put (the raft-store bench).
// A stream that breaks fails the writes waiting on it, their outcome unknown, with etcd's
// "request timed out, possibly due to connection lost"; one that leaves a batch unanswered past
// the timeout is given up the same way. The next batch opens a new stream.
import { request as httpRequest, type ClientRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NodeId } from '../contracts/raft.ts';
import { onLines } from '../lines.ts';
import type { Applied, Command, RaftPeer } from '../contracts/raft-server.ts';

/** The route on the leader's peer port. */
export const FORWARD_STREAM_PATH = '/propose/stream';

/** etcd's error for a request whose connection to the leader was lost (ErrTimeoutDueToConnectionLost). */
const CONNECTION_LOST = 'etcdserver: request timed out, possibly due to connection lost';

interface Waiter {
  resolve(applied: Applied): void;
  reject(error: Error): void;
}

/** One batch sent on a stream: its writes' waiters, and the timer that gives up on it. */
interface Sent {
  waiters: Waiter[];
  timer: NodeJS.Timeout;
}

/** The open stream to one leader, and the batches it has not answered yet. */
interface Stream {
  request: ClientRequest;
  unanswered: Map<number, Sent>;
}

/** The follower's side: batches its writes of a round and sends them on the leader's stream. */
export class ForwardStreams {
  private readonly self: NodeId;
  private readonly timeoutMs: number;
  private readonly streams = new Map<NodeId, Stream>();
  /** The writes gathered in this round of the event loop, for the leader they will go to. */
  private gathering: { lead: RaftPeer; commands: Command[]; waiters: Waiter[] } | undefined;
  private batches = 0;
  private stopped = false;

  constructor(self: NodeId, timeoutMs: number) {
    this.self = self;
    this.timeoutMs = timeoutMs;
  }

  /** Hands `command` to `lead`; resolves with the leader's answer to it. */
  forward(lead: RaftPeer, command: Command): Promise<Applied> {
    if (this.stopped) return Promise.reject(new Error('etcdserver: server stopped'));
    let batch = this.gathering;
    if (!batch || batch.lead.id !== lead.id) {
      batch = { lead, commands: [], waiters: [] };
      this.gathering = batch;
      const gathered = batch;
      setImmediate(() => {
        if (this.gathering === gathered) this.gathering = undefined;
        this.send(gathered.lead, gathered.commands, gathered.waiters);
      });
    }
    batch.commands.push(command);
    return new Promise((resolve, reject) => batch.waiters.push({ resolve, reject }));
  }

  /** Writes one batch as a line on the leader's stream, opening the stream if need be. */
  private send(lead: RaftPeer, commands: Command[], waiters: Waiter[]): void {
    const stream = this.stream(lead);
    const id = ++this.batches;
    const timer = setTimeout(() => this.close(lead.id, stream), this.timeoutMs);
    stream.unanswered.set(id, { waiters, timer });
    stream.request.write(`${JSON.stringify({ id, commands })}\n`);
  }

  /** The open stream to `lead`, or a new one. */
  private stream(lead: RaftPeer): Stream {
    const open = this.streams.get(lead.id);
    if (open) return open;
    const request = httpRequest(`${lead.peerUrl}${FORWARD_STREAM_PATH}`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/x-ndjson', 'x-server-from': String(this.self) },
    });
    const stream: Stream = { request, unanswered: new Map() };
    request.on('response', (reply) => {
      if (reply.statusCode !== 200) return this.close(lead.id, stream);
      readLines(reply, (line) => this.answered(stream, line));
      reply.on('close', () => this.close(lead.id, stream));
    });
    request.on('error', () => this.close(lead.id, stream));
    request.on('close', () => this.close(lead.id, stream));
    request.flushHeaders();
    this.streams.set(lead.id, stream);
    return stream;
  }

  /** A line of answers: each waiter of its batch gets its own. */
  private answered(stream: Stream, line: string): void {
    const { id, applied } = JSON.parse(line) as { id: number; applied: Applied[] };
    const sent = stream.unanswered.get(id);
    if (!sent) return;
    stream.unanswered.delete(id);
    clearTimeout(sent.timer);
    sent.waiters.forEach((waiter, i) => waiter.resolve(applied[i]!));
  }

  /** Ends a stream and fails what it left unanswered; the next batch opens another. */
  private close(to: NodeId, stream: Stream): void {
    if (this.streams.get(to) === stream) this.streams.delete(to);
    for (const sent of stream.unanswered.values()) {
      clearTimeout(sent.timer);
      for (const waiter of sent.waiters) waiter.reject(new Error(CONNECTION_LOST));
    }
    stream.unanswered.clear();
    stream.request.destroy();
  }

  stop(): void {
    this.stopped = true;
    for (const [to, stream] of this.streams) this.close(to, stream);
  }
}

/**
 * The leader's side: reads a follower's batches and writes back each one's answers once they are
 * all in. `propose` puts one command through the log and answers it, failures included: a batch's
 * line always comes back whole.
 */
export function serveForwardStream(
  request: IncomingMessage,
  response: ServerResponse,
  propose: (command: Command) => Promise<Applied>,
): void {
  response.writeHead(200, { 'content-type': 'application/x-ndjson' });
  response.flushHeaders();
  readLines(request, (line) => {
    const { id, commands } = JSON.parse(line) as { id: number; commands: Command[] };
    void Promise.all(commands.map(propose)).then((applied) => {
      if (!response.destroyed) response.write(`${JSON.stringify({ id, applied })}\n`);
    });
  });
  request.on('end', () => response.end());
  request.on('error', () => response.destroy());
}

/**
 * Calls `onLine` for every complete non-empty line of `source`. A line that is not what the other
 * side writes (it throws) ends the stream: the other side then opens another.
 */
function readLines(source: IncomingMessage, onLine: (line: string) => void): void {
  onLines(source, (lines) => {
    try {
      for (const line of lines) if (line !== '') onLine(line);
    } catch {
      source.destroy();
    }
  });
}
