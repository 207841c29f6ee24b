// Events: the short notes components leave about objects ("Scaled up replica set web-5d59 to 3"),
// which `kubectl describe` lists under the object and `kubectl get events` shows. Best effort: an
// event lost is a line missing from a listing, never a reason for a component to fail.
//
// A component says the same thing again and again (the scheduler, every time it retries a pod that
// fits nowhere; the kubelet, at every back-off of a crash loop). Like client-go's event recorder
// (tools/record, its EventCorrelator), an EventRecorder remembers the events it wrote: an event
// identical to one it wrote (same source, object, type, reason and message) is not written anew,
// the one written is PATCHed instead with count + 1 and a new lastTimestamp. `kubectl describe`
// then shows one line, "x12 over 3m", instead of a screenful.
import type { KubeEvent, KubeObject, ObjectReference } from '../api/types.ts';
import { rfc3339, systemClock, type Clock } from '../clock.ts';
import { isNotFound } from './errors.ts';
import type { ApiClient } from './types.ts';

export interface EventNote {
  type: 'Normal' | 'Warning';
  /** One CamelCase word: ScalingReplicaSet, FailedScheduling. */
  reason: string;
  message: string;
}

/** How many distinct events a recorder remembers (client-go's cache holds as many). */
export const rememberedEvents = 4096;

/** What makes two events the same one, repeated: everything but the times, count and name. */
export function eventKey(event: KubeEvent): string {
  const object: ObjectReference = event.involvedObject;
  return JSON.stringify([
    event.source?.component,
    event.source?.host,
    object.apiVersion,
    object.kind,
    object.namespace,
    object.name,
    object.uid,
    object.fieldPath,
    event.type,
    event.reason,
    event.message,
    event.reportingComponent,
  ]);
}

/** An event written: its name, and how often it happened. */
interface Written {
  name: string;
  namespace?: string;
  count: number;
}

/** Writes events through one API client, counting repeats into the event first written. */
export class EventRecorder {
  private readonly written = new Map<string, Written>();
  /** The write in flight for each key, so a repeat waits to know the name it patches. */
  private readonly pending = new Map<string, Promise<void>>();

  private readonly client: ApiClient;
  private readonly clock: Clock;

  constructor(client: ApiClient, clock: Clock = systemClock) {
    this.client = client;
    this.clock = clock;
  }

  /**
   * Writes `event` (count, firstTimestamp and lastTimestamp are filled in), or, when the same event
   * was written before, PATCHes that one: count + 1, lastTimestamp now. Never throws.
   */
  record(event: KubeEvent): Promise<void> {
    const key = eventKey(event);
    const previous = this.pending.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.write(key, event)).catch(() => {});
    this.pending.set(key, next);
    void next.then(() => {
      if (this.pending.get(key) === next) this.pending.delete(key);
    });
    return next;
  }

  private async write(key: string, event: KubeEvent): Promise<void> {
    const now = rfc3339(this.clock.now());
    const events = this.client.resource<KubeEvent>('events', event.metadata.namespace);
    const seen = this.written.get(key);
    if (seen) {
      seen.count++;
      this.remember(key, seen);
      try {
        await events.patch(seen.name, { count: seen.count, lastTimestamp: now }, 'merge');
        return;
      } catch (error) {
        // Deleted meanwhile (events expire after an hour): write it anew, as client-go does.
        if (!isNotFound(error)) throw error;
      }
    }
    const count = seen?.count ?? 1;
    const created = await events.create({
      ...event,
      count,
      firstTimestamp: event.firstTimestamp ?? now,
      lastTimestamp: now,
    });
    this.remember(key, {
      name: created.metadata.name!,
      namespace: event.metadata.namespace,
      count,
    });
  }

  /** Remembers the newest `rememberedEvents` events, forgetting the least recently seen first. */
  private remember(key: string, written: Written): void {
    this.written.delete(key);
    this.written.set(key, written);
    if (this.written.size > rememberedEvents) {
      this.written.delete(this.written.keys().next().value!);
    }
  }
}

/** One recorder per API client: every component that shares a client shares its memory. */
const recorders = new WeakMap<ApiClient, EventRecorder>();

/** The EventRecorder of `client` (made the first time). */
export function eventRecorder(client: ApiClient, clock: Clock = systemClock): EventRecorder {
  let recorder = recorders.get(client);
  if (!recorder) {
    recorder = new EventRecorder(client, clock);
    recorders.set(client, recorder);
  }
  return recorder;
}

/** The Event about `object` from `component` ("deployment-controller"), as first written. */
export function eventAbout(
  object: KubeObject,
  component: string,
  note: EventNote,
  extra: { host?: string; fieldPath?: string } = {},
): KubeEvent {
  // An Event about a cluster-scoped object (a Node) lives in the default namespace, as in kube.
  const namespace = object.metadata.namespace ?? 'default';
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { generateName: `${object.metadata.name}.`, namespace },
    involvedObject: {
      apiVersion: object.apiVersion,
      kind: object.kind,
      namespace: object.metadata.namespace,
      name: object.metadata.name,
      uid: object.metadata.uid,
      ...(extra.fieldPath ? { fieldPath: extra.fieldPath } : {}),
    },
    reason: note.reason,
    message: note.message,
    type: note.type,
    source: extra.host ? { component, host: extra.host } : { component },
    reportingComponent: component,
  };
}

/** Records an event about `object`, from `component` ("deployment-controller"). */
export async function recordEvent(
  client: ApiClient,
  component: string,
  object: KubeObject,
  note: EventNote,
  clock: Clock = systemClock,
): Promise<void> {
  await eventRecorder(client, clock).record(eventAbout(object, component, note));
}
