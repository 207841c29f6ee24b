// The kubelet's Events: what `kubectl describe pod` lists under Events, in the kubelet's words.
//
//   Normal   Pulled     Container image "kata/crash" already present on machine
//   Normal   Created    Created container app
//   Normal   Started    Started container app
//   Warning  BackOff    Back-off restarting failed container app in pod web_default(6a1f...)
//   Warning  Unhealthy  Liveness probe failed: HTTP probe failed with statuscode: 500
//   Normal   Killing    Container app failed liveness probe, will be restarted
//
// An event about a container is about its pod, with a fieldPath that points into the pod's spec:
// spec.containers{app}. The source is the kubelet on its node (source.host), so `kubectl events`
// shows which node said it. The writing, and the counting of repeats (a crash loop's BackOff is
// one Event whose count grows), is the event recorder's (harness/client/events.ts).
import type { EventNote } from '../../harness/client/events.ts';
import type { KubeEvent, Pod } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Events';

/** The component the kubelet's events come from. */
export const kubeletComponent = 'kubelet';

/**
 * An Event from the kubelet on `nodeName` about `pod`, or about one of its containers when
 * `container` is given (involvedObject.fieldPath spec.containers{<name>}): apiVersion v1, kind
 * Event, metadata.generateName "<pod>." in the pod's namespace; involvedObject apiVersion v1, kind
 * Pod, the pod's namespace, name and uid; the note's type, reason and message; source
 * { component: kubeletComponent, host: nodeName }; reportingComponent kubeletComponent.
 */
export function kubeletEvent(
  pod: Pick<Pod, 'metadata'>,
  nodeName: string,
  note: EventNote,
  container?: string,
): KubeEvent {
  throw new NotImplemented('kubeletEvent', section);
}

/**
 * The image is on the node already (images here are programs shipped with the kata): Normal
 * Pulled, `Container image "<image>" already present on machine`.
 */
export function pulled(image: string): EventNote {
  throw new NotImplemented('pulled', section);
}

/** The image could not be pulled: Warning Failed, `Failed to pull image "<image>": <why>`. */
export function failedPull(image: string, why: string): EventNote {
  throw new NotImplemented('failedPull', section);
}

/** A failed pull waits out its back-off: Normal BackOff, `Back-off pulling image "<image>"`. */
export function pullBackOff(image: string): EventNote {
  throw new NotImplemented('pullBackOff', section);
}

/** The runtime created the container: Normal Created, `Created container <name>`. */
export function created(container: string): EventNote {
  throw new NotImplemented('created', section);
}

/** The runtime started the container: Normal Started, `Started container <name>`. */
export function started(container: string): EventNote {
  throw new NotImplemented('started', section);
}

/**
 * The kubelet stops the container, Normal Killing: `Stopping container <name>`, or, when a probe failed, `Container
 * <name> failed <liveness|startup> probe, will be restarted`.
 */
export function killing(container: string, failedProbe?: 'liveness' | 'startup'): EventNote {
  throw new NotImplemented('killing', section);
}

/**
 * The container is held in its crash back-off: Warning BackOff, `Back-off restarting failed
 * container <name> in pod <pod name>_<namespace>(<uid>)`.
 */
export function backOff(pod: Pod, container: string): EventNote {
  throw new NotImplemented('backOff', section);
}

/** A probe failed: Warning Unhealthy, `<Liveness|Readiness|Startup> probe failed: <its output>`. */
export function unhealthy(kind: string, output: string): EventNote {
  throw new NotImplemented('unhealthy', section);
}

/** The container could not be pulled, created or started: Warning Failed, `Error: <why>`. */
export function failed(why: string): EventNote {
  throw new NotImplemented('failed', section);
}
