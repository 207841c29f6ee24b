// The Kubernetes API objects, as TypeScript types: what the API server (chapter 03) stores and
// serves, and what every later component (client, scheduler, kubelet, controllers) reads and writes.
// Components meet through these types, so they live here once.
//
// Field names and spellings are Kubernetes' own (kubernetes/api core/v1, apps/v1,
// coordination/v1 and apimachinery meta/v1), because kubectl and @kubernetes/client-node send and
// read exactly these. Only the fields this course uses are listed; an object may carry more, and
// the API server keeps what it does not know about.

// ---------------------------------------------------------------------------------------------
// Metadata every object carries
// ---------------------------------------------------------------------------------------------

/** A reference from an object to the object that owns it (a pod to its ReplicaSet, say). */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  /** At most one owner is the controller: the one that manages this object. */
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  /** A prefix the server completes with 5 random characters when `name` is empty. */
  generateName?: string;
  namespace?: string;
  /** Set by the server on create; unique over the cluster's whole life. */
  uid?: string;
  /** The store's modRevision of this version of the object, as a decimal string. Opaque. */
  resourceVersion?: string;
  /** Starts at 1; the server adds 1 whenever the desired state (the spec) changes. */
  generation?: number;
  /** RFC 3339, UTC, seconds precision: "2024-01-02T03:04:05Z". */
  creationTimestamp?: string;
  /** Set when a graceful delete has started; the object is gone once its owner finishes. */
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
}

/** The two fields that say what an object is: its group/version and its kind. */
export interface TypeMeta {
  /** "v1" for the core group, "<group>/<version>" otherwise ("apps/v1"). */
  apiVersion?: string;
  kind?: string;
}

/** Any API object: type, metadata and whatever else its kind defines. */
export interface KubeObject extends TypeMeta {
  metadata: ObjectMeta;
  [field: string]: unknown;
}

// ---------------------------------------------------------------------------------------------
// Lists, watch events and errors
// ---------------------------------------------------------------------------------------------

export interface ListMeta {
  /** The store's revision when the list was read: where a watch continues from. */
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

/** A collection: `kind` is the item kind plus "List" (PodList), which clients rely on. */
export interface List<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: ListMeta;
  items: T[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** One line of a watch stream. An ERROR event carries a Status as its object. */
export interface WatchEvent<T extends object = KubeObject> {
  type: WatchEventType;
  object: T | Status;
}

/** One reason a request was invalid: which field, what was wrong with it. */
export interface StatusCause {
  /** FieldValueRequired, FieldValueInvalid, ... (the Go field is Type; the JSON key is reason). */
  reason?: string;
  message?: string;
  /** The field's path, e.g. "spec.containers[0].image". */
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  /** The resource (plural) for most errors; the Kind for Invalid. */
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** How the API server reports every error, and some successes (a delete). */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: ListMeta;
  status: 'Success' | 'Failure';
  message?: string;
  /** Machine-readable: NotFound, AlreadyExists, Conflict, Invalid, Expired, BadRequest, ... */
  reason?: string;
  details?: StatusDetails;
  code?: number;
}

/** The body of a DELETE, all optional. */
export interface DeleteOptions extends TypeMeta {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  /** ["All"]: check everything, store nothing. */
  dryRun?: string[];
}

// ---------------------------------------------------------------------------------------------
// Selectors as objects (Deployments, ReplicaSets); the string form lives in query parameters
// ---------------------------------------------------------------------------------------------

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

// ---------------------------------------------------------------------------------------------
// Core v1: pods
// ---------------------------------------------------------------------------------------------

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  hostPort?: number;
}

export interface EnvVar {
  name: string;
  value?: string;
  /** Where the value comes from, instead of `value` (chapter 10a). */
  valueFrom?: EnvVarSource;
}

/** A key of a ConfigMap or a Secret; `optional`: a missing object or key is no error. */
export interface KeySelector {
  name: string;
  key: string;
  optional?: boolean;
}

/** A field of the pod (the downward API), e.g. metadata.name or metadata.labels['app']. */
export interface ObjectFieldSelector {
  apiVersion?: string;
  fieldPath: string;
}

/** A container's resource request or limit, in units of `divisor` (1 by default). */
export interface ResourceFieldSelector {
  containerName?: string;
  resource: string;
  divisor?: string;
}

export interface EnvVarSource {
  configMapKeyRef?: KeySelector;
  secretKeyRef?: KeySelector;
  fieldRef?: ObjectFieldSelector;
  resourceFieldRef?: ResourceFieldSelector;
}

/** Every key of a ConfigMap or Secret as variables, each name prefixed with `prefix`. */
export interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
}

