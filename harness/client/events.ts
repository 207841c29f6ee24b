// Events: the short notes components leave about objects ("Scaled up replica set web-5d59 to 3"),
// which `kubectl describe` lists under the object and `kubectl get events` shows. Best effort: an
// event lost is a line missing from a listing, never a reason for a component to fail.
import type { KubeEvent, KubeObject } from '../api/types.ts';
import { rfc3339, systemClock, type Clock } from '../clock.ts';
import type { ApiClient } from './types.ts';

export interface EventNote {
  type: 'Normal' | 'Warning';
  /** One CamelCase word: ScalingReplicaSet, FailedScheduling. */
  reason: string;
  message: string;
}

/** Records an event about `object`, from `component` ("deployment-controller"). */
export async function recordEvent(
  client: ApiClient,
  component: string,
  object: KubeObject,
  note: EventNote,
  clock: Clock = systemClock,
): Promise<void> {
  const now = rfc3339(clock.now());
  const event: KubeEvent = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { generateName: `${object.metadata.name}.`, namespace: object.metadata.namespace },
    involvedObject: {
      apiVersion: object.apiVersion,
      kind: object.kind,
      namespace: object.metadata.namespace,
      name: object.metadata.name,
      uid: object.metadata.uid,
    },
    reason: note.reason,
    message: note.message,
    type: note.type,
    source: { component },
    reportingComponent: component,
    count: 1,
    firstTimestamp: now,
    lastTimestamp: now,
  };
  try {
    await client.resource('events', object.metadata.namespace).create(event);
  } catch {
    // Best effort, as above.
  }
}
