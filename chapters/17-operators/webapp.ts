// The operator: a controller for a kind of one's own, built from chapter 04's toolkit exactly as
// the ReplicaSet controller was. A WebApp (example.com/v1) asks for an image served on a port by
// some replicas; the operator makes what Kubernetes needs for that and reports back:
//
//   WebApp shop ──owns──► Deployment shop (replicas, the image, the port)
//               ──owns──► Service shop (port 80 → the container's port)
//               ──entry─► ConfigMap kube-public/webapp-directory: "default.shop" → its URL
//   status: replicas, readyReplicas, selector (for `kubectl scale`), a Ready condition
//
// The Deployment and the Service carry an ownerReference to the WebApp, so the garbage collector
// removes them with it. The directory entry lives in another namespace, where no ownerReference
// can reach, so the operator holds the WebApp with a finalizer until it has taken the entry out.
// reconcile(key) is level-based: it looks at what is, makes one step toward what should be, and
// is called again by every change of the WebApp or of what it owns.
import type { ResourceType } from '../../harness/api/resources.ts';
import type {
  ConfigMap,
  Deployment,
  KubeObject,
  OwnerReference,
  Service,
} from '../../harness/api/types.ts';
import type { ApiClient, Controller, Informer, Toolkit } from '../../harness/client/types.ts';
import { ApiError } from '../../harness/api/errors.ts';
import { rfc3339, systemClock, type TimerClock } from '../../harness/clock.ts';
import type { OperatorOptions, RunningOperator } from '../../harness/contracts/apiextensions.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ The operator';

/** What a WebApp asks for. */
export interface WebAppSpec {
  image: string;
  replicas?: number;
  /** The port the container listens on. 8080. */
  port?: number;
}

export interface WebAppCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface WebAppStatus {
  observedGeneration?: number;
  replicas?: number;
  readyReplicas?: number;
  /** The pods' label selector as text, for the scale subresource's labelSelectorPath. */
  selector?: string;
  /** Where the WebApp is reached inside the cluster. */
  url?: string;
  conditions?: WebAppCondition[];
}

export interface WebApp extends KubeObject {
  spec: WebAppSpec;
  status?: WebAppStatus;
}

/** The WebApp resource, as the client needs it (the CRD in webapp-crd.yaml defines it). */
export const webApps: ResourceType = {
  group: 'example.com',
  version: 'v1',
  resource: 'webapps',
  singular: 'webapp',
  kind: 'WebApp',
  namespaced: true,
  shortNames: ['wa'],
  categories: [],
  subresources: ['status', 'scale'],
  nameRule: 'subdomain',
};

/** The finalizer that holds a WebApp until its directory entry is gone. */
export const DIRECTORY_FINALIZER = 'example.com/directory';
/** Where the directory of WebApps is: a ConfigMap in kube-public, readable by everyone. */
export const DIRECTORY = { namespace: 'kube-public', name: 'webapp-directory' };

/** The labels of a WebApp's pods, and the Service's selector: app.kubernetes.io/name=<name>. */
export function labelsFor(webApp: WebApp): Record<string, string> {
  throw new NotImplemented('labelsFor', section);
}

/** The ownerReference an object the WebApp owns carries: controller, blocking its deletion. */
export function ownerReferenceTo(webApp: WebApp): OwnerReference {
  throw new NotImplemented('ownerReferenceTo', section);
}

/**
 * The Deployment a WebApp wants: its name and namespace, owned by it, spec.replicas (1 when
 * absent), pods labelled by labelsFor with one container "web" running the image, its port
 * (8080 when absent) named "http".
 */
export function desiredDeployment(webApp: WebApp): Deployment {
  throw new NotImplemented('desiredDeployment', section);
}

/** The Service a WebApp wants: its name, owned by it, port 80 to the pods' port "http". */
export function desiredService(webApp: WebApp): Service {
  throw new NotImplemented('desiredService', section);
}

/**
 * Whether what is stored differs from what is wanted where the operator decides: a Deployment's
 * replicas or its pod template's container; a Service's selector and ports.
 */
export function drifted(stored: Deployment | Service, wanted: Deployment | Service): boolean {
  throw new NotImplemented('drifted', section);
}

/**
 * A WebApp's status from its Deployment (absent: not made yet): observedGeneration, replicas and
 * readyReplicas from the Deployment's status (0 when absent), the selector as text, the URL of
 * its Service, and Ready: True ("AllReplicasReady") once every wanted replica is ready, else
 * False ("ReplicasNotReady", "1 of 3 replicas ready"). lastTransitionTime (`now`) moves only
 * when Ready's status changes.
 */
export function webAppStatus(
  webApp: WebApp,
  deployment: Deployment | undefined,
  now: string,
): WebAppStatus {
  throw new NotImplemented('webAppStatus', section);
}

/** Whether an ApiError is this code. */
function isCode(error: unknown, code: number): boolean {
  throw new NotImplemented('isCode', section);
}

/**
 * The operator: informers on WebApps and on the Deployments and Services they own, feeding one
 * work queue of WebApp keys; reconcile(key) makes one WebApp's world right.
 */
export class WebAppOperator {
  readonly client!: ApiClient;
  readonly controller!: Controller;

  constructor(options: OperatorOptions) {
    throw new NotImplemented('WebAppOperator constructor', section);
  }

  /** The key of the WebApp that controls an object, if one does. */
  ownerKeys(object: KubeObject): string[] {
    throw new NotImplemented('WebAppOperator.ownerKeys', section);
  }

  /** Runs the informers and the workers until `signal` aborts. */
  run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('WebAppOperator.run', section);
  }

  /**
   * One WebApp, one step: gone, nothing to do; being deleted, take its directory entry out, then
   * the finalizer off; without the finalizer, put it on first; otherwise make its Deployment and
   * Service as wanted, put its directory entry in and write its status, when it changed.
   */
  async reconcile(key: string): Promise<void> {
    throw new NotImplemented('WebAppOperator.reconcile', section);
  }

  /** Creates the object when it is absent; updates its spec when it drifted from the wanted one. */
  async ensure<T extends Deployment | Service>(
    resource: string,
    stored: T | undefined,
    wanted: T,
  ): Promise<void> {
    throw new NotImplemented('WebAppOperator.ensure', section);
  }

  /** Sets (or, with no URL, removes) a WebApp's entry in the directory ConfigMap, made when absent. */
  async updateDirectory(key: string, url: string | undefined): Promise<void> {
    throw new NotImplemented('WebAppOperator.updateDirectory', section);
  }
}

/** Starts the operator (`kata run operator`): it runs until stop(). */
export function runOperator(options: OperatorOptions): RunningOperator {
  throw new NotImplemented('runOperator', section);
}