/** Where a volume of the pod appears in a container. */
export interface VolumeMount {
  name: string;
  mountPath: string;
  subPath?: string;
  readOnly?: boolean;
}

/** A key of a ConfigMap or Secret projected as a file at `path`, with its own mode. */
export interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}

/** A downward API file: a pod field or a container resource, at `path`. */
export interface DownwardApiFile {
  path: string;
  fieldRef?: ObjectFieldSelector;
  resourceFieldRef?: ResourceFieldSelector;
  mode?: number;
}

export interface ConfigMapVolumeSource {
  name: string;
  items?: KeyToPath[];
  defaultMode?: number;
  optional?: boolean;
}

export interface SecretVolumeSource {
  secretName: string;
  items?: KeyToPath[];
  defaultMode?: number;
  optional?: boolean;
}

export interface DownwardApiVolumeSource {
  items?: DownwardApiFile[];
  defaultMode?: number;
}

/** One source of a projected volume. */
export interface VolumeProjection {
  configMap?: Omit<ConfigMapVolumeSource, 'defaultMode'>;
  secret?: { name: string; items?: KeyToPath[]; optional?: boolean };
  downwardAPI?: { items?: DownwardApiFile[] };
}

/** A volume of the pod: one of the sources below. */
export interface Volume {
  name: string;
  emptyDir?: { medium?: '' | 'Memory'; sizeLimit?: string };
  hostPath?: { path: string; type?: string };
  configMap?: ConfigMapVolumeSource;
  secret?: SecretVolumeSource;
  downwardAPI?: DownwardApiVolumeSource;
  projected?: { sources: VolumeProjection[]; defaultMode?: number };
  /** A PersistentVolumeClaim of the pod's namespace, by name: the volume bound to it (13c). */
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
}

export interface Probe {
  httpGet?: { path?: string; port: number | string; host?: string; scheme?: string };
  tcpSocket?: { port: number | string; host?: string };
  exec?: { command: string[] };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

export interface ResourceRequirements {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  volumeMounts?: VolumeMount[];
  ports?: ContainerPort[];
  resources?: ResourceRequirements;
  /** Only on an init container: Always makes it a sidecar (it runs beside the app containers). */
  restartPolicy?: 'Always';
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  terminationMessagePath?: string;
  terminationMessagePolicy?: 'File' | 'FallbackToLogsOnError';
  /** Keep a stdin open that attach writes to (`kubectl run -i`, `kubectl attach -i`). */
  stdin?: boolean;
  /** Close that stdin once the first attach ends: the program reads end of input. */
  stdinOnce?: boolean;
  /** The container gets a terminal (`kubectl run -t`). */
  tty?: boolean;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  tolerationSeconds?: number;
}

/** One requirement on a node's labels: `zone In (a, b)`, `gpu Exists`, `cores Gt 4`. */
export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

/**
 * One alternative of a node affinity: every requirement on the node's labels (matchExpressions)
 * and on its fields (matchFields, where only metadata.name is allowed) must hold.
 */
export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

/** The node affinity of a pod: the required part must hold for a node to be considered at all. */
export interface NodeAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: {
    /** Alternatives: a node qualifies when any one term holds (each term: all its expressions). */
    nodeSelectorTerms: NodeSelectorTerm[];
  };
}

