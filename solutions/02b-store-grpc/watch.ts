// etcd's Watch service over gRPC: one bidirectional stream per client, on which it creates and
// cancels any number of watches and asks for progress; every answer names the watch it is for.
//
// The rules are etcd's, as chapter 02's JSON watch follows them too: a create is answered
// `created` at the current revision; history from a start revision comes next, then each new
// revision as one message; a start revision below the compaction is answered canceled with the
// compact revision; a progress request is answered with the current revision for watch -1. An
// event goes out only once its revision is on disk.
import type * as grpc from '@grpc/grpc-js';
import { compareBytes } from '../../harness/store/bytes.ts';
import { errors, StoreError } from '../../harness/store/errors.ts';
import type { ProtoMessage } from '../../harness/store/grpc.ts';
import type { Event, WatchResponse, Watcher } from '../../harness/store/types.ts';
import { eventMessage, headerMessage, numberOf, watchRequestOf } from './messages.ts';
import { statusOf, type ServiceState } from './services.ts';

/** How a watch stream's messages leave: each with the revision that must be on disk first. */
export type WatchSender = (message: ProtoMessage, revision: number) => void;

/** At most this many revisions of replayed history go in one message, as in etcd. */
const WATCH_BATCH_MAX_REVISIONS = 1000;

interface WatchEntry {
  watcher: Watcher;
  progressNotify: boolean;
  /** Nothing was sent on this watch since the last progress tick. */
  quiet: boolean;
}

/** One Watch stream: the watches a client made on it, by ID. It knows nothing of gRPC. */
export class WatchStream {
  private readonly state: ServiceState;
  private readonly send: WatchSender;
  private readonly watchers = new Map<number, WatchEntry>();
  private nextId = 0;
  private progressTimer: NodeJS.Timeout | undefined;

  constructor(state: ServiceState, send: WatchSender) {
    this.state = state;
    this.send = send;
  }

  /** One WatchRequest: a create, a cancel or a progress request; anything else is ignored. */
  handle(request: ProtoMessage): void {
    if (request.requestUnion === 'createRequest') this.create(request.createRequest);
    else if (request.requestUnion === 'cancelRequest')
      this.cancel(numberOf(request.cancelRequest.watchId));
    else if (request.requestUnion === 'progressRequest') this.progress();
  }

  /** The client went away: every watch of this stream is canceled in the store. */
  close(): void {
    for (const { watcher } of this.watchers.values()) watcher.cancel();
    this.watchers.clear();
    clearInterval(this.progressTimer);
  }

  private header(revision: number): ProtoMessage {
    return headerMessage(this.state.member, revision);
  }

  /**
   * A create request: refused when its range is empty or its ID taken; otherwise `created`, then
   * the history from its start revision in batches, then each new revision as it happens.
   */
  create(message: ProtoMessage): void {
    const { store } = this.state;
    const revision = store.revision;
    const request = watchRequestOf(message);
    if (request.key.length === 0) request.key = new Uint8Array([0]);
    const rangeEnd = request.rangeEnd?.length ? request.rangeEnd : undefined;
    const fromKey = rangeEnd?.length === 1 && rangeEnd[0] === 0;
    if (rangeEnd && !fromKey && compareBytes(request.key, rangeEnd) >= 0) {
      return this.refuse('mvcc: watcher range is empty', revision);
    }
    const asked = numberOf(message.watchId);
    if (asked !== 0 && this.watchers.has(asked)) {
      return this.refuse('mvcc: duplicate watch ID provided on the WatchStream', revision);
    }
    const watchId = asked !== 0 ? asked : this.freeId();
    this.send({ header: this.header(revision), watchId, created: true }, revision);
    const history: WatchResponse[] = [];
    let replaying = true;
    try {
      const watcher = store.watch({ ...request, rangeEnd }, (response) => {
        if (replaying) history.push(response);
        else this.events(watchId, response.events, response.revision);
      });
      const progressNotify = message.progressNotify ?? false;
      this.watchers.set(watchId, { watcher, progressNotify, quiet: true });
    } catch (error) {
      if (!(error instanceof StoreError) || error.message !== errors.compacted().message)
        throw error;
      return this.compacted(watchId, revision);
    }
    replaying = false;
    for (let i = 0; i < history.length; i += WATCH_BATCH_MAX_REVISIONS) {
      const batch = history.slice(i, i + WATCH_BATCH_MAX_REVISIONS);
      this.events(
        watchId,
        batch.flatMap((response) => response.events),
        store.revision,
      );
    }
    if (message.progressNotify) this.startProgressTimer();
  }

