// The resource table: every kind of object the API server serves, with the facts about it that
// paths, storage, discovery and clients need. A *resource* is the plural, lower-case name in URLs
// (`pods`, `deployments`); a *kind* is the type name in objects (`Pod`, `Deployment`); a *group
// version* says which API the resource belongs to (core `v1`, `apps/v1`).
//
// It is data, not logic, so it lives here once: the API server (chapter 03) routes by it, discovery
// publishes it, and the clients of later chapters build paths from it. The short names and
// categories are the ones real clusters publish, so `kubectl get po` and `kubectl get all` work.
import type {
  CustomResourceColumnDefinition,
  CustomResourceSubresourceScale,
  JSONSchemaProps,
} from './apiextensions.ts';
import type { KubeObject } from './types.ts';

/** How a resource's object names are checked (apimachinery's name validators). */
export type NameRule =
  /** RFC 1123 subdomain: lower-case alphanumerics, '-' and '.', at most 253 characters. */
  | 'subdomain'
  /** RFC 1123 label: lower-case alphanumerics and '-', at most 63 characters. */
  | 'label'
  /** RFC 1035 label: like an RFC 1123 label, but it must start with a letter. */
  | 'label1035';

export interface ResourceType {
  /** The API group: '' for the core group, "apps", "coordination.k8s.io". */
  group: string;
  version: string;
  /** Plural, as in URLs and storage keys: "pods". */
  resource: string;
  singular: string;
  kind: string;
  /** Whether objects live in a namespace (pods) or in the whole cluster (nodes, namespaces). */
  namespaced: boolean;
  shortNames: string[];
  /** Groups of resources kubectl can ask for at once; "all" is what `kubectl get all` shows. */
  categories: string[];
  /** The subresources served under an object's path: status, scale, binding. */
  subresources: string[];
  nameRule: NameRule;
  /** DELETE answers with the deleted object instead of a Status (pods do, most others don't). */
  returnsDeletedObject?: boolean;
  /** What a CustomResourceDefinition says of a custom resource (chapter 17); absent when built in. */
  custom?: CustomResourceFacts;
}

/** One served version of a custom resource, as its CustomResourceDefinition describes it. */
export interface CustomResourceFacts {
  /** The definition's name: "webapps.example.com". */
  definition: string;
  /** The version's openAPIV3Schema: what objects are validated, pruned and defaulted by. */
  schema?: JSONSchemaProps;
  /** The version's additionalPrinterColumns (`kubectl get`), after Name. */
  columns: CustomResourceColumnDefinition[];
  /** Where the replica counts are, when the version has a scale subresource. */
  scale?: CustomResourceSubresourceScale;
  /** The version objects are stored in. */
  storageVersion: string;
  /** The cells of `columns` for an object (`now` for ages); set by the server once it serves it. */
  cells?: (object: KubeObject, now: number) => unknown[];
  /**
   * The paths of the fields of an object its schema does not declare ("spec.colour"), which
   * pruning drops; set by the server once it serves the version. Field validation reports them.
   */
  unknownFields?: (object: KubeObject) => string[];
}

function core(
  resource: string,
  kind: string,
  fields: Partial<ResourceType> & { namespaced: boolean },
): ResourceType {
  return {
    group: '',
    version: 'v1',
    resource,
    singular: kind.toLowerCase(),
    kind,
    shortNames: [],
    categories: [],
    subresources: [],
    nameRule: 'subdomain',
    ...fields,
  };
}

/** A resource of a named API group (not core), version v1. */
function grouped(
  group: string,
  resource: string,
  kind: string,
  fields: Partial<ResourceType> & { namespaced: boolean },
): ResourceType {
  return { ...core(resource, kind, fields), group, version: 'v1' };
}

/**
 * Who may do what (chapter 11): ServiceAccounts, quotas and limit ranges, RBAC's roles and
 * bindings, and the reviews the server answers without storing (create only).
 */