/** A pod's own resolver settings (spec.dnsConfig). */
export interface PodDnsConfig {
  nameservers?: string[];
  searches?: string[];
  /** resolv.conf options: { name: 'ndots', value: '2' }, { name: 'edns0' }. */
  options?: Array<{ name: string; value?: string }>;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  /** The node the pod is bound to; set by the scheduler through pods/binding. */
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  terminationGracePeriodSeconds?: number;
  activeDeadlineSeconds?: number;
  /** ClusterFirst (the default), ClusterFirstWithHostNet, Default (the node's resolver) or None. */
  dnsPolicy?: string;
  /** Resolver settings added to what dnsPolicy gives (all of it, with dnsPolicy None). */
  dnsConfig?: PodDnsConfig;
  schedulerName?: string;
  serviceAccountName?: string;
  /** false: no ServiceAccount token is mounted into the pod's containers. */
  automountServiceAccountToken?: boolean;
  hostNetwork?: boolean;
  hostname?: string;
  subdomain?: string;
  tolerations?: Toleration[];
  affinity?: { nodeAffinity?: NodeAffinity };
  priority?: number;
  /** Who the pod's processes run as (runAsUser, runAsNonRoot, fsGroup, ...); `{}` when unset. */
  securityContext?: Record<string, unknown>;
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface PodCondition {
  type: string;
  status: ConditionStatus;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: {
    exitCode: number;
    reason?: string;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
  };
}

export interface ContainerStatus {
  name: string;
  image: string;
  imageID?: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  state?: ContainerState;
  lastState?: ContainerState;
  containerID?: string;
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface PodStatus {
  phase?: PodPhase;
  conditions?: PodCondition[];
  hostIP?: string;
  podIP?: string;
  podIPs?: Array<{ ip: string }>;
  startTime?: string;
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
  reason?: string;
  message?: string;
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status?: PodStatus;
}

export interface PodTemplateSpec {
  metadata?: ObjectMeta;
  spec: PodSpec;
}

/** What a scheduler POSTs to pods/<name>/binding to put a pod on a node. */
export interface Binding extends KubeObject {
  target: { apiVersion?: string; kind?: string; name: string };
}

// ---------------------------------------------------------------------------------------------
// Core v1: nodes
// ---------------------------------------------------------------------------------------------

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  timeAdded?: string;
}

export interface NodeCondition {
  type: string;
  status: ConditionStatus;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface NodeAddress {
  type: 'InternalIP' | 'ExternalIP' | 'Hostname' | 'InternalDNS' | 'ExternalDNS';
  address: string;
}

export interface NodeSpec {
  /** The machine under the node, as its cloud names it: "kata://node-4" (the cloud node controller sets it). */
  providerID?: string;
  podCIDR?: string;
  podCIDRs?: string[];
  unschedulable?: boolean;
  taints?: Taint[];
}

export interface NodeStatus {
  capacity?: Record<string, string>;
  allocatable?: Record<string, string>;
  conditions?: NodeCondition[];
  addresses?: NodeAddress[];
  daemonEndpoints?: { kubeletEndpoint?: { Port: number } };
  nodeInfo?: Record<string, string>;
}

export interface Node extends KubeObject {
  spec?: NodeSpec;
  status?: NodeStatus;
}

// ---------------------------------------------------------------------------------------------
// Core v1: namespaces, services, endpoints, configuration, events
// ---------------------------------------------------------------------------------------------

export interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: 'Active' | 'Terminating' };
}

export interface ServicePort {
  name?: string;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  port: number;
  /** A port number or the name of a container port; defaults to `port`. */
  targetPort?: number | string;
  nodePort?: number;
}

export interface ServiceSpec {
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  selector?: Record<string, string>;
  ports?: ServicePort[];
  clusterIP?: string;
  clusterIPs?: string[];
  sessionAffinity?: 'None' | 'ClientIP';
  externalName?: string;
  /** Addresses outside the cluster that also lead to the Service (no one allocates them). */
  externalIPs?: string[];
  /** Which load balancer implementation serves a LoadBalancer Service; unset: the cloud's own. */
  loadBalancerClass?: string;
  /** Local: traffic from outside (node ports, load balancers) goes only to this node's endpoints. */
  externalTrafficPolicy?: 'Cluster' | 'Local';
  /** Local: traffic to the ClusterIP goes only to endpoints on the client's own node. */
  internalTrafficPolicy?: 'Cluster' | 'Local';
  /** With type LoadBalancer and externalTrafficPolicy Local: where kube-proxy answers health checks. */
  healthCheckNodePort?: number;
}

/** Where a load balancer serves a LoadBalancer Service: an IP, or a host name. */
export interface LoadBalancerIngress {
  ip?: string;
  hostname?: string;
}

export interface Service extends KubeObject {
  spec: ServiceSpec;
  status?: { loadBalancer?: { ingress?: LoadBalancerIngress[] } };
}

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string };
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

/** The addresses behind a Service: same name and namespace as the Service. */
export interface Endpoints extends KubeObject {
  subsets?: EndpointSubset[];
}

export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