  /** The lowest watch ID not in use on this stream, counting up from 0. */
  private freeId(): number {
    while (this.watchers.has(this.nextId)) this.nextId += 1;
    this.nextId += 1;
    return this.nextId - 1;
  }

  private events(watchId: number, events: Event[], revision: number): void {
    if (events.length === 0) return;
    const entry = this.watchers.get(watchId);
    if (entry) entry.quiet = false;
    const message = { header: this.header(revision), watchId, events: events.map(eventMessage) };
    this.send(message, revision);
  }

  /** A watch that cannot be created: created and canceled at once, watch_id -1, and why. */
  refuse(reason: string, revision: number): void {
    this.send(
      {
        header: this.header(revision),
        watchId: -1,
        created: true,
        canceled: true,
        cancelReason: reason,
      },
      revision,
    );
  }

  /**
   * A start revision below the compaction: canceled with the compact revision, so the client
   * knows where history now starts (etcdctl says "required revision has been compacted").
   */
  compacted(watchId: number, revision: number): void {
    const { compactRevision } = this.state.store;
    const reason = errors.compacted().message;
    this.send(
      { header: this.header(0), watchId, canceled: true, compactRevision, cancelReason: reason },
      revision,
    );
  }

  /** A cancel request: the watch stops and says so; an ID it does not know is ignored. */
  cancel(watchId: number): void {
    const entry = this.watchers.get(watchId);
    if (!entry) return;
    entry.watcher.cancel();
    this.watchers.delete(watchId);
    const revision = this.state.store.revision;
    this.send({ header: this.header(revision), watchId, canceled: true }, revision);
  }

  /** A progress request: the current revision, for the whole stream (watch_id -1). */
  progress(): void {
    const revision = this.state.store.revision;
    this.send({ header: this.header(revision), watchId: -1 }, revision);
  }

  /**
   * progress_notify: every interval, each such watch that heard nothing since the last tick is
   * told the current revision (a message with its watch ID and no events), so a client knows how
   * far it is up to date. etcd's interval is 10 minutes.
   */
  startProgressTimer(): void {
    if (this.progressTimer) return;
    this.progressTimer = setInterval(() => {
      const revision = this.state.store.revision;
      for (const [watchId, entry] of this.watchers) {
        if (entry.progressNotify && entry.quiet) {
          this.send({ header: this.header(revision), watchId }, revision);
        }
        entry.quiet = true;
      }
    }, this.state.progressNotifyIntervalMs);
    this.progressTimer.unref();
  }
}

/**
 * Writes a stream's messages in order, each once its revision is on disk; without a disk, at
 * once. A failed disk ends the stream with etcd's Unavailable.
 */
export function orderedSender(
  call: grpc.ServerDuplexStream<ProtoMessage, ProtoMessage>,
  state: ServiceState,
): WatchSender {
  const { durability } = state;
  if (!durability) return (message) => call.write(message);
  let previous = Promise.resolve();
  return (message, revision) => {
    previous = previous
      .then(() => durability.durableThrough(revision))
      .then(
        () => {
          call.write(message);
        },
        (error: unknown) => {
          call.emit('error', statusOf(error));
        },
      );
  };
}

/** The Watch service: each stream gets a WatchStream, closed when the client goes away. */
export function watchService(
  state: ServiceState,
  streams: Set<grpc.ServerDuplexStream<ProtoMessage, ProtoMessage>>,
): grpc.UntypedServiceImplementation {
  const watch: grpc.handleBidiStreamingCall<ProtoMessage, ProtoMessage> = (call) => {
    const stream = new WatchStream(state, orderedSender(call, state));
    streams.add(call);
    const close = () => {
      stream.close();
      streams.delete(call);
    };
    call.on('data', (request: ProtoMessage) => {
      try {
        stream.handle(request);
      } catch (error) {
        call.emit('error', statusOf(error));
      }
    });
    // A client that stops sending (half-closes) keeps its watches, as in etcd; they end when it
    // cancels the call or goes away.
    call.on('cancelled', close);
    call.on('close', close);
    call.on('error', close);
  };
  return { Watch: watch };
}
