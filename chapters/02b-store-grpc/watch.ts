// etcd's Watch service over gRPC: one bidirectional stream per client, on which it creates and
// cancels any number of watches and asks for progress; every answer names the watch it is for.
//
// The rules are etcd's, as chapter 02's JSON watch follows them too: a create is answered
// `created` at the current revision; history from a start revision comes next, then each new
// revision as one message; a start revision below the compaction is answered canceled with the
// compact revision; a progress request is answered with the current revision for watch -1. An
// event goes out only once its revision is on disk.
import { NotImplemented } from '../../harness/not-implemented.ts';
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
    throw new NotImplemented('WatchStream.handle', '§ The Watch service');
  }

  /** The client went away: every watch of this stream is canceled in the store. */
  close(): void {
    throw new NotImplemented('WatchStream.close', '§ The Watch service');
  }

  private header(revision: number): ProtoMessage {
    return headerMessage(this.state.member, revision);
  }

  /**
   * A create request: refused when its range is empty or its ID taken; otherwise `created`, then
   * the history from its start revision in batches, then each new revision as it happens.
   */
  create(message: ProtoMessage): void {
    throw new NotImplemented('WatchStream.create', '§ The Watch service');
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
    throw new NotImplemented('WatchStream.refuse', '§ The Watch service');
  }

  /**
   * A start revision below the compaction: canceled with the compact revision, so the client
   * knows where history now starts (etcdctl says "required revision has been compacted").
   */
  compacted(watchId: number, revision: number): void {
    throw new NotImplemented('WatchStream.compacted', '§ The Watch service');
  }

  /** A cancel request: the watch stops and says so; an ID it does not know is ignored. */
  cancel(watchId: number): void {
    throw new NotImplemented('WatchStream.cancel', '§ The Watch service');
  }

  /** A progress request: the current revision, for the whole stream (watch_id -1). */
  progress(): void {
    throw new NotImplemented('WatchStream.progress', '§ The Watch service');
  }

  /**
   * progress_notify: every interval, each such watch that heard nothing since the last tick is
   * told the current revision (a message with its watch ID and no events), so a client knows how
   * far it is up to date. etcd's interval is 10 minutes.
   */
  startProgressTimer(): void {
    throw new NotImplemented('WatchStream.startProgressTimer', '§ The Watch service');
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
  throw new NotImplemented('orderedSender', '§ The Watch service');
}

/** The Watch service: each stream gets a WatchStream, closed when the client goes away. */
export function watchService(
  state: ServiceState,
  streams: Set<grpc.ServerDuplexStream<ProtoMessage, ProtoMessage>>,
): grpc.UntypedServiceImplementation {
  throw new NotImplemented('watchService', '§ The Watch service');
}
