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
import { eventAbout, type EventNote } from '../../harness/client/events.ts';
import type { KubeEvent, Pod } from '../../harness/api/types.ts';

/** The component the kubelet's events come from. */
export const kubeletComponent = 'kubelet';

/**
 * An Event from the kubelet on `nodeName` about `pod`, or about one of its containers when
 * `container` is given (involvedObject.fieldPath spec.containers{<name>}).
 */
export function kubeletEvent(
  pod: Pick<Pod, 'metadata'>,
  nodeName: string,
  note: EventNote,
  container?: string,
): KubeEvent {
  const about = { ...pod, apiVersion: 'v1', kind: 'Pod' };
  const fieldPath = container === undefined ? undefined : `spec.containers{${container}}`;
  return eventAbout(about, kubeletComponent, note, { host: nodeName, fieldPath });
}

/** The image is on the node already (images here are programs shipped with the kata). */
export function pulled(image: string): EventNote {
  const message = `Container image "${image}" already present on machine`;
  return { type: 'Normal', reason: 'Pulled', message };
}

/** The image could not be pulled (then `Error: ErrImagePull`). */
export function failedPull(image: string, why: string): EventNote {
  return { type: 'Warning', reason: 'Failed', message: `Failed to pull image "${image}": ${why}` };
}

/** A pull that failed is not tried again before its back-off (then `Error: ImagePullBackOff`). */
export function pullBackOff(image: string): EventNote {
  return { type: 'Normal', reason: 'BackOff', message: `Back-off pulling image "${image}"` };
}

/** The runtime created the container. */
export function created(container: string): EventNote {
  return { type: 'Normal', reason: 'Created', message: `Created container ${container}` };
}

/** The runtime started the container. */
export function started(container: string): EventNote {
  return { type: 'Normal', reason: 'Started', message: `Started container ${container}` };
}

/**
 * The kubelet stops the container: `Stopping container <name>`, or, when a probe failed, `Container
 * <name> failed <liveness|startup> probe, will be restarted`.
 */
export function killing(container: string, failedProbe?: 'liveness' | 'startup'): EventNote {
  const message = failedProbe
    ? `Container ${container} failed ${failedProbe} probe, will be restarted`
    : `Stopping container ${container}`;
  return { type: 'Normal', reason: 'Killing', message };
}

/** The container is held in its crash back-off; the pod as kube writes it: name_namespace(uid). */
export function backOff(pod: Pod, container: string): EventNote {
  const { name, namespace, uid } = pod.metadata;
  const message = `Back-off restarting failed container ${container} in pod ${name}_${namespace}(${uid})`;
  return { type: 'Warning', reason: 'BackOff', message };
}

/** A probe failed: `<Liveness|Readiness|Startup> probe failed: <its output>`. */
export function unhealthy(kind: string, output: string): EventNote {
  return { type: 'Warning', reason: 'Unhealthy', message: `${kind} probe failed: ${output}` };
}

/** The container could not be pulled, created or started: `Error: <why>`. */
export function failed(why: string): EventNote {
  return { type: 'Warning', reason: 'Failed', message: `Error: ${why}` };
}