export const accessResources: ResourceType[] = [
  core('serviceaccounts', 'ServiceAccount', {
    namespaced: true,
    shortNames: ['sa'],
    subresources: ['token'],
  }),
  core('resourcequotas', 'ResourceQuota', {
    namespaced: true,
    shortNames: ['quota'],
    subresources: ['status'],
  }),
  core('limitranges', 'LimitRange', { namespaced: true, shortNames: ['limits'] }),
  grouped('rbac.authorization.k8s.io', 'clusterrolebindings', 'ClusterRoleBinding', {
    namespaced: false,
  }),
  grouped('rbac.authorization.k8s.io', 'clusterroles', 'ClusterRole', { namespaced: false }),
  grouped('rbac.authorization.k8s.io', 'rolebindings', 'RoleBinding', { namespaced: true }),
  grouped('rbac.authorization.k8s.io', 'roles', 'Role', { namespaced: true }),
  grouped('authorization.k8s.io', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', {
    namespaced: false,
  }),
  grouped('authorization.k8s.io', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview', {
    namespaced: false,
  }),
  grouped('authorization.k8s.io', 'subjectaccessreviews', 'SubjectAccessReview', {
    namespaced: false,
  }),
  grouped('authentication.k8s.io', 'selfsubjectreviews', 'SelfSubjectReview', {
    namespaced: false,
  }),
  // Which writes are sent to which admission webhooks (chapter 11c), mutating and validating.
  grouped(
    'admissionregistration.k8s.io',
    'mutatingwebhookconfigurations',
    'MutatingWebhookConfiguration',
    { namespaced: false },
  ),
  grouped(
    'admissionregistration.k8s.io',
    'validatingwebhookconfigurations',
    'ValidatingWebhookConfiguration',
    {
      namespaced: false,
    },
  ),
];