export interface Secret extends KubeObject {
  type?: string;
  /** Values are base64. */
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface KubeEvent extends KubeObject {
  involvedObject: ObjectReference;
  reason?: string;
  message?: string;
  source?: { component?: string; host?: string };
  type?: 'Normal' | 'Warning';
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  reportingComponent?: string;
}

// ---------------------------------------------------------------------------------------------
// apps/v1: ReplicaSets and Deployments; autoscaling/v1: Scale
// ---------------------------------------------------------------------------------------------

export interface ReplicaSetSpec {
  replicas?: number;
  minReadySeconds?: number;
  selector: LabelSelector;
  template: PodTemplateSpec;
}

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: Array<{
    type: string;
    status: ConditionStatus;
    reason?: string;
    message?: string;
    lastTransitionTime?: string;
  }>;
}

export interface ReplicaSet extends KubeObject {
  spec: ReplicaSetSpec;
  status?: ReplicaSetStatus;
}

/** Core v1's older ReplicaSet: the same, with a plain key=value map as its selector. */
export interface ReplicationController extends KubeObject {
  spec: Omit<ReplicaSetSpec, 'selector'> & { selector?: Record<string, string> };
  status?: ReplicaSetStatus;
}

export interface DeploymentStrategy {
  type?: 'RollingUpdate' | 'Recreate';
  rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string };
}

export interface DeploymentSpec {
  replicas?: number;
  selector: LabelSelector;
  template: PodTemplateSpec;
  strategy?: DeploymentStrategy;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  paused?: boolean;
  progressDeadlineSeconds?: number;
}

export interface DeploymentCondition {
  type: string;
  status: ConditionStatus;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: DeploymentCondition[];
  collisionCount?: number;
}

export interface Deployment extends KubeObject {
  spec: DeploymentSpec;
  status?: DeploymentStatus;
}

