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
  return {
    'app.kubernetes.io/name': webApp.metadata.name!,
    'app.kubernetes.io/managed-by': 'webapp-operator',
  };
}

/** The ownerReference an object the WebApp owns carries: controller, blocking its deletion. */
export function ownerReferenceTo(webApp: WebApp): OwnerReference {
  return {
    apiVersion: 'example.com/v1',
    kind: 'WebApp',
    name: webApp.metadata.name!,
    uid: webApp.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * The Deployment a WebApp wants: its name and namespace, owned by it, spec.replicas (1 when
 * absent), pods labelled by labelsFor with one container "web" running the image, its port
 * (8080 when absent) named "http".
 */
export function desiredDeployment(webApp: WebApp): Deployment {
  const labels = labelsFor(webApp);
  const { name, namespace } = webApp.metadata;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels, ownerReferences: [ownerReferenceTo(webApp)] },
    spec: {
      replicas: webApp.spec.replicas ?? 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'web',
              image: webApp.spec.image,
              ports: [{ name: 'http', containerPort: webApp.spec.port ?? 8080 }],
            },
          ],
        },
      },
    },
  } as Deployment;
}

/** The Service a WebApp wants: its name, owned by it, port 80 to the pods' port "http". */
export function desiredService(webApp: WebApp): Service {
  const { name, namespace } = webApp.metadata;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace,
      labels: labelsFor(webApp),
      ownerReferences: [ownerReferenceTo(webApp)],
    },
    spec: {
      selector: labelsFor(webApp),
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

/**
 * Whether what is stored differs from what is wanted where the operator decides: a Deployment's
 * replicas or its pod template's container; a Service's selector and ports.
 */
export function drifted(stored: Deployment | Service, wanted: Deployment | Service): boolean {
  const decided = (object: Deployment | Service) => {
    if (object.kind === 'Deployment') {
      const { replicas, template } = (object as Deployment).spec;
      const container = template.spec?.containers?.[0];
      return [replicas, container?.image, container?.ports?.[0]?.containerPort];
    }
    const { selector, ports = [] } = (object as Service).spec;
    return [selector, ports.map((port) => [port.port, port.targetPort])];
  };
  return JSON.stringify(decided(stored)) !== JSON.stringify(decided(wanted));
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
  const wanted = webApp.spec.replicas ?? 1;
  const ready = deployment?.status?.readyReplicas ?? 0;
  const selector = Object.entries(labelsFor(webApp))
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const isReady = ready >= wanted;
  const old = webApp.status?.conditions?.find((condition) => condition.type === 'Ready');
  const status = isReady ? 'True' : 'False';
  return {
    observedGeneration: webApp.metadata.generation,
    replicas: deployment?.status?.replicas ?? 0,
    readyReplicas: ready,
    selector,
    url: `http://${webApp.metadata.name}.${webApp.metadata.namespace}.svc`,
    conditions: [
      {
        type: 'Ready',
        status,
        reason: isReady ? 'AllReplicasReady' : 'ReplicasNotReady',
        message: `${ready} of ${wanted} replicas ready`,
        lastTransitionTime: old?.status === status ? old.lastTransitionTime : now,
      },
    ],
  };
}

/** Whether an ApiError is this code. */
function isCode(error: unknown, code: number): boolean {
  return error instanceof ApiError && error.code === code;
}

/**
 * The operator: informers on WebApps and on the Deployments and Services they own, feeding one
 * work queue of WebApp keys; reconcile(key) makes one WebApp's world right.
 */
export class WebAppOperator {
  readonly client: ApiClient;
  readonly controller: Controller;
  private readonly toolkit: Toolkit;
  private readonly clock: TimerClock;
  private readonly webApps: Informer<WebApp>;
  private readonly deployments: Informer<Deployment>;
  private readonly services: Informer<Service>;

  constructor(options: OperatorOptions) {
    const { toolkit } = options;
    this.toolkit = toolkit;
    this.clock = options.clock ?? systemClock;
    this.client = toolkit.createClient({ ...options.config, resources: [webApps] });
    const informer = <T extends KubeObject>(resource: string) =>
      toolkit.createInformer(this.client.resource<T>(resource), { clock: this.clock });
    this.webApps = informer<WebApp>('webapps');
    this.deployments = informer<Deployment>('deployments');
    this.services = informer<Service>('services');
    this.controller = toolkit.createController({
      name: 'webapp-operator',
      reconcile: (key) => this.reconcile(key),
      queue: toolkit.createWorkQueue({ clock: this.clock }),
    });
    this.controller.watch(this.webApps);
    this.controller.watch(this.deployments, (object) => this.ownerKeys(object));
    this.controller.watch(this.services, (object) => this.ownerKeys(object));
  }

  /** The key of the WebApp that controls an object, if one does. */
  ownerKeys(object: KubeObject): string[] {
    const owner = object.metadata.ownerReferences?.find(
      (reference) => reference.controller && reference.kind === 'WebApp',
    );
    return owner ? [`${object.metadata.namespace}/${owner.name}`] : [];
  }

  /** Runs the informers and the workers until `signal` aborts. */
  run(signal: AbortSignal): Promise<void> {
    return this.controller.run(signal);
  }

  /**
   * One WebApp, one step: gone, nothing to do; being deleted, take its directory entry out, then
   * the finalizer off; without the finalizer, put it on first; otherwise make its Deployment and
   * Service as wanted, put its directory entry in and write its status, when it changed.
   */
  async reconcile(key: string): Promise<void> {
    const webApp = this.webApps.get(key);
    if (!webApp) return;
    const finalizers = webApp.metadata.finalizers ?? [];
    const namespace = webApp.metadata.namespace!;
    const webAppClient = this.client.resource<WebApp>('webapps', namespace);
    if (webApp.metadata.deletionTimestamp) {
      if (!finalizers.includes(DIRECTORY_FINALIZER)) return;
      await this.updateDirectory(key, undefined);
      const remaining = finalizers.filter((finalizer) => finalizer !== DIRECTORY_FINALIZER);
      await webAppClient.patch(
        webApp.metadata.name!,
        { metadata: { finalizers: remaining, resourceVersion: webApp.metadata.resourceVersion } },
        'merge',
      );
      return;
    }
    if (!finalizers.includes(DIRECTORY_FINALIZER)) {
      const metadata = {
        finalizers: [...finalizers, DIRECTORY_FINALIZER],
        resourceVersion: webApp.metadata.resourceVersion,
      };
      await webAppClient.patch(webApp.metadata.name!, { metadata }, 'merge');
      return;
    }
    await this.ensure('deployments', this.deployments.get(key), desiredDeployment(webApp));
    await this.ensure('services', this.services.get(key), desiredService(webApp));
    const status = webAppStatus(webApp, this.deployments.get(key), rfc3339(this.clock.now()));
    await this.updateDirectory(key, status.url!);
    if (JSON.stringify(status) !== JSON.stringify(webApp.status ?? {})) {
      await webAppClient.updateStatus({ ...webApp, status });
    }
  }

  /** Creates the object when it is absent; updates its spec when it drifted from the wanted one. */
  async ensure<T extends Deployment | Service>(
    resource: string,
    stored: T | undefined,
    wanted: T,
  ): Promise<void> {
    const client = this.client.resource<T>(resource, wanted.metadata.namespace);
    if (!stored) {
      await client.create(wanted).catch((error: unknown) => {
        if (!isCode(error, 409)) throw error;
      });
    } else if (drifted(stored, wanted)) {
      await client.update({ ...stored, spec: { ...stored.spec, ...wanted.spec } });
    }
  }

  /** Sets (or, with no URL, removes) a WebApp's entry in the directory ConfigMap, made when absent. */
  async updateDirectory(key: string, url: string | undefined): Promise<void> {
    const entry = key.replace('/', '.');
    const configMaps = this.client.resource<ConfigMap>('configmaps', DIRECTORY.namespace);
    const current = await configMaps.get(DIRECTORY.name).catch((error: unknown) => {
      if (isCode(error, 404)) return undefined;
      throw error;
    });
    if (!current) {
      if (url === undefined) return;
      await configMaps.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: DIRECTORY.name },
        data: { [entry]: url },
      });
      return;
    }
    if (current.data?.[entry] === url) return;
    const data = { ...current.data };
    if (url === undefined) delete data[entry];
    else data[entry] = url;
    await configMaps.update({ ...current, data });
  }
}

/** Starts the operator (`kata run operator`): it runs until stop(). */
export function runOperator(options: OperatorOptions): RunningOperator {
  const operator = new WebAppOperator(options);
  const abort = new AbortController();
  const running = operator.run(abort.signal).catch((error: unknown) => {
    options.log?.(`webapp-operator: ${error instanceof Error ? error.message : String(error)}`);
  });
  options.log?.('webapp-operator: watching webapps.example.com');
  return {
    stop: async () => {
      abort.abort();
      await running;
    },
  };
}