/** The resources of this course's API server, in the order discovery lists them. */
export const builtinResources: ResourceType[] = [
  core('namespaces', 'Namespace', {
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['status'],
    nameRule: 'label',
  }),
  core('nodes', 'Node', { namespaced: false, shortNames: ['no'], subresources: ['status'] }),
  core('pods', 'Pod', {
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status', 'binding', 'eviction'],
    returnsDeletedObject: true,
  }),
  core('services', 'Service', {
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status'],
    nameRule: 'label1035',
  }),
  core('endpoints', 'Endpoints', { namespaced: true, shortNames: ['ep'], singular: 'endpoints' }),
  // What ReplicaSets replaced: the same loop, with a plain key=value selector (chapter 07).
  core('replicationcontrollers', 'ReplicationController', {
    namespaced: true,
    shortNames: ['rc'],
    categories: ['all'],
    subresources: ['status'],
  }),
  core('configmaps', 'ConfigMap', { namespaced: true, shortNames: ['cm'] }),
  core('secrets', 'Secret', { namespaced: true }),
  core('events', 'Event', { namespaced: true, shortNames: ['ev'] }),
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    nameRule: 'subdomain',
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    nameRule: 'subdomain',
  },
  // Chapter 13a: pods that run to completion, and Jobs made on a schedule.
  grouped('batch', 'jobs', 'Job', {
    namespaced: true,
    categories: ['all'],
    subresources: ['status'],
  }),
  grouped('batch', 'cronjobs', 'CronJob', {
    namespaced: true,
    shortNames: ['cj'],
    categories: ['all'],
    subresources: ['status'],
  }),
  // Chapter 13b: one pod per node; pods with an identity and a claim each; the numbered
  // snapshots of their templates that `kubectl rollout undo` goes back to.
  {
    group: 'apps',
    version: 'v1',
    resource: 'daemonsets',
    singular: 'daemonset',
    kind: 'DaemonSet',
    namespaced: true,
    shortNames: ['ds'],
    categories: ['all'],
    subresources: ['status'],
    nameRule: 'subdomain',
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'statefulsets',
    singular: 'statefulset',
    kind: 'StatefulSet',
    namespaced: true,
    shortNames: ['sts'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    nameRule: 'subdomain',
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'controllerrevisions',
    singular: 'controllerrevision',
    kind: 'ControllerRevision',
    namespaced: true,
    shortNames: [],
    categories: [],
    subresources: [],
    nameRule: 'subdomain',
  },
  {
    group: 'policy',
    version: 'v1',
    resource: 'poddisruptionbudgets',
    singular: 'poddisruptionbudget',
    kind: 'PodDisruptionBudget',
    namespaced: true,
    shortNames: ['pdb'],
    categories: [],
    subresources: ['status'],
    nameRule: 'subdomain',
  },
  {
    group: 'coordination.k8s.io',
    version: 'v1',
    resource: 'leases',
    singular: 'lease',
    kind: 'Lease',
    namespaced: true,
    shortNames: [],
    categories: [],
    subresources: [],
    nameRule: 'subdomain',
  },
  // Chapter 14: what scales a Deployment (or any object with a scale subresource) on its pods' metrics.
  {
    group: 'autoscaling',
    version: 'v2',
    resource: 'horizontalpodautoscalers',
    singular: 'horizontalpodautoscaler',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: ['status'],
    nameRule: 'subdomain',
  },
  // Chapter 14: group versions served by another server, behind the API server (API aggregation).
  {
    group: 'apiregistration.k8s.io',
    version: 'v1',
    resource: 'apiservices',
    singular: 'apiservice',
    kind: 'APIService',
    namespaced: false,
    shortNames: [],
    categories: ['api-extensions'],
    subresources: ['status'],
    nameRule: 'subdomain',
  },
  // Chapter 09b: a Service's endpoints in parts of at most 100, which kubectl 1.32 and kube-proxy
  // read; and the policies that say which pods may talk to which.
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    resource: 'endpointslices',
    singular: 'endpointslice',
    kind: 'EndpointSlice',
    namespaced: true,
    shortNames: [],
    categories: [],
    subresources: [],
    nameRule: 'subdomain',
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    resource: 'networkpolicies',
    singular: 'networkpolicy',
    kind: 'NetworkPolicy',
    namespaced: true,
    shortNames: ['netpol'],
    categories: [],
    subresources: [],
    nameRule: 'subdomain',
  },
  // Chapter 15b: HTTP(S) from outside, by host and path, and the kinds of controller that serve it.
  grouped('networking.k8s.io', 'ingresses', 'Ingress', {
    namespaced: true,
    shortNames: ['ing'],
    subresources: ['status'],
  }),
  grouped('networking.k8s.io', 'ingressclasses', 'IngressClass', { namespaced: false }),
  // Chapter 13c: storage. Volumes and classes belong to the cluster; claims to a namespace.
  core('persistentvolumes', 'PersistentVolume', {
    namespaced: false,
    shortNames: ['pv'],
    subresources: ['status'],
  }),
  core('persistentvolumeclaims', 'PersistentVolumeClaim', {
    namespaced: true,
    shortNames: ['pvc'],
    subresources: ['status'],
  }),
  grouped('storage.k8s.io', 'storageclasses', 'StorageClass', {
    namespaced: false,
    shortNames: ['sc'],
  }),
  // Chapter 18b: requests for a certificate from the cluster's CA, approved, then signed.
  grouped('certificates.k8s.io', 'certificatesigningrequests', 'CertificateSigningRequest', {
    namespaced: false,
    shortNames: ['csr'],
    subresources: ['status', 'approval'],
  }),
];

/** "v1" for the core group, "<group>/<version>" for the others: what objects carry. */
export function apiVersionOf(resource: ResourceType): string {
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
}

/** The resource with its group, as error messages name it: "pods", "deployments.apps". */
export function qualifiedResource(resource: ResourceType): string {
  return resource.group === '' ? resource.resource : `${resource.resource}.${resource.group}`;
}

/** The kind with its group, as Invalid errors name it: "Pod", "Deployment.apps". */
export function qualifiedKind(resource: ResourceType): string {
  return resource.group === '' ? resource.kind : `${resource.kind}.${resource.group}`;
}

/** Finds the resource an object of this apiVersion and kind belongs to. */
export function resourceForKind(
  apiVersion: string,
  kind: string,
  resources: ResourceType[] = builtinResources,
): ResourceType | undefined {
  return resources.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
}

/** The namespaces every cluster has from the start. */
export const initialNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