/** autoscaling/v1 Scale: the replicas of a Deployment or ReplicaSet, seen on their own. */
export interface Scale extends KubeObject {
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

// ---------------------------------------------------------------------------------------------
// batch/v1: Jobs and CronJobs (chapter 13a)
// ---------------------------------------------------------------------------------------------

export interface JobSpec {
  /** How many pods must succeed; absent: any one success finishes (with parallelism pods). */
  completions?: number;
  /** How many pods run at once. 1. */
  parallelism?: number;
  /** NonIndexed (the default): any `completions` successes; Indexed: one per index 0..completions-1. */
  completionMode?: 'NonIndexed' | 'Indexed';
  /** Failed pods tolerated before the Job fails (BackoffLimitExceeded). 6. */
  backoffLimit?: number;
  /** Seconds from the Job's start after which it fails (DeadlineExceeded), its pods deleted. */
  activeDeadlineSeconds?: number;
  /** Seconds after it finished after which the Job is deleted, with its pods. */
  ttlSecondsAfterFinished?: number;
  /** True: no pods run (those running are deleted); false again: it resumes. */
  suspend?: boolean;
  /** Whether the selector was written by the user (true) or generated by the server. */
  manualSelector?: boolean;
  selector?: LabelSelector;
  template: PodTemplateSpec;
}

export interface JobCondition {
  /** Complete, Failed, Suspended (and, as kube 1.31+ say first, SuccessCriteriaMet, FailureTarget). */
  type: string;
  status: ConditionStatus;
  lastProbeTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface JobStatus {
  conditions?: JobCondition[];
  startTime?: string;
  completionTime?: string;
  /** Pods running (or pending) now. */
  active?: number;
  /** Pods that are ready. */
  ready?: number;
  succeeded?: number;
  failed?: number;
  /** Indexed: the indexes done, as ranges "0-2,5". */
  completedIndexes?: string;
  /** Pods being deleted, not counted yet. */
  terminating?: number;
}

export interface Job extends KubeObject {
  spec: JobSpec;
  status?: JobStatus;
}

export interface JobTemplateSpec {
  metadata?: ObjectMeta;
  spec: JobSpec;
}

export interface CronJobSpec {
  /** Five cron fields ("0 3 * * 1-5") or a macro (@hourly, @daily, ...). */
  schedule: string;
  /** The IANA time zone the schedule is read in ("Europe/Paris"); absent: the controller's (UTC here). */
  timeZone?: string;
  /** A run missed by more than this many seconds is not started at all. */
  startingDeadlineSeconds?: number;
  /** Allow (the default): runs may overlap; Forbid: skip while one runs; Replace: the new replaces it. */
  concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
  suspend?: boolean;
  jobTemplate: JobTemplateSpec;
  /** Finished Jobs kept: 3 succeeded, 1 failed. */
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
}

export interface CronJobStatus {
  /** The Jobs running now. */
  active?: ObjectReference[];
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
}

export interface CronJob extends KubeObject {
  spec: CronJobSpec;
  status?: CronJobStatus;
}

// ---------------------------------------------------------------------------------------------
// apps/v1: DaemonSets, StatefulSets and ControllerRevisions (chapter 13b)
// ---------------------------------------------------------------------------------------------

/** How a DaemonSet replaces its pods after a template change. */
export interface DaemonSetUpdateStrategy {
  /** RollingUpdate (the default): the controller replaces them; OnDelete: only pods deleted by hand. */
  type?: 'RollingUpdate' | 'OnDelete';
  rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string };
}

export interface DaemonSetSpec {
  selector: LabelSelector;
  template: PodTemplateSpec;
  updateStrategy?: DaemonSetUpdateStrategy;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

export interface DaemonSetStatus {
  /** Nodes that should run its pod. */
  desiredNumberScheduled: number;
  /** Nodes that run at least one of its pods and should. */
  currentNumberScheduled: number;
  /** Nodes that run one of its pods and should not. */
  numberMisscheduled: number;
  numberReady: number;
  /** Nodes whose pod is of the current template. */
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  numberUnavailable?: number;
  observedGeneration?: number;
  collisionCount?: number;
}

export interface DaemonSet extends KubeObject {
  spec: DaemonSetSpec;
  status?: DaemonSetStatus;
}

/** How a StatefulSet replaces its pods: RollingUpdate from the highest ordinal down, or OnDelete. */
export interface StatefulSetUpdateStrategy {
  type?: 'RollingUpdate' | 'OnDelete';
  /** Ordinals below partition keep the old template. */
  rollingUpdate?: { partition?: number; maxUnavailable?: number | string };
}

/** A claim template: one PersistentVolumeClaim per pod, named <template>-<set>-<ordinal>. */
export interface PersistentVolumeClaimTemplate {
  metadata: ObjectMeta;
  spec: PersistentVolumeClaimSpec;
}

export interface StatefulSetSpec {
  replicas?: number;
  selector: LabelSelector;
  template: PodTemplateSpec;
  /** The headless Service that gives each pod its DNS name: <pod>.<serviceName>.<ns>.svc. */
  serviceName?: string;
  /** OrderedReady (the default): one pod at a time, in order; Parallel: all at once. */
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  updateStrategy?: StatefulSetUpdateStrategy;
  volumeClaimTemplates?: PersistentVolumeClaimTemplate[];
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  /** What happens to the claims when the set is deleted or scaled down; Retain both by default. */
  persistentVolumeClaimRetentionPolicy?: {
    whenDeleted?: 'Retain' | 'Delete';
    whenScaled?: 'Retain' | 'Delete';
  };
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  /** The ControllerRevision names of the old template and of the one being rolled out. */
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
}

export interface StatefulSet extends KubeObject {
  spec: StatefulSetSpec;
  status?: StatefulSetStatus;
}

/**
 * A snapshot of a DaemonSet's or StatefulSet's template, numbered: what `kubectl rollout history`
 * lists and `kubectl rollout undo` patches back. `data` is a strategic merge patch that puts the
 * template back.
 */
export interface ControllerRevision extends KubeObject {
  data?: unknown;
  revision: number;
}

// ---------------------------------------------------------------------------------------------
// policy/v1: PodDisruptionBudgets and Evictions
// ---------------------------------------------------------------------------------------------

export interface PodDisruptionBudgetSpec {
  /** How many selected pods must stay healthy: a number, or a percentage ("50%"). */
  minAvailable?: number | string;
  /** How many selected pods may be unhealthy: a number, or a percentage. */
  maxUnavailable?: number | string;
  /** Which pods the budget covers; {} selects every pod of the namespace. */
  selector?: LabelSelector;
}

export interface PodDisruptionBudgetStatus {
  observedGeneration?: number;
  /** Pods an eviction was granted for, by name, with when: not counted healthy meanwhile. */
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: Array<{
    type: string;
    status: ConditionStatus;
    reason?: string;
    message?: string;
    lastTransitionTime?: string;
    observedGeneration?: number;
  }>;
}

export interface PodDisruptionBudget extends KubeObject {
  spec: PodDisruptionBudgetSpec;
  status?: PodDisruptionBudgetStatus;
}

/** What `kubectl drain` POSTs to pods/<name>/eviction: delete this pod if the budgets allow. */
export interface Eviction extends KubeObject {
  deleteOptions?: DeleteOptions;
}

// ---------------------------------------------------------------------------------------------
// coordination.k8s.io/v1: Leases (node heartbeats, leader election)
// ---------------------------------------------------------------------------------------------

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  /** MicroTime: six fractional digits, "2024-01-02T03:04:05.000000Z". */
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

// ---------------------------------------------------------------------------------------------
// discovery.k8s.io/v1: EndpointSlices (chapter 09b)
// ---------------------------------------------------------------------------------------------

/** What is known of one endpoint's health. A missing `ready` counts as ready (kube's rule). */
export interface EndpointConditions {
  /** Ready for new connections: the pod is ready and not terminating. */
  ready?: boolean;
  /** Answering, whether terminating or not: the pod is ready. */
  serving?: boolean;
  /** The pod is being deleted. */
  terminating?: boolean;
}

/** One endpoint of a slice: a pod, with its addresses (one IP for a pod) and where it runs. */
export interface Endpoint {
  addresses: string[];
  conditions?: EndpointConditions;
  hostname?: string;
  nodeName?: string;
  zone?: string;
  targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string };
}

/** One port of a slice: its name matches the Service port's name ('' when that has none). */
export interface EndpointSlicePort {
  name?: string;
  port?: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  appProtocol?: string;
}

/**
 * A part of a Service's endpoints: at most 100 endpoints that share the same ports, labelled
 * kubernetes.io/service-name=<service> so clients find a Service's slices with a label selector.
 */
export interface EndpointSlice extends KubeObject {
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints: Endpoint[];
  ports?: EndpointSlicePort[];
}

// ---------------------------------------------------------------------------------------------
// networking.k8s.io/v1: NetworkPolicies (chapter 09b)
// ---------------------------------------------------------------------------------------------

export interface NetworkPolicyPort {
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  /** A number (a named port is not supported here). */
  port?: number | string;
  /** With `port`, the last port of a range. */
  endPort?: number;
}

export interface IPBlock {
  cidr: string;
  except?: string[];
}

/** Who may talk: pods (in the policy's namespace, or in namespaces a selector picks), or addresses. */
export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: IPBlock;
}

export interface NetworkPolicyIngressRule {
  from?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export interface NetworkPolicyEgressRule {
  to?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export interface NetworkPolicySpec {
  /** The pods the policy isolates, in its namespace; {} is all of them. */
  podSelector: LabelSelector;
  policyTypes?: Array<'Ingress' | 'Egress'>;
  ingress?: NetworkPolicyIngressRule[];
  egress?: NetworkPolicyEgressRule[];
}

export interface NetworkPolicy extends KubeObject {
  spec: NetworkPolicySpec;
}

// ---------------------------------------------------------------------------------------------
// networking.k8s.io/v1: Ingress and IngressClass (chapter 15b)
// ---------------------------------------------------------------------------------------------

/** A Service and one of its ports (by number or by name), where an Ingress sends requests. */
export interface IngressServiceBackend {
  name: string;
  port?: { number?: number; name?: string };
}

/** Where matching requests go: a Service (or, in kube, an object of another API; not served here). */
export interface IngressBackend {
  service?: IngressServiceBackend;
  resource?: { apiGroup?: string; kind: string; name: string };
}

/** How a rule's path is compared with a request's: whole, by path elements, or as the controller likes. */
export type IngressPathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

export interface HTTPIngressPath {
  /** Starts with "/"; missing means "/". */
  path?: string;
  pathType: IngressPathType;
  backend: IngressBackend;
}

/** Requests for `host` (any host when unset; "*.example.com" for one label more) go by their path. */
export interface IngressRule {
  host?: string;
  http?: { paths: HTTPIngressPath[] };
}

/** The hosts whose TLS is terminated with the kubernetes.io/tls Secret `secretName`. */
export interface IngressTLS {
  hosts?: string[];
  secretName?: string;
}

export interface IngressSpec {
  /** The IngressClass whose controller serves this Ingress. */
  ingressClassName?: string;
  /** Where requests no rule matches go. */
  defaultBackend?: IngressBackend;
  tls?: IngressTLS[];
  rules?: IngressRule[];
}

/** An address at which an Ingress is served. */
export interface IngressLoadBalancerIngress {
  ip?: string;
  hostname?: string;
  ports?: Array<{ port: number; protocol: 'TCP' | 'UDP' | 'SCTP'; error?: string }>;
}

/** Rules by host and path that send HTTP(S) from outside the cluster to Services. */
export interface Ingress extends KubeObject {
  spec: IngressSpec;
  status?: { loadBalancer?: { ingress?: IngressLoadBalancerIngress[] } };
}

/**
 * A kind of Ingress and the controller that serves it ("k8s.io/ingress-nginx"); the annotation
 * ingressclass.kubernetes.io/is-default-class: "true" makes it the class of Ingresses naming none.
 */
export interface IngressClass extends KubeObject {
  spec: {
    controller?: string;
    parameters?: {
      apiGroup?: string;
      kind: string;
      name: string;
      scope?: 'Cluster' | 'Namespace';
      namespace?: string;
    };
  };
}

// Storage (chapter 13c): a PersistentVolume is a piece of storage in the cluster; a
// PersistentVolumeClaim is a namespace's request for one; a StorageClass says how volumes of a
// kind are made on demand, and by whom.

export type PersistentVolumeAccessMode =
  'ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod';

export type PersistentVolumeReclaimPolicy = 'Retain' | 'Delete' | 'Recycle';

/** Which nodes can reach a volume: a local volume is on one node only. */
export interface VolumeNodeAffinity {
  required?: { nodeSelectorTerms: Array<{ matchExpressions?: NodeSelectorRequirement[] }> };
}

export interface PersistentVolumeSpec {
  capacity?: Record<string, string>;
  accessModes?: PersistentVolumeAccessMode[];
  persistentVolumeReclaimPolicy?: PersistentVolumeReclaimPolicy;
  storageClassName?: string;
  volumeMode?: 'Filesystem' | 'Block';
  /** The claim this volume is bound to (or reserved for). */
  claimRef?: ObjectReference;
  nodeAffinity?: VolumeNodeAffinity;
  hostPath?: { path: string; type?: string };
  local?: { path: string };
  mountOptions?: string[];
}

export type PersistentVolumePhase = 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed';

export interface PersistentVolume extends KubeObject {
  spec: PersistentVolumeSpec;
  status?: { phase?: PersistentVolumePhase; message?: string; reason?: string };
}

export interface PersistentVolumeClaimSpec {
  accessModes?: PersistentVolumeAccessMode[];
  resources?: ResourceRequirements;
  /** null or absent: the default class; "": no class, only volumes without one. */
  storageClassName?: string | null;
  selector?: LabelSelector;
  /** The volume this claim is bound to (set by the binder, or by the user to ask for one). */
  volumeName?: string;
  volumeMode?: 'Filesystem' | 'Block';
}

export type PersistentVolumeClaimPhase = 'Pending' | 'Bound' | 'Lost';

export interface PersistentVolumeClaim extends KubeObject {
  spec: PersistentVolumeClaimSpec;
  status?: {
    phase?: PersistentVolumeClaimPhase;
    accessModes?: PersistentVolumeAccessMode[];
    capacity?: Record<string, string>;
  };
}

export interface StorageClass extends KubeObject {
  /** Who makes this class's volumes: "kubekata.io/local-path". */
  provisioner: string;
  parameters?: Record<string, string>;
  /** What happens to a volume made for a claim once the claim is gone; Delete by default. */
  reclaimPolicy?: 'Retain' | 'Delete';
  /** Immediate (bind when the claim is made) or WaitForFirstConsumer (when a pod uses it). */
  volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer';
  allowVolumeExpansion?: boolean;
  mountOptions?: string[];
}

// ---------------------------------------------------------------------------------------------
// autoscaling/v2: HorizontalPodAutoscalers; metrics.k8s.io/v1beta1: resource metrics (chapter 14)
// ---------------------------------------------------------------------------------------------

/** Which object an autoscaler scales: anything with a scale subresource. */
export interface CrossVersionObjectReference {
  apiVersion?: string;
  kind: string;
  name: string;
}

/**
 * A target for one metric: Utilization (percent of the pods' requests, averaged), AverageValue
 * (a quantity per pod) or Value (a quantity for the whole object).
 */
export interface MetricTarget {
  type: 'Utilization' | 'Value' | 'AverageValue';
  averageUtilization?: number;
  averageValue?: string;
  value?: string;
}

/** One metric an autoscaler follows. This course's controller acts on Resource metrics. */
export interface MetricSpec {
  type: 'Resource' | 'Pods' | 'Object' | 'External' | 'ContainerResource';
  resource?: { name: string; target: MetricTarget };
}

/** A metric's value as the controller last saw it. */
export interface MetricStatus {
  type: MetricSpec['type'];
  resource?: { name: string; current: { averageUtilization?: number; averageValue?: string } };
}

/** At most `value` pods (or percent) of change within any `periodSeconds`. */
export interface HPAScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface HPAScalingRules {
  stabilizationWindowSeconds?: number;
  /** Which policy wins when several allow different changes: Max (the default), Min, or Disabled. */
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  policies?: HPAScalingPolicy[];
}

export interface HorizontalPodAutoscalerBehavior {
  scaleUp?: HPAScalingRules;
  scaleDown?: HPAScalingRules;
}

export interface HorizontalPodAutoscalerSpec {
  scaleTargetRef: CrossVersionObjectReference;
  /** 1 when unset. */
  minReplicas?: number;
  maxReplicas: number;
  /** 80% CPU utilization when unset. */
  metrics?: MetricSpec[];
  behavior?: HorizontalPodAutoscalerBehavior;
}

/** AbleToScale, ScalingActive, ScalingLimited. */
export interface HorizontalPodAutoscalerCondition {
  type: 'AbleToScale' | 'ScalingActive' | 'ScalingLimited';
  status: ConditionStatus;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface HorizontalPodAutoscalerStatus {
  observedGeneration?: number;
  lastScaleTime?: string;
  currentReplicas?: number;
  desiredReplicas: number;
  currentMetrics?: MetricStatus[];
  conditions?: HorizontalPodAutoscalerCondition[];
}

export interface HorizontalPodAutoscaler extends KubeObject {
  spec: HorizontalPodAutoscalerSpec;
  status?: HorizontalPodAutoscalerStatus;
}

/**
 * autoscaling/v1 HorizontalPodAutoscaler: the first version, with one metric (CPU utilization).
 * The API server serves it beside v2, converting (chapter 14's versions.ts).
 */
export interface HorizontalPodAutoscalerV1 extends KubeObject {
  spec: {
    scaleTargetRef: CrossVersionObjectReference;
    minReplicas?: number;
    maxReplicas: number;
    targetCPUUtilizationPercentage?: number;
  };
  status?: {
    observedGeneration?: number;
    lastScaleTime?: string;
    currentReplicas?: number;
    desiredReplicas: number;
    currentCPUUtilizationPercentage?: number;
  };
}

/** CPU and memory as quantities: cpu "250m" (or nanocores, "123456n"), memory "64Mi" or "12345Ki". */
export type ResourceUsage = Record<string, string>;

/** metrics.k8s.io/v1beta1 NodeMetrics: what a node used, averaged over `window`, up to `timestamp`. */
export interface NodeMetrics extends KubeObject {
  timestamp: string;
  /** A duration: "10s". */
  window: string;
  usage: ResourceUsage;
}

/** metrics.k8s.io/v1beta1 PodMetrics: each container's usage, over `window`, up to `timestamp`. */
export interface PodMetrics extends KubeObject {
  timestamp: string;
  window: string;
  containers: Array<{ name: string; usage: ResourceUsage }>;
}

// ---------------------------------------------------------------------------------------------
// certificates.k8s.io/v1 (chapter 18b): a request for a certificate, approved, then signed
// ---------------------------------------------------------------------------------------------

/** Approved or Denied (set through the approval subresource), Failed (by a signer). */
export interface CertificateSigningRequestCondition {
  type: 'Approved' | 'Denied' | 'Failed';
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

/** A CertificateSigningRequest: a PKCS#10 request, who asked for it, and what became of it. */
export interface CertificateSigningRequest extends KubeObject {
  spec: {
    /** The PEM "CERTIFICATE REQUEST", base64 (a []byte field). */
    request: string;
    /** Who is to sign it: "kubernetes.io/kube-apiserver-client-kubelet". */
    signerName: string;
    /** "digital signature", "key encipherment", "client auth"... */
    usages?: string[];
    expirationSeconds?: number;
    /** Who created it: set by the API server from the request's user, never by the client. */
    username?: string;
    uid?: string;
    groups?: string[];
    extra?: Record<string, string[]>;
  };
  status?: {
    conditions?: CertificateSigningRequestCondition[];
    /** The issued PEM certificate, base64; absent until the signer writes it. */
    certificate?: string;
  };
}
