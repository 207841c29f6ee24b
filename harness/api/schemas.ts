// The description of every kind the API server serves: for each kind its fields, each field's
// type, a one-line description, which fields are required, and how strategic merge patches treat
// its lists. It is data, written once, and two parts of the course read it:
//
//   - the OpenAPI documents of chapter 03b (/openapi/v3/...), which `kubectl explain` prints and
//     `kubectl apply` reads to know how lists merge;
//   - the field validation of chapter 03a, which finds the fields a body has that its kind does
//     not (`imagee:` where `image:` was meant).
//
// Type names are Kubernetes' own (io.k8s.api.core.v1.Pod, io.k8s.apimachinery.pkg.apis.meta.v1.
// ObjectMeta), as kube-apiserver publishes them, and so are the field names and the patch facts
// (x-kubernetes-patch-merge-key, x-kubernetes-patch-strategy). The descriptions are this course's
// own short words. Only the fields a learner meets are described (the ones our components write
// and the ones CKA/CKAD manifests use); harness/api/types.ts is the same objects as TypeScript.

/** The shapes a field can have. */
export type FieldType =
  | 'string'
  | 'integer'
  | 'number'
  | 'boolean'
  /** An object of a named type (`ref`), or of the fields given inline (`fields`). */
  | 'object'
  /** A list of `items`. */
  | 'array'
  /** An object with keys of the user's choosing, each value of type `values` (labels, data). */
  | 'map'
  /** A number or a string: a port by number or by name, "25%" or 1. */
  | 'int-or-string'
  /** A resource amount: "500m", "128Mi", 2. */
  | 'quantity'
  /** An RFC 3339 time in whole seconds: "2024-01-02T03:04:05Z". */
  | 'time'
  /** An RFC 3339 time with microseconds: "2024-01-02T03:04:05.000000Z". */
  | 'micro-time'
  /** Anything at all: nothing inside is checked. */
  | 'free-form';

export interface FieldSchema {
  type: FieldType;
  /** One line, in the course's words: what `kubectl explain` prints under the field. */
  description: string;
  /** For 'object': the full name of a type in `schemas`. */
  ref?: string;
  /** For 'object' without a ref: its fields. */
  fields?: Record<string, FieldSchema>;
  /** For an inline 'object': the fields it must have. */
  required?: string[];
  /** For 'array': what each element is. */
  items?: FieldSchema;
  /** For 'map': what each value is (a string unless said). */
  values?: FieldSchema;
  /** For 'integer': int32 unless int64 is said. */
  format?: 'int32' | 'int64' | 'byte';
  /** The values a string may take, when Kubernetes lists them. */
  enum?: string[];
  /** Strategic merge: a list of objects merges element by element on this field. */
  patchMergeKey?: string;
  /** Strategic merge: 'merge' (by the key, or as a set), 'retainKeys', 'replace'. */
  patchStrategy?: string;
}

/** A named type: an object with fields. A kind's type also says which kind it is. */
export interface TypeSchema {
  description: string;
  fields: Record<string, FieldSchema>;
  required?: string[];
  /** The kind this is the type of, for the types of kinds (Pod, Deployment). */
  kind?: { group: string; version: string; kind: string };
}

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
export const CORE = 'io.k8s.api.core.v1.';
export const APPS = 'io.k8s.api.apps.v1.';
export const COORDINATION = 'io.k8s.api.coordination.v1.';
export const POLICY = 'io.k8s.api.policy.v1.';
export const DISCOVERY = 'io.k8s.api.discovery.v1.';
export const NETWORKING = 'io.k8s.api.networking.v1.';
export const BATCH = 'io.k8s.api.batch.v1.';
export const STORAGE = 'io.k8s.api.storage.v1.';
export const AUTOSCALING = 'io.k8s.api.autoscaling.v2.';
export const APIREGISTRATION = 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.';
export const CERTIFICATES = 'io.k8s.api.certificates.v1.';

type More = Partial<FieldSchema>;
const string = (description: string, more: More = {}): FieldSchema => ({
  type: 'string',
  description,
  ...more,
});
const int32 = (description: string): FieldSchema => ({ type: 'integer', description });
const int64 = (description: string): FieldSchema => ({
  type: 'integer',
  format: 'int64',
  description,
});
const boolean = (description: string): FieldSchema => ({ type: 'boolean', description });
const time = (description: string): FieldSchema => ({ type: 'time', description });
const microTime = (description: string): FieldSchema => ({ type: 'micro-time', description });
const intOrString = (description: string): FieldSchema => ({ type: 'int-or-string', description });
const ref = (name: string, description: string): FieldSchema => ({
  type: 'object',
  ref: name,
  description,
});
const list = (items: FieldSchema, description: string, more: More = {}): FieldSchema => ({
  type: 'array',
  items,
  description,
  ...more,
});
const strings = (description: string, more: More = {}): FieldSchema =>
  list({ type: 'string', description: '' }, description, more);
const listOf = (name: string, description: string, more: More = {}): FieldSchema =>
  list({ type: 'object', ref: name, description: '' }, description, more);
const map = (description: string, values?: FieldSchema): FieldSchema => ({
  type: 'map',
  description,
  ...(values ? { values } : {}),
});
const quantities = (description: string): FieldSchema =>
  map(description, { type: 'quantity', description: '' });
/** Lists of objects that merge on a key, as Kubernetes' Go types tag them. */
const mergeOn = (key: string, strategy = 'merge'): More => ({
  patchMergeKey: key,
  patchStrategy: strategy,
});

/** apiVersion, kind and metadata: the fields every kind starts with. */
function objectHeader(): Record<string, FieldSchema> {
  return {
    apiVersion: string('The group and version of the object\'s schema: "v1", "apps/v1".'),
    kind: string('What kind of object this is: "Pod", "Deployment".'),
    metadata: ref(META + 'ObjectMeta', 'Name, namespace, labels and the fields the server keeps.'),
  };
}

/** The type of a kind: its header fields and its own. */
function kindType(
  group: string,
  version: string,
  kind: string,
  description: string,
  fields: Record<string, FieldSchema>,
  required?: string[],
): TypeSchema {
  return {
    description,
    fields: { ...objectHeader(), ...fields },
    ...(required ? { required } : {}),
    kind: { group, version, kind },
  };
}

/** A condition of a workload or a node: type, status True/False/Unknown, reason, message. */
function conditionType(description: string, times: string[]): TypeSchema {
  const fields: Record<string, FieldSchema> = {
    type: string('Which condition this is: "Ready", "Available".'),
    status: string('Whether it holds.', { enum: ['False', 'True', 'Unknown'] }),
    reason: string('One CamelCase word for why the condition last changed.'),
    message: string('Why the condition last changed, in words.'),
  };
  for (const name of times) fields[name] = time(`When the condition was last ${timeWords[name]}.`);
  return { description, fields, required: ['type', 'status'] };
}
const timeWords: Record<string, string> = {
  lastTransitionTime: 'flipped from one status to another',
  lastUpdateTime: 'updated',
  lastHeartbeatTime: 'reported by its owner',
  lastProbeTime: 'probed',
};

// ---------------------------------------------------------------------------------------------
// meta/v1: what every object has
// ---------------------------------------------------------------------------------------------

const metaTypes: Record<string, TypeSchema> = {
  [META + 'ObjectMeta']: {
    description: 'The metadata every object has: its name, labels, owners and what the server set.',
    fields: {
      name: string('Unique among objects of this kind in the namespace; cannot change.'),
      generateName: string(
        'A prefix the server completes with 5 random characters when no name is given.',
      ),
      namespace: string('The namespace the object lives in; empty for cluster-wide kinds.'),
      uid: string('Set by the server at creation; unique over the life of the cluster.'),
      resourceVersion: string(
        'An opaque version of the object, for optimistic concurrency and watches.',
      ),
      generation: int64('Counts changes to the desired state (the spec); set by the server.'),
      creationTimestamp: time('When the server created the object.'),
      deletionTimestamp: time('When the object is to be gone: set by a graceful delete.'),
      deletionGracePeriodSeconds: int64(
        'How long the object was given to stop when it was deleted.',
      ),
      labels: map(
        'Key-value pairs that selectors match: what Services and ReplicaSets find pods by.',
      ),
      annotations: map('Key-value pairs for tools and people; never used to select.'),
      ownerReferences: listOf(
        META + 'OwnerReference',
        'The objects this one depends on; the garbage collector deletes it after them.',
        mergeOn('uid'),
      ),
      finalizers: strings('Names that must be removed before a deleted object goes away.', {
        patchStrategy: 'merge',
      }),
      managedFields: listOf(
        META + 'ManagedFieldsEntry',
        'Which manager set which fields (server-side apply).',
      ),
      selfLink: string("Deprecated: the object's own URL. Not set."),
    },
  },
  [META + 'OwnerReference']: {
    description: 'Names an object that owns this one.',
    fields: {
      apiVersion: string("The owner's group and version."),
      kind: string("The owner's kind."),
      name: string("The owner's name."),
      uid: string("The owner's uid: the reference is to this very object, not a namesake."),
      controller: boolean('Whether the owner is the controller of this object (at most one is).'),
      blockOwnerDeletion: boolean(
        'Whether a foreground delete of the owner waits for this object.',
      ),
    },
    required: ['apiVersion', 'kind', 'name', 'uid'],
  },
  [META + 'ManagedFieldsEntry']: {
    description: "One manager's share of an object's fields.",
    fields: {
      manager: string('Who manages these fields: "kubectl", "kube-controller-manager".'),
      operation: string('How the manager set them.', { enum: ['Apply', 'Update'] }),
      apiVersion: string('The version of the object the fields are named in.'),
      time: time('When the manager last changed them.'),
      fieldsType: string('The format of fieldsV1: "FieldsV1".'),
      fieldsV1: { type: 'free-form', description: 'The set of fields, as a tree.' },
      subresource: string('The subresource the fields were written through, if any.'),
    },
  },
  [META + 'LabelSelector']: {
    description:
      'Selects objects by their labels: every matchLabels pair and every expression must hold.',
    fields: {
      matchLabels: map('Labels the object must have, with these values.'),
      matchExpressions: listOf(
        META + 'LabelSelectorRequirement',
        'Requirements on labels, all of which must hold.',
      ),
    },
  },
  [META + 'LabelSelectorRequirement']: {
    description: 'One requirement on a label: key, an operator and values.',
    fields: {
      key: string('The label key.'),
      operator: string("How the label's value relates to values.", {
        enum: ['DoesNotExist', 'Exists', 'In', 'NotIn'],
      }),
      values: strings('For In and NotIn, the values; empty for Exists and DoesNotExist.'),
    },
    required: ['key', 'operator'],
  },
  [META + 'Condition']: {
    description: 'A condition of an object, in the common shape newer kinds use.',
    fields: {
      type: string('Which condition this is.'),
      status: string('Whether it holds.', { enum: ['False', 'True', 'Unknown'] }),
      observedGeneration: int64("The object's generation the condition was computed from."),
      lastTransitionTime: time('When the status last changed.'),
      reason: string('One CamelCase word for why.'),
      message: string('Why, in words.'),
    },
    required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
  },
  [META + 'DeleteOptions']: {
    description:
      'How a delete is done: its grace period, preconditions and what happens to dependents.',
    fields: {
      apiVersion: string('"v1" (or the group version of the request).'),
      kind: string('"DeleteOptions".'),
      gracePeriodSeconds: int64('Seconds the object gets to stop; 0 deletes at once.'),
      preconditions: ref(
        META + 'Preconditions',
        'The delete happens only if the object still matches these.',
      ),
      propagationPolicy: string('What happens to the objects this one owns.', {
        enum: ['Background', 'Foreground', 'Orphan'],
      }),
      orphanDependents: boolean('Deprecated: use propagationPolicy Orphan.'),
      dryRun: strings('"All" checks the delete without doing it.'),
    },
  },
  [META + 'Preconditions']: {
    description: 'What the object must still be for an operation to go ahead.',
    fields: {
      uid: string("The object's uid must be this."),
      resourceVersion: string("The object's resourceVersion must be this."),
    },
  },
};

// ---------------------------------------------------------------------------------------------
// core/v1: pods and what they are made of
// ---------------------------------------------------------------------------------------------

const probeFields = (): Record<string, FieldSchema> => ({
  exec: ref(CORE + 'ExecAction', 'Run a command in the container; exit code 0 is healthy.'),
  httpGet: ref(CORE + 'HTTPGetAction', 'GET a URL of the container; 200-399 is healthy.'),
  tcpSocket: ref(
    CORE + 'TCPSocketAction',
    'Open a TCP connection to a port; connecting is healthy.',
  ),
  initialDelaySeconds: int32('Seconds after the container starts before the first probe.'),
  periodSeconds: int32('Seconds between probes. Default 10.'),
  timeoutSeconds: int32('Seconds a probe may take. Default 1.'),
  successThreshold: int32(
    'Successes in a row that make a failing container healthy again. Default 1.',
  ),
  failureThreshold: int32('Failures in a row that count as unhealthy. Default 3.'),
  terminationGracePeriodSeconds: int64(
    'For a failing liveness probe: the grace period of the restart.',
  ),
});

const containerFields = (): Record<string, FieldSchema> => ({
  name: string("The container's name, unique in the pod (a DNS label)."),
  image: string('The image to run: "nginx:1.27", "registry/app@sha256:...".'),
  command: strings("The entrypoint, instead of the image's; not run in a shell."),
  args: strings("Arguments to the entrypoint, instead of the image's."),
  workingDir: string('The directory the command starts in.'),
  env: listOf(CORE + 'EnvVar', 'Environment variables to set.', mergeOn('name')),
  envFrom: listOf(
    CORE + 'EnvFromSource',
    'Every key of a ConfigMap or Secret, as environment variables.',
  ),
  ports: listOf(
    CORE + 'ContainerPort',
    'The ports the container listens on; informational, and names for Services.',
    {
      ...mergeOn('containerPort'),
    },
  ),
  resources: ref(
    CORE + 'ResourceRequirements',
    'CPU and memory: what the scheduler reserves (requests) and the most it may use (limits).',
  ),
  volumeMounts: listOf(
    CORE + 'VolumeMount',
    "Where the pod's volumes appear in the container's filesystem.",
    mergeOn('mountPath'),
  ),
  livenessProbe: ref(CORE + 'Probe', 'Restarts the container when it fails.'),
  readinessProbe: ref(
    CORE + 'Probe',
    "Takes the pod out of its Services' endpoints while it fails.",
  ),
  startupProbe: ref(CORE + 'Probe', 'Holds the other probes back until it succeeds once.'),
  lifecycle: ref(
    CORE + 'Lifecycle',
    'Actions run right after the container starts and before it stops.',
  ),
  imagePullPolicy: string('When to pull the image: Always for :latest, else IfNotPresent.', {
    enum: ['Always', 'IfNotPresent', 'Never'],
  }),
  terminationMessagePath: string(
    'A file whose content becomes the message of a terminated container.',
  ),
  terminationMessagePolicy: string('Where the termination message comes from.', {
    enum: ['FallbackToLogsOnError', 'File'],
  }),
  securityContext: ref(
    CORE + 'SecurityContext',
    'The user, capabilities and privileges the container runs with.',
  ),
  restartPolicy: string(
    'Only for init containers: Always makes it a sidecar that runs beside the others.',
  ),
  stdin: boolean('Keep stdin open for attach.'),
  stdinOnce: boolean('Close stdin after the first attach ends.'),
  tty: boolean('Give the container a terminal.'),
});

const coreTypes: Record<string, TypeSchema> = {
  [CORE + 'Pod']: kindType(
    '',
    'v1',
    'Pod',
    'A group of containers that run together on one node, sharing an IP and volumes.',
    {
      spec: ref(
        CORE + 'PodSpec',
        'What the pod runs and how: its containers, volumes and scheduling.',
      ),
      status: ref(CORE + 'PodStatus', 'What the pod is doing, as its kubelet last reported.'),
    },
  ),
  [CORE + 'PodSpec']: {
    description: 'The desired state of a pod.',
    fields: {
      containers: listOf(
        CORE + 'Container',
        'The containers of the pod; at least one.',
        mergeOn('name'),
      ),
      initContainers: listOf(
        CORE + 'Container',
        'Containers run one after another, each to success, before the others start.',
        mergeOn('name'),
      ),
      volumes: listOf(
        CORE + 'Volume',
        'Storage the containers can mount.',
        mergeOn('name', 'merge,retainKeys'),
      ),
      restartPolicy: string('What the kubelet does when a container exits.', {
        enum: ['Always', 'Never', 'OnFailure'],
      }),
      terminationGracePeriodSeconds: int64(
        'Seconds the containers get between SIGTERM and SIGKILL. Default 30.',
      ),
      activeDeadlineSeconds: int64('Seconds the pod may run before it is failed.'),
      dnsPolicy: string('Which DNS the containers use.', {
        enum: ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
      }),
      nodeSelector: map('Labels a node must have for the pod to be scheduled there.'),
      nodeName: string(
        "The node the pod runs on; set by the scheduler's binding (or by hand, skipping it).",
      ),
      schedulerName: string('The scheduler that places the pod. Default "default-scheduler".'),
      serviceAccountName: string('The ServiceAccount the pod runs as.'),
      serviceAccount: string('Deprecated: use serviceAccountName.'),
      automountServiceAccountToken: boolean("Whether the ServiceAccount's token is mounted."),
      hostNetwork: boolean("Use the node's network instead of the pod's own IP."),
      hostPID: boolean("Share the node's process namespace."),
      hostIPC: boolean("Share the node's IPC namespace."),
      shareProcessNamespace: boolean("Let the containers see each other's processes."),
      hostname: string("The pod's hostname; its name by default."),
      subdomain: string('With hostname, gives the pod a DNS name under a headless Service.'),
      securityContext: ref(
        CORE + 'PodSecurityContext',
        'The user, group and filesystem group every container runs with.',
      ),
      imagePullSecrets: listOf(
        CORE + 'LocalObjectReference',
        'Secrets with the credentials to pull the images.',
        mergeOn('name'),
      ),
      affinity: ref(
        CORE + 'Affinity',
        'Rules for which nodes, and next to which pods, the pod may be scheduled.',
      ),
      tolerations: listOf(CORE + 'Toleration', 'The node taints the pod tolerates.'),
      topologySpreadConstraints: listOf(
        CORE + 'TopologySpreadConstraint',
        'How evenly matching pods spread over zones or nodes.',
        mergeOn('topologyKey'),
      ),
      priorityClassName: string("The PriorityClass that sets the pod's priority."),
      priority: int32("The pod's priority, from its PriorityClass."),
      preemptionPolicy: string('Whether the pod may evict lower-priority pods.', {
        enum: ['Never', 'PreemptLowerPriority'],
      }),
      runtimeClassName: string('The RuntimeClass that runs the pod.'),
      enableServiceLinks: boolean(
        'Whether Services are also given to the containers as environment variables.',
      ),
    },
    required: ['containers'],
  },
  [CORE + 'Container']: {
    description: 'One program of a pod, from its image.',
    fields: containerFields(),
    required: ['name'],
  },
  [CORE + 'ContainerPort']: {
    description: 'A port a container listens on.',
    fields: {
      name: string('A name Services can target the port by (an IANA service name).'),
      containerPort: int32('The port number, 1-65535.'),
      protocol: string('TCP, UDP or SCTP. Default TCP.', { enum: ['SCTP', 'TCP', 'UDP'] }),
      hostPort: int32('A port of the node forwarded to this one.'),
      hostIP: string('The node address the hostPort binds to.'),
    },
    required: ['containerPort'],
  },
  [CORE + 'EnvVar']: {
    description: 'An environment variable: a value, or one taken from elsewhere.',
    fields: {
      name: string("The variable's name."),
      value: string('The value; $(OTHER) expands an earlier variable.'),
      valueFrom: ref(
        CORE + 'EnvVarSource',
        'Where the value comes from instead: a ConfigMap, a Secret, a field of the pod.',
      ),
    },
    required: ['name'],
  },
  [CORE + 'EnvVarSource']: {
    description: "Where an environment variable's value comes from.",
    fields: {
      configMapKeyRef: ref(CORE + 'ConfigMapKeySelector', 'A key of a ConfigMap.'),
      secretKeyRef: ref(CORE + 'SecretKeySelector', 'A key of a Secret.'),
      fieldRef: ref(
        CORE + 'ObjectFieldSelector',
        'A field of the pod: metadata.name, status.podIP.',
      ),
      resourceFieldRef: ref(CORE + 'ResourceFieldSelector', 'A request or limit of a container.'),
    },
  },
  [CORE + 'ConfigMapKeySelector']: {
    description: 'One key of a ConfigMap.',
    fields: {
      name: string("The ConfigMap's name."),
      key: string('The key.'),
      optional: boolean('Whether the ConfigMap or the key may be missing.'),
    },
    required: ['key'],
  },
  [CORE + 'SecretKeySelector']: {
    description: 'One key of a Secret.',
    fields: {
      name: string("The Secret's name."),
      key: string('The key.'),
      optional: boolean('Whether the Secret or the key may be missing.'),
    },
    required: ['key'],
  },
  [CORE + 'ObjectFieldSelector']: {
    description: 'A field of the pod, by path.',
    fields: {
      fieldPath: string('The path: "metadata.name", "status.podIP".'),
      apiVersion: string('The version the path is in. Default "v1".'),
    },
    required: ['fieldPath'],
  },
  [CORE + 'ResourceFieldSelector']: {
    description: 'A request or limit of a container.',
    fields: {
      containerName: string('The container; required in volumes.'),
      resource: string('"limits.cpu", "requests.memory"...'),
      divisor: { type: 'quantity', description: 'The unit the value is given in. Default 1.' },
    },
    required: ['resource'],
  },
  [CORE + 'EnvFromSource']: {
    description: 'A ConfigMap or Secret whose every key becomes an environment variable.',
    fields: {
      prefix: string('Put before every key.'),
      configMapRef: ref(CORE + 'ConfigMapEnvSource', 'The ConfigMap.'),
      secretRef: ref(CORE + 'SecretEnvSource', 'The Secret.'),
    },
  },
  [CORE + 'ConfigMapEnvSource']: {
    description: 'A ConfigMap to take environment variables from.',
    fields: {
      name: string("The ConfigMap's name."),
      optional: boolean('Whether it may be missing.'),
    },
  },
  [CORE + 'SecretEnvSource']: {
    description: 'A Secret to take environment variables from.',
    fields: {
      name: string("The Secret's name."),
      optional: boolean('Whether it may be missing.'),
    },
  },
  [CORE + 'ResourceRequirements']: {
    description: 'The compute resources of a container.',
    fields: {
      requests: quantities(
        'What the scheduler reserves for the container: cpu "250m", memory "64Mi".',
      ),
      limits: quantities('The most the container may use; above the memory limit it is killed.'),
    },
  },
  [CORE + 'Probe']: {
    description: 'A health check the kubelet runs against a container.',
    fields: probeFields(),
  },
  [CORE + 'ExecAction']: {
    description: 'A command run inside the container.',
    fields: { command: strings('The command and its arguments; not run in a shell.') },
  },
  [CORE + 'HTTPGetAction']: {
    description: 'An HTTP GET to the container.',
    fields: {
      path: string('The path to GET.'),
      port: intOrString('The port, by number or by the name of a container port.'),
      host: string("The host to connect to; the pod's IP by default."),
      scheme: string('HTTP or HTTPS. Default HTTP.', { enum: ['HTTP', 'HTTPS'] }),
      httpHeaders: listOf(CORE + 'HTTPHeader', 'Headers to send.'),
    },
    required: ['port'],
  },
  [CORE + 'HTTPHeader']: {
    description: 'One HTTP header.',
    fields: { name: string('The header name.'), value: string('The header value.') },
    required: ['name', 'value'],
  },
  [CORE + 'TCPSocketAction']: {
    description: 'A TCP connection to the container.',
    fields: {
      port: intOrString('The port, by number or by the name of a container port.'),
      host: string("The host to connect to; the pod's IP by default."),
    },
    required: ['port'],
  },
  [CORE + 'Lifecycle']: {
    description: "Actions at a container's start and stop.",
    fields: {
      postStart: ref(CORE + 'LifecycleHandler', 'Run right after the container is created.'),
      preStop: ref(
        CORE + 'LifecycleHandler',
        'Run before the container is stopped; the grace period counts.',
      ),
    },
  },
  [CORE + 'LifecycleHandler']: {
    description: 'One lifecycle action: a command, an HTTP GET, or a pause.',
    fields: {
      exec: ref(CORE + 'ExecAction', 'Run a command in the container.'),
      httpGet: ref(CORE + 'HTTPGetAction', 'GET a URL of the container.'),
      tcpSocket: ref(CORE + 'TCPSocketAction', 'Deprecated: connect to a port.'),
      sleep: {
        type: 'object',
        description: 'Wait a while.',
        fields: { seconds: int64('How long.') },
        required: ['seconds'],
      },
    },
  },
  [CORE + 'VolumeMount']: {
    description: 'A volume of the pod, mounted in a container.',
    fields: {
      name: string("The volume's name in the pod's volumes."),
      mountPath: string('Where in the container it appears.'),
      subPath: string('A path inside the volume to mount instead of its root.'),
      readOnly: boolean('Mount it read-only.'),
    },
    required: ['name', 'mountPath'],
  },
  [CORE + 'Volume']: {
    description: "Storage a pod's containers can mount; exactly one source.",
    fields: {
      name: string("The volume's name, which volumeMounts use."),
      emptyDir: ref(
        CORE + 'EmptyDirVolumeSource',
        'An empty directory that lives as long as the pod.',
      ),
      configMap: ref(CORE + 'ConfigMapVolumeSource', 'The keys of a ConfigMap, as files.'),
      secret: ref(CORE + 'SecretVolumeSource', 'The keys of a Secret, as files.'),
      hostPath: ref(CORE + 'HostPathVolumeSource', 'A file or directory of the node.'),
      persistentVolumeClaim: ref(
        CORE + 'PersistentVolumeClaimVolumeSource',
        'The volume bound to a PersistentVolumeClaim.',
      ),
    },
    required: ['name'],
  },
  [CORE + 'EmptyDirVolumeSource']: {
    description: 'An empty directory for the life of the pod.',
    fields: {
      medium: string('"" for the node\'s disk, "Memory" for a tmpfs.'),
      sizeLimit: { type: 'quantity', description: 'The most it may hold.' },
    },
  },
  [CORE + 'ConfigMapVolumeSource']: {
    description: "A ConfigMap's keys as files.",
    fields: {
      name: string("The ConfigMap's name."),
      items: listOf(CORE + 'KeyToPath', 'Only these keys, at these paths; all keys by default.'),
      defaultMode: int32("The files' mode bits. Default 0644."),
      optional: boolean('Whether the ConfigMap may be missing.'),
    },
  },
  [CORE + 'SecretVolumeSource']: {
    description: "A Secret's keys as files.",
    fields: {
      secretName: string("The Secret's name."),
      items: listOf(CORE + 'KeyToPath', 'Only these keys, at these paths; all keys by default.'),
      defaultMode: int32("The files' mode bits. Default 0644."),
      optional: boolean('Whether the Secret may be missing.'),
    },
  },
  [CORE + 'KeyToPath']: {
    description: 'One key, and the file it becomes.',
    fields: {
      key: string('The key.'),
      path: string("The file's relative path."),
      mode: int32("The file's mode bits."),
    },
    required: ['key', 'path'],
  },
  [CORE + 'HostPathVolumeSource']: {
    description: 'A path on the node.',
    fields: {
      path: string('The path on the node.'),
      type: string('What must be there: "", Directory, DirectoryOrCreate, File...'),
    },
    required: ['path'],
  },
  [CORE + 'PersistentVolumeClaimVolumeSource']: {
    description: "A PersistentVolumeClaim in the pod's namespace.",
    fields: {
      claimName: string("The claim's name."),
      readOnly: boolean('Mount it read-only.'),
    },
    required: ['claimName'],
  },
  [CORE + 'SecurityContext']: {
    description: 'Security settings of one container.',
    fields: {
      runAsUser: int64('The user id the process runs as.'),
      runAsGroup: int64('The group id the process runs as.'),
      runAsNonRoot: boolean('Refuse to start the container as root.'),
      privileged: boolean("Run with the node's full privileges."),
      allowPrivilegeEscalation: boolean(
        'Whether the process may gain more privileges than its parent.',
      ),
      readOnlyRootFilesystem: boolean("Mount the container's root filesystem read-only."),
      capabilities: ref(CORE + 'Capabilities', 'Linux capabilities to add and drop.'),
    },
  },
  [CORE + 'Capabilities']: {
    description: 'Linux capabilities.',
    fields: {
      add: strings('Capabilities to add: "NET_ADMIN".'),
      drop: strings('Capabilities to drop: "ALL".'),
    },
  },
  [CORE + 'PodSecurityContext']: {
    description: 'Security settings of every container of a pod.',
    fields: {
      runAsUser: int64('The user id the processes run as.'),
      runAsGroup: int64('The group id the processes run as.'),
      runAsNonRoot: boolean('Refuse to start containers as root.'),
      fsGroup: int64("A group that owns the pod's volumes."),
      supplementalGroups: list(
        { type: 'integer', format: 'int64', description: '' },
        'More groups for the processes.',
      ),
    },
  },
  [CORE + 'LocalObjectReference']: {
    description: 'An object in the same namespace, by name.',
    fields: { name: string('Its name.') },
  },
  [CORE + 'Toleration']: {
    description: 'Lets a pod onto nodes with a matching taint.',
    fields: {
      key: string('The taint key; empty with Exists tolerates every taint.'),
      operator: string('Equal compares value; Exists ignores it. Default Equal.', {
        enum: ['Equal', 'Exists'],
      }),
      value: string('The taint value, for Equal.'),
      effect: string('The taint effect tolerated; empty tolerates all.', {
        enum: ['NoExecute', 'NoSchedule', 'PreferNoSchedule'],
      }),
      tolerationSeconds: int64(
        'For NoExecute: how long the pod stays after the taint appears; unset is forever.',
      ),
    },
  },
  [CORE + 'Affinity']: {
    description: 'Scheduling rules for a pod.',
    fields: {
      nodeAffinity: ref(CORE + 'NodeAffinity', 'Which nodes, by their labels.'),
      podAffinity: ref(CORE + 'PodAffinity', 'Near which pods.'),
      podAntiAffinity: ref(CORE + 'PodAntiAffinity', 'Away from which pods.'),
    },
  },
  [CORE + 'NodeAffinity']: {
    description: 'Which nodes a pod may, or would rather, run on.',
    fields: {
      requiredDuringSchedulingIgnoredDuringExecution: ref(
        CORE + 'NodeSelector',
        'A node must match for the pod to go there.',
      ),
      preferredDuringSchedulingIgnoredDuringExecution: listOf(
        CORE + 'PreferredSchedulingTerm',
        'Nodes that match score higher.',
      ),
    },
  },
  [CORE + 'NodeSelector']: {
    description: 'Terms on nodes; a node matches when any one term does.',
    fields: { nodeSelectorTerms: listOf(CORE + 'NodeSelectorTerm', 'The terms, ORed.') },
    required: ['nodeSelectorTerms'],
  },
  [CORE + 'NodeSelectorTerm']: {
    description: 'Requirements on a node, all of which must hold.',
    fields: {
      matchExpressions: listOf(
        CORE + 'NodeSelectorRequirement',
        "Requirements on the node's labels.",
      ),
      matchFields: listOf(
        CORE + 'NodeSelectorRequirement',
        "Requirements on the node's fields (metadata.name).",
      ),
    },
  },
  [CORE + 'NodeSelectorRequirement']: {
    description: 'One requirement on a node label: key, operator, values.',
    fields: {
      key: string('The label key.'),
      operator: string('How the value relates to values.', {
        enum: ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'],
      }),
      values: strings(
        'The values; one whole number for Gt and Lt, none for Exists and DoesNotExist.',
      ),
    },
    required: ['key', 'operator'],
  },
  [CORE + 'PreferredSchedulingTerm']: {
    description: 'A term with a weight: matching nodes get the weight added to their score.',
    fields: {
      weight: int32('1-100.'),
      preference: ref(CORE + 'NodeSelectorTerm', 'The term.'),
    },
    required: ['weight', 'preference'],
  },
  [CORE + 'PodAffinity']: {
    description: 'Schedule a pod in the same topology domain as other pods.',
    fields: {
      requiredDuringSchedulingIgnoredDuringExecution: listOf(
        CORE + 'PodAffinityTerm',
        'Terms that must hold.',
      ),
      preferredDuringSchedulingIgnoredDuringExecution: listOf(
        CORE + 'WeightedPodAffinityTerm',
        'Terms that score.',
      ),
    },
  },
  [CORE + 'PodAntiAffinity']: {
    description: "Schedule a pod away from other pods' topology domains.",
    fields: {
      requiredDuringSchedulingIgnoredDuringExecution: listOf(
        CORE + 'PodAffinityTerm',
        'Terms that must hold.',
      ),
      preferredDuringSchedulingIgnoredDuringExecution: listOf(
        CORE + 'WeightedPodAffinityTerm',
        'Terms that score.',
      ),
    },
  },
  [CORE + 'PodAffinityTerm']: {
    description: 'The pods a term is about, and the topology key that says what "near" means.',
    fields: {
      labelSelector: ref(META + 'LabelSelector', 'The pods.'),
      namespaces: strings("Their namespaces; the pod's own by default."),
      namespaceSelector: ref(META + 'LabelSelector', 'Their namespaces, by label.'),
      topologyKey: string(
        'A node label: nodes with the same value are one domain ("kubernetes.io/hostname").',
      ),
    },
    required: ['topologyKey'],
  },
  [CORE + 'WeightedPodAffinityTerm']: {
    description: 'A pod affinity term with a weight.',
    fields: {
      weight: int32('1-100.'),
      podAffinityTerm: ref(CORE + 'PodAffinityTerm', 'The term.'),
    },
    required: ['weight', 'podAffinityTerm'],
  },
  [CORE + 'TopologySpreadConstraint']: {
    description: 'How unevenly matching pods may spread over topology domains.',
    fields: {
      maxSkew: int32('The largest difference in matching pods between two domains.'),
      topologyKey: string('The node label that defines the domains.'),
      whenUnsatisfiable: string('What to do when the skew would be exceeded.', {
        enum: ['DoNotSchedule', 'ScheduleAnyway'],
      }),
      labelSelector: ref(META + 'LabelSelector', 'The pods counted.'),
      minDomains: int32('The fewest domains to count.'),
    },
    required: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'],
  },
  [CORE + 'PodStatus']: {
    description: 'What a pod is doing, as its kubelet last reported.',
    fields: {
      phase: string('Where the pod is in its life.', {
        enum: ['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'],
      }),
      conditions: listOf(
        CORE + 'PodCondition',
        'PodScheduled, Initialized, ContainersReady, Ready.',
        mergeOn('type'),
      ),
      message: string('Why the pod is in this state, in words.'),
      reason: string('Why, in one CamelCase word: "Evicted".'),
      nominatedNodeName: string('The node a preempting pod is waiting for.'),
      hostIP: string("The IP of the pod's node."),
      hostIPs: listOf(CORE + 'HostIP', "Every IP of the pod's node.", mergeOn('ip')),
      podIP: string("The pod's IP."),
      podIPs: listOf(CORE + 'PodIP', 'Every IP of the pod.', mergeOn('ip')),
      startTime: time('When the kubelet accepted the pod.'),
      initContainerStatuses: listOf(CORE + 'ContainerStatus', "The init containers' states."),
      containerStatuses: listOf(CORE + 'ContainerStatus', "The containers' states."),
      qosClass: string("The pod's quality of service, from its requests and limits.", {
        enum: ['BestEffort', 'Burstable', 'Guaranteed'],
      }),
    },
  },
  [CORE + 'PodCondition']: conditionType('One condition of a pod.', [
    'lastProbeTime',
    'lastTransitionTime',
  ]),
  [CORE + 'PodIP']: {
    description: 'An IP of a pod.',
    fields: { ip: string('The address.') },
    required: ['ip'],
  },
  [CORE + 'HostIP']: {
    description: 'An IP of a node.',
    fields: { ip: string('The address.') },
    required: ['ip'],
  },
  [CORE + 'ContainerStatus']: {
    description: 'The state of one container.',
    fields: {
      name: string("The container's name."),
      image: string('The image it runs.'),
      imageID: string('The image, as the runtime identifies it.'),
      containerID: string('The container, as the runtime identifies it: "<runtime>://<id>".'),
      ready: boolean('Whether its readiness probe passes.'),
      started: boolean('Whether its startup probe passed.'),
      restartCount: int32('How often the kubelet restarted it.'),
      state: ref(CORE + 'ContainerState', 'What it is doing now.'),
      lastState: ref(CORE + 'ContainerState', 'How its previous run ended.'),
    },
    required: ['name', 'ready', 'restartCount', 'image', 'imageID'],
  },
  [CORE + 'ContainerState']: {
    description: 'One of: waiting, running, terminated.',
    fields: {
      waiting: ref(CORE + 'ContainerStateWaiting', 'Not running yet, or waiting to restart.'),
      running: ref(CORE + 'ContainerStateRunning', 'Running.'),
      terminated: ref(CORE + 'ContainerStateTerminated', 'Exited.'),
    },
  },
  [CORE + 'ContainerStateWaiting']: {
    description: 'A container that is not running.',
    fields: {
      reason: string('Why: "ContainerCreating", "CrashLoopBackOff", "ImagePullBackOff".'),
      message: string('Why, in words.'),
    },
  },
  [CORE + 'ContainerStateRunning']: {
    description: 'A running container.',
    fields: { startedAt: time('When it last started.') },
  },
  [CORE + 'ContainerStateTerminated']: {
    description: 'A container that exited.',
    fields: {
      exitCode: int32('Its exit code.'),
      signal: int32('The signal that ended it, if one did.'),
      reason: string('Why: "Completed", "Error", "OOMKilled".'),
      message: string('Its termination message.'),
      startedAt: time('When it started.'),
      finishedAt: time('When it exited.'),
      containerID: string('The container, as the runtime identifies it.'),
    },
    required: ['exitCode'],
  },
  [CORE + 'PodTemplateSpec']: {
    description: 'The pods a controller makes: their metadata and spec.',
    fields: {
      metadata: ref(META + 'ObjectMeta', "The pods' labels and annotations."),
      spec: ref(CORE + 'PodSpec', "The pods' spec."),
    },
  },
  [CORE + 'ObjectReference']: {
    description: 'Names any object, or a part of one.',
    fields: {
      apiVersion: string('Its group and version.'),
      kind: string('Its kind.'),
      namespace: string('Its namespace.'),
      name: string('Its name.'),
      uid: string('Its uid.'),
      resourceVersion: string('The version of it this reference was made from.'),
      fieldPath: string('A part of it: "spec.containers{web}".'),
    },
  },
};

// ---------------------------------------------------------------------------------------------
// core/v1: the other kinds
// ---------------------------------------------------------------------------------------------

const otherCoreTypes: Record<string, TypeSchema> = {
  [CORE + 'Namespace']: kindType(
    '',
    'v1',
    'Namespace',
    'A scope for names: objects of one kind need unique names only within a namespace.',
    {
      spec: ref(CORE + 'NamespaceSpec', 'What must happen before the namespace is deleted.'),
      status: ref(CORE + 'NamespaceStatus', 'Whether the namespace is in use or being deleted.'),
    },
  ),
  [CORE + 'NamespaceSpec']: {
    description: 'The desired state of a namespace.',
    fields: { finalizers: strings('What must clean up before the namespace goes: "kubernetes".') },
  },
  [CORE + 'NamespaceStatus']: {
    description: 'The state of a namespace.',
    fields: {
      phase: string('Active, or Terminating while its objects are deleted.', {
        enum: ['Active', 'Terminating'],
      }),
      conditions: listOf(
        CORE + 'NamespaceCondition',
        'What is holding a deletion up.',
        mergeOn('type'),
      ),
    },
  },
  [CORE + 'NamespaceCondition']: conditionType('One condition of a namespace.', [
    'lastTransitionTime',
  ]),
  [CORE + 'Node']: kindType(
    '',
    'v1',
    'Node',
    'A machine that runs pods, registered by its kubelet.',
    {
      spec: ref(CORE + 'NodeSpec', 'How the node may be used: taints, cordon, pod addresses.'),
      status: ref(
        CORE + 'NodeStatus',
        'What the kubelet last reported: capacity, conditions, addresses.',
      ),
    },
  ),
  [CORE + 'NodeSpec']: {
    description: 'The desired state of a node.',
    fields: {
      podCIDR: string('The range pod IPs on this node come from.'),
      podCIDRs: strings('Every range pod IPs on this node come from.', { patchStrategy: 'merge' }),
      providerID: string("The node's id at its cloud provider."),
      unschedulable: boolean('Cordoned: no new pods are scheduled here.'),
      taints: listOf(CORE + 'Taint', 'Keep pods away unless they tolerate them.'),
    },
  },
  [CORE + 'Taint']: {
    description: 'Marks a node so that only pods that tolerate it go (or stay) there.',
    fields: {
      key: string('The taint key.'),
      value: string('The taint value.'),
      effect: string('What happens to pods that do not tolerate it.', {
        enum: ['NoExecute', 'NoSchedule', 'PreferNoSchedule'],
      }),
      timeAdded: time('For NoExecute: when the taint was added.'),
    },
    required: ['key', 'effect'],
  },
  [CORE + 'NodeStatus']: {
    description: 'The state of a node.',
    fields: {
      capacity: quantities("All of the node's resources: cpu, memory, pods."),
      allocatable: quantities('What of them is left for pods.'),
      phase: string('Deprecated; not set.'),
      conditions: listOf(
        CORE + 'NodeCondition',
        'Ready, MemoryPressure, DiskPressure, PIDPressure.',
        mergeOn('type'),
      ),
      addresses: listOf(
        CORE + 'NodeAddress',
        'How to reach the node: InternalIP, Hostname...',
        mergeOn('type'),
      ),
      daemonEndpoints: ref(CORE + 'NodeDaemonEndpoints', "Where the node's kubelet listens."),
      nodeInfo: ref(CORE + 'NodeSystemInfo', "The node's system, runtime and kubelet versions."),
      images: listOf(CORE + 'ContainerImage', 'Images the node has.'),
    },
  },
  [CORE + 'NodeCondition']: conditionType('One condition of a node.', [
    'lastHeartbeatTime',
    'lastTransitionTime',
  ]),
  [CORE + 'NodeAddress']: {
    description: 'One address of a node.',
    fields: {
      type: string('What kind of address.', {
        enum: ['ExternalDNS', 'ExternalIP', 'Hostname', 'InternalDNS', 'InternalIP'],
      }),
      address: string('The address.'),
    },
    required: ['type', 'address'],
  },
  [CORE + 'NodeDaemonEndpoints']: {
    description: "The ports of a node's daemons.",
    fields: { kubeletEndpoint: ref(CORE + 'DaemonEndpoint', "The kubelet's API.") },
  },
  [CORE + 'DaemonEndpoint']: {
    description: 'A port.',
    fields: { Port: int32('The port number.') },
    required: ['Port'],
  },
  [CORE + 'NodeSystemInfo']: {
    description: 'What a node runs.',
    fields: {
      machineID: string('The machine id.'),
      systemUUID: string('The system UUID.'),
      bootID: string('Changes on every boot.'),
      kernelVersion: string('The kernel.'),
      osImage: string('The operating system image.'),
      containerRuntimeVersion: string('The container runtime: "<runtime>://<version>".'),
      kubeletVersion: string("The kubelet's version."),
      kubeProxyVersion: string("Deprecated: the kube-proxy's version."),
      operatingSystem: string('"linux", "windows"...'),
      architecture: string('"amd64", "arm64"...'),
    },
  },
  [CORE + 'ContainerImage']: {
    description: 'An image on a node.',
    fields: {
      names: strings('Its names and digests.'),
      sizeBytes: int64('Its size.'),
    },
  },
  [CORE + 'Service']: kindType(
    '',
    'v1',
    'Service',
    'One stable address for a set of pods chosen by labels.',
    {
      spec: ref(CORE + 'ServiceSpec', 'Which pods, on which ports, behind which kind of address.'),
      status: ref(CORE + 'ServiceStatus', 'The load balancer, once one serves the Service.'),
    },
  ),
  [CORE + 'ServiceSpec']: {
    description: 'The desired state of a Service.',
    fields: {
      type: string('How the Service is reached.', {
        enum: ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'],
      }),
      selector: map('The labels of the pods behind the Service.'),
      ports: listOf(CORE + 'ServicePort', 'The ports the Service serves.', mergeOn('port')),
      clusterIP: string(
        'The Service\'s virtual IP, given by the server; "None" for a headless Service.',
      ),
      clusterIPs: strings('Every cluster IP of the Service.'),
      externalIPs: strings('Addresses outside the cluster that also route to the Service.'),
      externalName: string('For ExternalName: the DNS name the Service is an alias of.'),
      sessionAffinity: string('ClientIP sends a client to the same pod each time.', {
        enum: ['ClientIP', 'None'],
      }),
      externalTrafficPolicy: string('Local keeps outside traffic on the node it arrived at.', {
        enum: ['Cluster', 'Local'],
      }),
      internalTrafficPolicy: string('Local keeps traffic from pods on their own node.', {
        enum: ['Cluster', 'Local'],
      }),
      ipFamilies: strings('IPv4, IPv6.'),
      ipFamilyPolicy: string('How many IP families the Service has.', {
        enum: ['PreferDualStack', 'RequireDualStack', 'SingleStack'],
      }),
      loadBalancerIP: string('Deprecated: an address to ask the load balancer for.'),
      loadBalancerClass: string('Which load balancer implementation serves the Service.'),
      allocateLoadBalancerNodePorts: boolean('Whether a LoadBalancer also gets node ports.'),
      healthCheckNodePort: int32(
        'With externalTrafficPolicy Local: the port load balancers check.',
      ),
      publishNotReadyAddresses: boolean('Put pods in endpoints even before they are ready.'),
    },
  },
  [CORE + 'ServicePort']: {
    description: 'One port of a Service.',
    fields: {
      name: string('Needed when the Service has several ports.'),
      protocol: string('TCP, UDP or SCTP. Default TCP.', { enum: ['SCTP', 'TCP', 'UDP'] }),
      appProtocol: string('The application protocol, a hint: "http".'),
      port: int32('The port the Service listens on.'),
      targetPort: intOrString("The pods' port, by number or by name; the same as port by default."),
      nodePort: int32('For NodePort and LoadBalancer: the port on every node (30000-32767).'),
    },
    required: ['port'],
  },
  [CORE + 'ServiceStatus']: {
    description: 'The state of a Service.',
    fields: {
      loadBalancer: ref(CORE + 'LoadBalancerStatus', "The load balancer's addresses."),
      conditions: listOf(META + 'Condition', 'Conditions of the Service.', mergeOn('type')),
    },
  },
  [CORE + 'LoadBalancerStatus']: {
    description: 'A load balancer.',
    fields: { ingress: listOf(CORE + 'LoadBalancerIngress', 'Its addresses.') },
  },
  [CORE + 'LoadBalancerIngress']: {
    description: 'One address of a load balancer.',
    fields: {
      ip: string('An IP.'),
      hostname: string('A DNS name.'),
      ipMode: string('How traffic reaches the nodes: VIP or Proxy.'),
    },
  },
  [CORE + 'Endpoints']: kindType(
    '',
    'v1',
    'Endpoints',
    'The addresses of the pods behind a Service, kept by the endpoints controller.',
    {
      subsets: listOf(CORE + 'EndpointSubset', 'Sets of addresses that share the same ports.'),
    },
  ),
  [CORE + 'EndpointSubset']: {
    description: 'Addresses and the ports they all serve.',
    fields: {
      addresses: listOf(CORE + 'EndpointAddress', 'Ready pods.'),
      notReadyAddresses: listOf(CORE + 'EndpointAddress', 'Pods not ready yet.'),
      ports: listOf(CORE + 'EndpointPort', 'The ports.'),
    },
  },
  [CORE + 'EndpointAddress']: {
    description: "One pod's address.",
    fields: {
      ip: string("The pod's IP."),
      hostname: string("The pod's hostname."),
      nodeName: string("The pod's node."),
      targetRef: ref(CORE + 'ObjectReference', 'The pod.'),
    },
    required: ['ip'],
  },
  [CORE + 'EndpointPort']: {
    description: 'One port of the addresses.',
    fields: {
      name: string("The Service port's name."),
      port: int32('The port number.'),
      protocol: string('TCP, UDP or SCTP.', { enum: ['SCTP', 'TCP', 'UDP'] }),
      appProtocol: string('The application protocol.'),
    },
    required: ['port'],
  },
  [CORE + 'ReplicationController']: kindType(
    '',
    'v1',
    'ReplicationController',
    'The older ReplicaSet: keeps a number of pods running, chosen by a plain label map.',
    {
      spec: ref(
        CORE + 'ReplicationControllerSpec',
        'How many pods, which ones, and from which template.',
      ),
      status: ref(CORE + 'ReplicationControllerStatus', 'How many pods there are.'),
    },
  ),
  [CORE + 'ReplicationControllerSpec']: {
    description: 'The desired state of a ReplicationController.',
    fields: {
      replicas: int32('How many pods. Default 1.'),
      minReadySeconds: int32('Seconds a pod must be ready to count as available.'),
      selector: map("The labels of its pods; the template's labels by default."),
      template: ref(CORE + 'PodTemplateSpec', 'The pods it makes.'),
    },
  },
  [CORE + 'ReplicationControllerStatus']: {
    description: 'The state of a ReplicationController.',
    fields: {
      replicas: int32('Pods it has.'),
      fullyLabeledReplicas: int32("Pods with all of the template's labels."),
      readyReplicas: int32('Pods that are ready.'),
      availableReplicas: int32('Pods ready for at least minReadySeconds.'),
      observedGeneration: int64('The generation these counts are of.'),
      conditions: listOf(
        CORE + 'ReplicationControllerCondition',
        'Problems, such as failing to create pods.',
        mergeOn('type'),
      ),
    },
    required: ['replicas'],
  },
  [CORE + 'ReplicationControllerCondition']: conditionType(
    'One condition of a ReplicationController.',
    ['lastTransitionTime'],
  ),
  [CORE + 'ConfigMap']: kindType(
    '',
    'v1',
    'ConfigMap',
    'Configuration as key-value pairs, for pods to read as env or files.',
    {
      data: map('The values, as text.'),
      binaryData: map('Values that are not text, in base64.', {
        type: 'string',
        format: 'byte',
        description: '',
      }),
      immutable: boolean('When true, the data can no longer change.'),
    },
  ),
  [CORE + 'Secret']: kindType(
    '',
    'v1',
    'Secret',
    'Sensitive configuration (passwords, keys, tokens), for pods to read as env or files.',
    {
      data: map('The values, in base64.', { type: 'string', format: 'byte', description: '' }),
      stringData: map('Values as plain text, merged into data on write; never read back.'),
      type: string('What the Secret holds: "Opaque", "kubernetes.io/tls"...'),
      immutable: boolean('When true, the data can no longer change.'),
    },
  ),
  [CORE + 'Event']: kindType(
    '',
    'v1',
    'Event',
    'A report of something that happened to an object, as kubectl describe and kubectl events show.',
    {
      involvedObject: ref(CORE + 'ObjectReference', 'The object it happened to.'),
      reason: string('One CamelCase word: "Scheduled", "Pulled", "BackOff".'),
      message: string('What happened, in words.'),
      source: ref(CORE + 'EventSource', 'The component that reported it.'),
      type: string('Normal or Warning.'),
      count: int32('How often it happened.'),
      firstTimestamp: time('When it first happened.'),
      lastTimestamp: time('When it last happened.'),
      eventTime: microTime('When it happened, to the microsecond.'),
      series: ref(CORE + 'EventSeries', 'For repeats: how many, and the last.'),
      action: string('What was done, or failed: "Binding", "Killing".'),
      related: ref(CORE + 'ObjectReference', 'A second object involved.'),
      reportingComponent: string('The controller that reported it: "default-scheduler".'),
      reportingInstance: string('Which instance of it.'),
    },
    ['metadata', 'involvedObject'],
  ),
  [CORE + 'EventSource']: {
    description: 'Who reported an event.',
    fields: { component: string('The component.'), host: string('The node it runs on.') },
  },
  [CORE + 'EventSeries']: {
    description: 'Repeats of an event.',
    fields: {
      count: int32('How many times so far.'),
      lastObservedTime: microTime('When last.'),
    },
  },
};

// ---------------------------------------------------------------------------------------------
// apps/v1, coordination.k8s.io/v1, policy/v1
// ---------------------------------------------------------------------------------------------

const workloadTypes: Record<string, TypeSchema> = {
  [APPS + 'Deployment']: kindType(
    'apps',
    'v1',
    'Deployment',
    'Runs a number of identical pods and rolls them to a new template, one ReplicaSet per template.',
    {
      spec: ref(APPS + 'DeploymentSpec', 'The pods wanted, and how to roll out a change.'),
      status: ref(APPS + 'DeploymentStatus', 'How far the rollout is.'),
    },
  ),
  [APPS + 'DeploymentSpec']: {
    description: 'The desired state of a Deployment.',
    fields: {
      replicas: int32('How many pods. Default 1.'),
      selector: ref(
        META + 'LabelSelector',
        "Which pods are the Deployment's; must match the template's labels; cannot change.",
      ),
      template: ref(CORE + 'PodTemplateSpec', 'The pods to run; a change to it starts a rollout.'),
      strategy: {
        ...ref(APPS + 'DeploymentStrategy', 'How old pods are replaced by new ones.'),
        patchStrategy: 'retainKeys',
      },
      minReadySeconds: int32('Seconds a new pod must be ready before it counts as available.'),
      revisionHistoryLimit: int32('Old ReplicaSets kept for rollback. Default 10.'),
      paused: boolean('While true, template changes do not roll out.'),
      progressDeadlineSeconds: int32(
        'Seconds without progress before the rollout is reported failed. Default 600.',
      ),
    },
    required: ['selector', 'template'],
  },
  [APPS + 'DeploymentStrategy']: {
    description: 'How a Deployment replaces its pods.',
    fields: {
      type: string('RollingUpdate (a few at a time) or Recreate (all old ones first).', {
        enum: ['Recreate', 'RollingUpdate'],
      }),
      rollingUpdate: ref(
        APPS + 'RollingUpdateDeployment',
        'For RollingUpdate: how many at a time.',
      ),
    },
  },
  [APPS + 'RollingUpdateDeployment']: {
    description: 'The pace of a rolling update.',
    fields: {
      maxUnavailable: intOrString(
        'How many pods may be unavailable during the update: a number or a percentage. Default 25%.',
      ),
      maxSurge: intOrString(
        'How many pods over replicas may exist during the update: a number or a percentage. Default 25%.',
      ),
    },
  },
  [APPS + 'DeploymentStatus']: {
    description: 'The state of a Deployment.',
    fields: {
      observedGeneration: int64('The generation the controller last acted on.'),
      replicas: int32('Pods of all its ReplicaSets.'),
      updatedReplicas: int32('Pods from the current template.'),
      readyReplicas: int32('Pods that are ready.'),
      availableReplicas: int32('Pods ready for at least minReadySeconds.'),
      unavailableReplicas: int32('Pods still missing.'),
      terminatingReplicas: int32('Pods being deleted.'),
      conditions: listOf(
        APPS + 'DeploymentCondition',
        'Available, Progressing, ReplicaFailure.',
        mergeOn('type'),
      ),
      collisionCount: int32('Bumped when a template hash collides, to make a new name.'),
    },
  },
  [APPS + 'DeploymentCondition']: conditionType('One condition of a Deployment.', [
    'lastUpdateTime',
    'lastTransitionTime',
  ]),
  [APPS + 'ReplicaSet']: kindType(
    'apps',
    'v1',
    'ReplicaSet',
    'Keeps a number of identical pods running; Deployments make and scale them.',
    {
      spec: ref(APPS + 'ReplicaSetSpec', 'How many pods, which ones, and from which template.'),
      status: ref(APPS + 'ReplicaSetStatus', 'How many pods there are.'),
    },
  ),
  [APPS + 'ReplicaSetSpec']: {
    description: 'The desired state of a ReplicaSet.',
    fields: {
      replicas: int32('How many pods. Default 1.'),
      minReadySeconds: int32('Seconds a pod must be ready to count as available.'),
      selector: ref(
        META + 'LabelSelector',
        "Which pods are the ReplicaSet's; must match the template's labels.",
      ),
      template: ref(CORE + 'PodTemplateSpec', 'The pods it makes.'),
    },
    required: ['selector'],
  },
  [APPS + 'ReplicaSetStatus']: {
    description: 'The state of a ReplicaSet.',
    fields: {
      replicas: int32('Pods it has.'),
      fullyLabeledReplicas: int32("Pods with all of the template's labels."),
      readyReplicas: int32('Pods that are ready.'),
      availableReplicas: int32('Pods ready for at least minReadySeconds.'),
      terminatingReplicas: int32('Pods being deleted.'),
      observedGeneration: int64('The generation these counts are of.'),
      conditions: listOf(
        APPS + 'ReplicaSetCondition',
        'Problems, such as failing to create pods.',
        mergeOn('type'),
      ),
    },
    required: ['replicas'],
  },
  [APPS + 'ReplicaSetCondition']: conditionType('One condition of a ReplicaSet.', [
    'lastTransitionTime',
  ]),
  // Chapter 13b: one pod per node, pods with an identity, the revisions of their templates, and
  // the claims a StatefulSet makes for its pods.
  [APPS + 'DaemonSet']: kindType(
    'apps',
    'v1',
    'DaemonSet',
    'Runs one copy of a pod on every node that can take it, a new node included.',
    {
      spec: ref(APPS + 'DaemonSetSpec', 'Which pods, from which template, updated how.'),
      status: ref(APPS + 'DaemonSetStatus', 'How many nodes run the pod.'),
    },
  ),
  [APPS + 'DaemonSetSpec']: {
    description: 'The desired state of a DaemonSet.',
    fields: {
      selector: ref(
        META + 'LabelSelector',
        "Which pods are the DaemonSet's; must match the template's labels; cannot change.",
      ),
      template: ref(CORE + 'PodTemplateSpec', 'The pod run on each node.'),
      updateStrategy: ref(
        APPS + 'DaemonSetUpdateStrategy',
        'How pods are replaced after a template change.',
      ),
      minReadySeconds: int32('Seconds a new pod must be ready before it counts as available.'),
      revisionHistoryLimit: int32('Old ControllerRevisions kept for rollback. Default 10.'),
    },
    required: ['selector', 'template'],
  },
  [APPS + 'DaemonSetUpdateStrategy']: {
    description: 'How a DaemonSet replaces its pods.',
    fields: {
      type: string('RollingUpdate (the controller replaces them) or OnDelete (only by hand).', {
        enum: ['OnDelete', 'RollingUpdate'],
      }),
      rollingUpdate: ref(APPS + 'RollingUpdateDaemonSet', 'For RollingUpdate: how many at a time.'),
    },
  },
  [APPS + 'RollingUpdateDaemonSet']: {
    description: 'The pace of a DaemonSet rolling update.',
    fields: {
      maxUnavailable: intOrString(
        'Nodes whose pod may be unavailable during the update: a number or a percentage. Default 1.',
      ),
      maxSurge: intOrString(
        'Nodes that may run an old and a new pod at once during the update. Default 0.',
      ),
    },
  },
  [APPS + 'DaemonSetStatus']: {
    description: 'The state of a DaemonSet.',
    fields: {
      currentNumberScheduled: int32('Nodes that run the pod and should.'),
      numberMisscheduled: int32('Nodes that run the pod and should not.'),
      desiredNumberScheduled: int32('Nodes that should run the pod.'),
      numberReady: int32('Nodes whose pod is ready.'),
      observedGeneration: int64('The generation the controller last acted on.'),
      updatedNumberScheduled: int32('Nodes that run the pod of the current template.'),
      numberAvailable: int32('Nodes whose pod has been ready for minReadySeconds.'),
      numberUnavailable: int32('Nodes that should run an available pod and do not.'),
      collisionCount: int32('Bumped when a revision name collides, to make a new one.'),
      conditions: listOf(
        APPS + 'DaemonSetCondition',
        'What the controller observed.',
        mergeOn('type'),
      ),
    },
    required: [
      'currentNumberScheduled',
      'numberMisscheduled',
      'desiredNumberScheduled',
      'numberReady',
    ],
  },
  [APPS + 'DaemonSetCondition']: conditionType('One condition of a DaemonSet.', [
    'lastTransitionTime',
  ]),
  [APPS + 'StatefulSet']: kindType(
    'apps',
    'v1',
    'StatefulSet',
    'Runs pods with a stable name, network identity and storage each: web-0, web-1, ...',
    {
      spec: ref(APPS + 'StatefulSetSpec', 'How many pods, from which template, with which claims.'),
      status: ref(APPS + 'StatefulSetStatus', 'How many pods there are, of which revision.'),
    },
  ),
  [APPS + 'StatefulSetSpec']: {
    description: 'The desired state of a StatefulSet.',
    fields: {
      replicas: int32('How many pods. Default 1.'),
      selector: ref(
        META + 'LabelSelector',
        "Which pods are the StatefulSet's; must match the template's labels.",
      ),
      template: ref(CORE + 'PodTemplateSpec', 'The pods it makes, each named <set>-<ordinal>.'),
      volumeClaimTemplates: listOf(
        CORE + 'PersistentVolumeClaim',
        'One claim per pod from each template, named <template>-<set>-<ordinal>.',
      ),
      serviceName: string('The headless Service that gives each pod its DNS name.'),
      podManagementPolicy: string('OrderedReady (one at a time, in order) or Parallel.', {
        enum: ['OrderedReady', 'Parallel'],
      }),
      updateStrategy: ref(
        APPS + 'StatefulSetUpdateStrategy',
        'How pods are replaced after a template change.',
      ),
      revisionHistoryLimit: int32('Old ControllerRevisions kept. Default 10.'),
      minReadySeconds: int32('Seconds a new pod must be ready before it counts as available.'),
      persistentVolumeClaimRetentionPolicy: ref(
        APPS + 'StatefulSetPersistentVolumeClaimRetentionPolicy',
        'Whether claims are kept when the set is deleted or scaled down.',
      ),
      ordinals: ref(APPS + 'StatefulSetOrdinals', 'Where the ordinals start.'),
    },
    required: ['selector', 'template'],
  },
  [APPS + 'StatefulSetUpdateStrategy']: {
    description: 'How a StatefulSet replaces its pods.',
    fields: {
      type: string('RollingUpdate (highest ordinal first) or OnDelete (only by hand).', {
        enum: ['OnDelete', 'RollingUpdate'],
      }),
      rollingUpdate: ref(
        APPS + 'RollingUpdateStatefulSetStrategy',
        'For RollingUpdate: from which ordinal.',
      ),
    },
  },
  [APPS + 'RollingUpdateStatefulSetStrategy']: {
    description: 'The reach of a StatefulSet rolling update.',
    fields: {
      partition: int32('Ordinals below it keep the old template. Default 0.'),
      maxUnavailable: intOrString('Pods that may be unavailable during the update. Default 1.'),
    },
  },
  [APPS + 'StatefulSetPersistentVolumeClaimRetentionPolicy']: {
    description: "What becomes of a StatefulSet's claims.",
    fields: {
      whenDeleted: string('Retain or Delete, when the set is deleted. Default Retain.'),
      whenScaled: string('Retain or Delete, when the set is scaled down. Default Retain.'),
    },
  },
  [APPS + 'StatefulSetOrdinals']: {
    description: "The numbering of a StatefulSet's pods.",
    fields: { start: int32('The first ordinal. Default 0.') },
  },
  [APPS + 'StatefulSetStatus']: {
    description: 'The state of a StatefulSet.',
    fields: {
      observedGeneration: int64('The generation the controller last acted on.'),
      replicas: int32('Pods it has.'),
      readyReplicas: int32('Pods that are ready.'),
      currentReplicas: int32('Pods of currentRevision.'),
      updatedReplicas: int32('Pods of updateRevision.'),
      availableReplicas: int32('Pods ready for at least minReadySeconds.'),
      currentRevision: string('The ControllerRevision of the pods before the update.'),
      updateRevision: string('The ControllerRevision being rolled out.'),
      collisionCount: int32('Bumped when a revision name collides, to make a new one.'),
      conditions: listOf(
        APPS + 'StatefulSetCondition',
        'What the controller observed.',
        mergeOn('type'),
      ),
    },
    required: ['replicas'],
  },
  [APPS + 'StatefulSetCondition']: conditionType('One condition of a StatefulSet.', [
    'lastTransitionTime',
  ]),
  [APPS + 'ControllerRevision']: kindType(
    'apps',
    'v1',
    'ControllerRevision',
    "An immutable snapshot of a DaemonSet's or StatefulSet's template, numbered for rollback.",
    {
      data: {
        type: 'free-form',
        description: 'The snapshot: a patch that puts the template back.',
      },
      revision: int64('Its number, higher for newer.'),
    },
    ['revision'],
  ),
  [COORDINATION + 'Lease']: kindType(
    'coordination.k8s.io',
    'v1',
    'Lease',
    'A lock with an expiry: node heartbeats and leader election.',
    {
      spec: ref(COORDINATION + 'LeaseSpec', 'Who holds the lease, and until when.'),
    },
  ),
  [COORDINATION + 'LeaseSpec']: {
    description: 'The holder of a lease and its timing.',
    fields: {
      holderIdentity: string('Who holds it.'),
      leaseDurationSeconds: int32('Seconds after renewTime that the lease expires.'),
      acquireTime: microTime('When the holder took it.'),
      renewTime: microTime('When the holder last renewed it.'),
      leaseTransitions: int32('How often it changed hands.'),
      strategy: string('How the next holder is chosen (coordinated leader election).'),
      preferredHolder: string('The holder the strategy would rather have.'),
    },
  },
  [POLICY + 'PodDisruptionBudget']: kindType(
    'policy',
    'v1',
    'PodDisruptionBudget',
    'Limits how many pods of a set voluntary disruptions (evictions, drains) may take down at once.',
    {
      spec: ref(POLICY + 'PodDisruptionBudgetSpec', 'Which pods, and how many must stay up.'),
      status: ref(
        POLICY + 'PodDisruptionBudgetStatus',
        'How many pods are healthy, and how many may go.',
      ),
    },
  ),
  [POLICY + 'PodDisruptionBudgetSpec']: {
    description: 'The desired state of a PodDisruptionBudget.',
    fields: {
      minAvailable: intOrString('Pods that must stay available: a number or a percentage.'),
      maxUnavailable: intOrString('Pods that may be unavailable: a number or a percentage.'),
      selector: {
        ...ref(META + 'LabelSelector', 'The pods the budget covers.'),
        patchStrategy: 'replace',
      },
      unhealthyPodEvictionPolicy: string('When pods that are not ready may be evicted.', {
        enum: ['AlwaysAllow', 'IfHealthyBudget'],
      }),
    },
  },
  [POLICY + 'PodDisruptionBudgetStatus']: {
    description: 'The state of a PodDisruptionBudget.',
    fields: {
      observedGeneration: int64('The generation these counts are of.'),
      disruptedPods: map('Pods evicted but not yet gone, with when.', {
        type: 'time',
        description: '',
      }),
      disruptionsAllowed: int32('Evictions allowed now.'),
      currentHealthy: int32('Healthy pods now.'),
      desiredHealthy: int32('Healthy pods the budget requires.'),
      expectedPods: int32('Pods the budget covers.'),
      conditions: listOf(META + 'Condition', 'DisruptionAllowed.', mergeOn('type')),
    },
    required: ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'],
  },
  [POLICY + 'Eviction']: kindType(
    'policy',
    'v1',
    'Eviction',
    'A request to delete a pod that honours its PodDisruptionBudgets: POST to pods/<name>/eviction.',
    {
      deleteOptions: ref(META + 'DeleteOptions', 'How the pod is deleted.'),
    },
  ),
};

// ---------------------------------------------------------------------------------------------
// discovery.k8s.io/v1 and networking.k8s.io/v1 (chapter 09b)
// ---------------------------------------------------------------------------------------------

const networkTypes: Record<string, TypeSchema> = {
  [DISCOVERY + 'EndpointSlice']: kindType(
    'discovery.k8s.io',
    'v1',
    'EndpointSlice',
    "A part of a Service's endpoints, at most 100, that share the same ports.",
    {
      addressType: string('The kind of addresses: IPv4, IPv6 or FQDN.', {
        enum: ['FQDN', 'IPv4', 'IPv6'],
      }),
      endpoints: listOf(DISCOVERY + 'Endpoint', 'The endpoints of this slice.'),
      ports: listOf(DISCOVERY + 'EndpointPort', 'The ports every endpoint of this slice has.'),
    },
    ['addressType', 'endpoints'],
  ),
  [DISCOVERY + 'Endpoint']: {
    description: 'One endpoint: a pod, with its addresses and conditions.',
    fields: {
      addresses: strings('Its addresses; a pod has one.'),
      conditions: ref(
        DISCOVERY + 'EndpointConditions',
        'Whether it is ready, serving, terminating.',
      ),
      hostname: string('Its host name, for DNS.'),
      nodeName: string('The node it runs on.'),
      zone: string('The zone it runs in.'),
      targetRef: ref(CORE + 'ObjectReference', 'The pod it is.'),
    },
    required: ['addresses'],
  },
  [DISCOVERY + 'EndpointConditions']: {
    description: "What is known of an endpoint's health.",
    fields: {
      ready: boolean('Ready for new connections; missing means ready.'),
      serving: boolean('Answering, even while terminating.'),
      terminating: boolean('Being deleted.'),
    },
  },
  [DISCOVERY + 'EndpointPort']: {
    description: "A port of a slice's endpoints.",
    fields: {
      name: string("The Service port's name; empty for an unnamed one."),
      port: int32('The port number on the endpoints.'),
      protocol: string('TCP, UDP or SCTP.', { enum: ['SCTP', 'TCP', 'UDP'] }),
      appProtocol: string('The application protocol.'),
    },
  },
  [NETWORKING + 'NetworkPolicy']: kindType(
    'networking.k8s.io',
    'v1',
    'NetworkPolicy',
    'Which traffic the pods it selects may receive and send.',
    { spec: ref(NETWORKING + 'NetworkPolicySpec', 'The pods, and what they may talk to.') },
  ),
  [NETWORKING + 'NetworkPolicySpec']: {
    description: 'The pods a policy isolates, and what it allows them.',
    fields: {
      podSelector: ref(META + 'LabelSelector', 'The pods of this namespace it selects; {} is all.'),
      policyTypes: strings('Ingress, Egress or both.'),
      ingress: listOf(NETWORKING + 'NetworkPolicyIngressRule', 'Traffic allowed in.'),
      egress: listOf(NETWORKING + 'NetworkPolicyEgressRule', 'Traffic allowed out.'),
    },
    required: ['podSelector'],
  },
  [NETWORKING + 'NetworkPolicyIngressRule']: {
    description: 'Traffic allowed in: from these peers, to these ports.',
    fields: {
      from: listOf(NETWORKING + 'NetworkPolicyPeer', 'The sources; none means any.'),
      ports: listOf(NETWORKING + 'NetworkPolicyPort', 'The ports; none means any.'),
    },
  },
  [NETWORKING + 'NetworkPolicyEgressRule']: {
    description: 'Traffic allowed out: to these peers, on these ports.',
    fields: {
      to: listOf(NETWORKING + 'NetworkPolicyPeer', 'The destinations; none means any.'),
      ports: listOf(NETWORKING + 'NetworkPolicyPort', 'The ports; none means any.'),
    },
  },
  [NETWORKING + 'NetworkPolicyPeer']: {
    description: 'Pods (by pod and namespace selectors) or a block of addresses.',
    fields: {
      podSelector: ref(
        META + 'LabelSelector',
        "Pods, in the policy's namespace unless a namespaceSelector is given.",
      ),
      namespaceSelector: ref(META + 'LabelSelector', 'Namespaces whose pods it picks.'),
      ipBlock: ref(NETWORKING + 'IPBlock', 'A range of addresses.'),
    },
  },
  [NETWORKING + 'IPBlock']: {
    description: 'A CIDR, minus some blocks inside it.',
    fields: {
      cidr: string('The range: "10.0.0.0/24".'),
      except: strings('Blocks inside it that are not allowed.'),
    },
    required: ['cidr'],
  },
  [NETWORKING + 'NetworkPolicyPort']: {
    description: 'A port, or a range of ports, with a protocol.',
    fields: {
      protocol: string('TCP, UDP or SCTP; TCP by default.', { enum: ['SCTP', 'TCP', 'UDP'] }),
      port: intOrString('A port number or name.'),
      endPort: int32('With port, the last port of a range.'),
    },
  },
};

// ---------------------------------------------------------------------------------------------
// networking.k8s.io/v1: Ingress and IngressClass (chapter 15b)
// ---------------------------------------------------------------------------------------------

const ingressTypes: Record<string, TypeSchema> = {
  [NETWORKING + 'Ingress']: kindType(
    'networking.k8s.io',
    'v1',
    'Ingress',
    'Rules by host and path that send HTTP(S) from outside the cluster to Services.',
    {
      spec: ref(NETWORKING + 'IngressSpec', 'Its class, rules, default backend and TLS.'),
      status: ref(NETWORKING + 'IngressStatus', 'The addresses it is served at.'),
    },
  ),
  [NETWORKING + 'IngressSpec']: {
    description: 'What an Ingress asks of its controller.',
    fields: {
      ingressClassName: string('The IngressClass whose controller serves it.'),
      defaultBackend: ref(NETWORKING + 'IngressBackend', 'Where requests no rule matches go.'),
      tls: listOf(NETWORKING + 'IngressTLS', 'The hosts served over TLS, and their Secrets.'),
      rules: listOf(NETWORKING + 'IngressRule', 'Rules by host, each with its paths.'),
    },
  },
  [NETWORKING + 'IngressBackend']: {
    description: 'A Service and its port, where matching requests go.',
    fields: {
      service: ref(NETWORKING + 'IngressServiceBackend', 'The Service.'),
      resource: ref(CORE + 'TypedLocalObjectReference', 'An object of another API instead.'),
    },
  },
  [NETWORKING + 'IngressServiceBackend']: {
    description: "A Service of the Ingress's namespace and one of its ports.",
    fields: {
      name: string('The Service.'),
      port: ref(NETWORKING + 'ServiceBackendPort', 'Its port, by number or by name.'),
    },
    required: ['name'],
  },
  [NETWORKING + 'ServiceBackendPort']: {
    description: 'A port of a Service: its number or its name, not both.',
    fields: { name: string("The port's name."), number: int32("The port's number.") },
  },
  [CORE + 'TypedLocalObjectReference']: {
    description: 'An object of the same namespace, by API group, kind and name.',
    fields: {
      apiGroup: string('Its API group; empty for the core group.'),
      kind: string('Its kind.'),
      name: string('Its name.'),
    },
    required: ['kind', 'name'],
  },
  [NETWORKING + 'IngressTLS']: {
    description: 'Hosts whose TLS is terminated with the certificate of a Secret.',
    fields: {
      hosts: strings('The hosts, as in the rules.'),
      secretName: string('A kubernetes.io/tls Secret of the same namespace.'),
    },
  },
  [NETWORKING + 'IngressRule']: {
    description: 'Requests for a host (any host when unset) and where each path goes.',
    fields: {
      host: string('A name ("foo.example.com") or a wildcard of one label ("*.example.com").'),
      http: ref(NETWORKING + 'HTTPIngressRuleValue', 'The paths.'),
    },
  },
  [NETWORKING + 'HTTPIngressRuleValue']: {
    description: 'The paths of a rule.',
    fields: { paths: listOf(NETWORKING + 'HTTPIngressPath', 'Each path and its backend.') },
    required: ['paths'],
  },
  [NETWORKING + 'HTTPIngressPath']: {
    description: 'A path, how it matches, and where it goes.',
    fields: {
      path: string('Starts with "/".'),
      pathType: string('Exact, Prefix (by path elements) or ImplementationSpecific.', {
        enum: ['Exact', 'ImplementationSpecific', 'Prefix'],
      }),
      backend: ref(NETWORKING + 'IngressBackend', 'Where matching requests go.'),
    },
    required: ['pathType', 'backend'],
  },
  [NETWORKING + 'IngressStatus']: {
    description: 'Where an Ingress is served.',
    fields: {
      loadBalancer: ref(NETWORKING + 'IngressLoadBalancerStatus', 'Its load balancer.'),
    },
  },
  [NETWORKING + 'IngressLoadBalancerStatus']: {
    description: 'The addresses of the load balancer in front of an Ingress.',
    fields: { ingress: listOf(NETWORKING + 'IngressLoadBalancerIngress', 'Its addresses.') },
  },
  [NETWORKING + 'IngressLoadBalancerIngress']: {
    description: 'One address: an IP or a host name.',
    fields: {
      ip: string('An IP address.'),
      hostname: string('A DNS name.'),
      ports: listOf(NETWORKING + 'IngressPortStatus', 'Its ports, and their errors.'),
    },
  },
  [NETWORKING + 'IngressPortStatus']: {
    description: 'A port of a load balancer address.',
    fields: {
      port: int32('The port number.'),
      protocol: string('TCP, UDP or SCTP.', { enum: ['SCTP', 'TCP', 'UDP'] }),
      error: string('Why the port has a problem, if it has one.'),
    },
    required: ['port', 'protocol'],
  },
  [NETWORKING + 'IngressClass']: kindType(
    'networking.k8s.io',
    'v1',
    'IngressClass',
    'A kind of Ingress, and the controller that serves it.',
    { spec: ref(NETWORKING + 'IngressClassSpec', 'Its controller and parameters.') },
  ),
  [NETWORKING + 'IngressClassSpec']: {
    description: 'Which controller serves the Ingresses of a class, and with what configuration.',
    fields: {
      controller: string('A domain-prefixed name: "k8s.io/ingress-nginx".'),
      parameters: ref(
        NETWORKING + 'IngressClassParametersReference',
        "An object with the controller's configuration.",
      ),
    },
  },
  [NETWORKING + 'IngressClassParametersReference']: {
    description: 'The object that configures an IngressClass.',
    fields: {
      apiGroup: string('Its API group.'),
      kind: string('Its kind.'),
      name: string('Its name.'),
      scope: string('Cluster or Namespace.', { enum: ['Cluster', 'Namespace'] }),
      namespace: string('Its namespace, when scope is Namespace.'),
    },
    required: ['kind', 'name'],
  },
};

// ---------------------------------------------------------------------------------------------
// batch/v1: Jobs and CronJobs (chapter 13a)
// ---------------------------------------------------------------------------------------------

const batchTypes: Record<string, TypeSchema> = {
  [BATCH + 'Job']: kindType('batch', 'v1', 'Job', 'Pods that run until enough of them succeed.', {
    spec: ref(BATCH + 'JobSpec', 'How many pods must succeed, how many at once, and how.'),
    status: ref(BATCH + 'JobStatus', 'How many ran, succeeded and failed; Complete or Failed.'),
  }),
  [BATCH + 'JobSpec']: {
    description: 'The desired state of a Job.',
    fields: {
      completions: int32('How many pods must succeed. Default 1 when parallelism is unset too.'),
      parallelism: int32('How many pods run at once. Default 1.'),
      completionMode: string('NonIndexed (any successes) or Indexed (one per index).', {
        enum: ['Indexed', 'NonIndexed'],
      }),
      backoffLimit: int32('Failed pods tolerated before the Job fails. Default 6.'),
      activeDeadlineSeconds: int64('Seconds the Job may run before it fails.'),
      ttlSecondsAfterFinished: int32('Seconds after it finished before the Job is deleted.'),
      suspend: boolean('While true, no pods run.'),
      manualSelector: boolean('True when the selector was written by hand, not generated.'),
      selector: ref(META + 'LabelSelector', "Which pods are the Job's; generated by the server."),
      template: ref(CORE + 'PodTemplateSpec', 'The pods to run; restartPolicy Never or OnFailure.'),
    },
    required: ['template'],
  },
  [BATCH + 'JobStatus']: {
    description: 'The state of a Job.',
    fields: {
      conditions: listOf(BATCH + 'JobCondition', 'Complete, Failed, Suspended.', mergeOn('type')),
      startTime: time('When the Job started.'),
      completionTime: time('When the Job completed.'),
      active: int32('Pods running or pending.'),
      ready: int32('Pods that are ready.'),
      succeeded: int32('Pods that succeeded.'),
      failed: int32('Pods that failed.'),
      completedIndexes: string('For an Indexed Job, the indexes done: "0-2,5".'),
      terminating: int32('Pods being deleted.'),
    },
  },
  [BATCH + 'JobCondition']: conditionType('One condition of a Job.', [
    'lastProbeTime',
    'lastTransitionTime',
  ]),
  [BATCH + 'CronJob']: kindType('batch', 'v1', 'CronJob', 'Makes a Job on a schedule.', {
    spec: ref(BATCH + 'CronJobSpec', 'The schedule, and the Job to make.'),
    status: ref(BATCH + 'CronJobStatus', 'The Jobs running, and when the last one was made.'),
  }),
  [BATCH + 'CronJobSpec']: {
    description: 'The desired state of a CronJob.',
    fields: {
      schedule: string('Five cron fields, or a macro such as @hourly.'),
      timeZone: string('The time zone the schedule is read in: "Europe/Paris".'),
      startingDeadlineSeconds: int64('A run missed by longer than this is skipped.'),
      concurrencyPolicy: string('Allow, Forbid or Replace: what to do while a Job still runs.', {
        enum: ['Allow', 'Forbid', 'Replace'],
      }),
      suspend: boolean('While true, no new Jobs are made.'),
      jobTemplate: ref(BATCH + 'JobTemplateSpec', 'The Job to make.'),
      successfulJobsHistoryLimit: int32('Succeeded Jobs kept. Default 3.'),
      failedJobsHistoryLimit: int32('Failed Jobs kept. Default 1.'),
    },
    required: ['schedule', 'jobTemplate'],
  },
  [BATCH + 'JobTemplateSpec']: {
    description: 'A Job to make: its metadata and spec.',
    fields: {
      metadata: ref(META + 'ObjectMeta', 'Labels and annotations the Job gets.'),
      spec: ref(BATCH + 'JobSpec', "The Job's spec."),
    },
  },
  [BATCH + 'CronJobStatus']: {
    description: 'The state of a CronJob.',
    fields: {
      active: listOf(CORE + 'ObjectReference', 'The Jobs running now.'),
      lastScheduleTime: time('When a Job was last made.'),
      lastSuccessfulTime: time('When a Job last succeeded.'),
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Storage: core v1 PersistentVolumes and claims, storage.k8s.io/v1 StorageClasses (chapter 13c)
// ---------------------------------------------------------------------------------------------

const accessModes = () =>
  strings('How it may be mounted: ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod.');

const storageTypes: Record<string, TypeSchema> = {
  [CORE + 'PersistentVolume']: kindType(
    '',
    'v1',
    'PersistentVolume',
    'A piece of storage in the cluster, made by an administrator or by a provisioner.',
    {
      spec: ref(CORE + 'PersistentVolumeSpec', 'What the volume is and where it lives.'),
      status: ref(CORE + 'PersistentVolumeStatus', 'Its phase, kept by the binder.'),
    },
  ),
  [CORE + 'PersistentVolumeSpec']: {
    description: 'A volume: its size, how it may be mounted, its class and its source.',
    fields: {
      capacity: quantities('How much it holds: {storage: 1Gi}.'),
      accessModes: accessModes(),
      persistentVolumeReclaimPolicy: string('What happens once its claim is gone.', {
        enum: ['Delete', 'Recycle', 'Retain'],
      }),
      storageClassName: string('Its class; only claims of that class bind it.'),
      volumeMode: string('Filesystem or Block.', { enum: ['Block', 'Filesystem'] }),
      claimRef: ref(CORE + 'ObjectReference', 'The claim it is bound to.'),
      nodeAffinity: ref(CORE + 'VolumeNodeAffinity', 'The nodes that can reach it.'),
      hostPath: ref(CORE + 'HostPathVolumeSource', 'A directory of the node.'),
      local: ref(CORE + 'LocalVolumeSource', 'A disk or directory of one node.'),
      mountOptions: strings('Options for mounting it.'),
    },
  },
  [CORE + 'PersistentVolumeStatus']: {
    description: 'Where a volume is in its life.',
    fields: {
      phase: string('Pending, Available, Bound, Released or Failed.', {
        enum: ['Available', 'Bound', 'Failed', 'Pending', 'Released'],
      }),
      message: string('Why it is in this phase.'),
      reason: string('One CamelCase word for why.'),
    },
  },
  [CORE + 'VolumeNodeAffinity']: {
    description: 'The nodes a volume can be used from.',
    fields: { required: ref(CORE + 'NodeSelector', 'Only the nodes these terms select.') },
  },
  [CORE + 'LocalVolumeSource']: {
    description: 'A disk, partition or directory of one node.',
    fields: {
      path: string('Its full path on the node.'),
      fsType: string('Its filesystem type.'),
    },
    required: ['path'],
  },
  [CORE + 'PersistentVolumeClaim']: kindType(
    '',
    'v1',
    'PersistentVolumeClaim',
    "A namespace's request for storage, which the binder meets with a PersistentVolume.",
    {
      spec: ref(CORE + 'PersistentVolumeClaimSpec', 'What is asked for.'),
      status: ref(CORE + 'PersistentVolumeClaimStatus', 'Whether it is bound, and to what.'),
    },
  ),
  [CORE + 'PersistentVolumeClaimSpec']: {
    description: 'The storage a claim asks for.',
    fields: {
      accessModes: accessModes(),
      resources: ref(CORE + 'VolumeResourceRequirements', 'How much: {requests: {storage: 1Gi}}.'),
      storageClassName: string('The class; absent is the default class, "" is none.'),
      selector: ref(META + 'LabelSelector', 'Only volumes with these labels.'),
      volumeName: string('The volume it is bound to.'),
      volumeMode: string('Filesystem or Block.', { enum: ['Block', 'Filesystem'] }),
    },
  },
  [CORE + 'VolumeResourceRequirements']: {
    description: 'How much storage a claim asks for, and at most.',
    fields: {
      requests: quantities('The least it needs: storage.'),
      limits: quantities('The most it may have.'),
    },
  },
  [CORE + 'PersistentVolumeClaimStatus']: {
    description: 'What a claim got.',
    fields: {
      phase: string('Pending, Bound or Lost.', { enum: ['Bound', 'Lost', 'Pending'] }),
      accessModes: accessModes(),
      capacity: quantities('How much its volume holds.'),
    },
  },
  [STORAGE + 'StorageClass']: kindType(
    'storage.k8s.io',
    'v1',
    'StorageClass',
    'A kind of storage, and who makes its volumes when a claim asks for one.',
    {
      provisioner: string('Who makes its volumes: "kubekata.io/local-path".'),
      parameters: map('Settings for the provisioner.'),
      reclaimPolicy: string('The reclaim policy of the volumes it makes; Delete by default.', {
        enum: ['Delete', 'Retain'],
      }),
      volumeBindingMode: string('When claims are bound: Immediate or WaitForFirstConsumer.', {
        enum: ['Immediate', 'WaitForFirstConsumer'],
      }),
      allowVolumeExpansion: boolean('Whether claims may grow.'),
      mountOptions: strings('Options for mounting its volumes.'),
    },
    ['provisioner'],
  ),
};

// ---------------------------------------------------------------------------------------------
// autoscaling/v2: HorizontalPodAutoscalers (chapter 14)
// ---------------------------------------------------------------------------------------------

const autoscalingTypes: Record<string, TypeSchema> = {
  [APIREGISTRATION + 'APIService']: kindType(
    'apiregistration.k8s.io',
    'v1',
    'APIService',
    'A group version served by another server, to which the API server hands its requests.',
    {
      spec: ref(
        APIREGISTRATION + 'APIServiceSpec',
        'Which group version, and the Service behind it.',
      ),
      status: {
        type: 'object',
        description: 'Whether the service is available.',
        fields: { conditions: list({ type: 'free-form', description: '' }, 'Available.') },
      },
    },
  ),
  [APIREGISTRATION + 'APIServiceSpec']: {
    description: 'A group version and where it is served.',
    fields: {
      group: string('The API group: "metrics.k8s.io".'),
      version: string('The version: "v1beta1".'),
      service: {
        type: 'object',
        description: 'The Service that serves it; absent, the API server itself.',
        fields: {
          namespace: string('Its namespace.'),
          name: string('Its name.'),
          port: int32('Its port (443).'),
        },
      },
      insecureSkipTLSVerify: boolean("Do not check the server's certificate."),
      caBundle: string("The CA that signed the server's certificate, base64.", { format: 'byte' }),
      groupPriorityMinimum: int32('How early the group comes in discovery.'),
      versionPriority: int32('How early the version comes in its group.'),
    },
    required: ['groupPriorityMinimum', 'versionPriority'],
  },
  [AUTOSCALING + 'HorizontalPodAutoscaler']: kindType(
    'autoscaling',
    'v2',
    'HorizontalPodAutoscaler',
    "Scales a workload's replicas to keep its pods' metrics near a target.",
    {
      spec: ref(
        AUTOSCALING + 'HorizontalPodAutoscalerSpec',
        'What to scale, between which bounds, on which metrics.',
      ),
      status: ref(
        AUTOSCALING + 'HorizontalPodAutoscalerStatus',
        'What the controller saw and did last.',
      ),
    },
  ),
  [AUTOSCALING + 'HorizontalPodAutoscalerSpec']: {
    description: 'The desired behaviour of an autoscaler.',
    fields: {
      scaleTargetRef: ref(
        AUTOSCALING + 'CrossVersionObjectReference',
        'The object scaled, through its scale subresource.',
      ),
      minReplicas: int32('The fewest replicas (1 when unset).'),
      maxReplicas: int32('The most replicas.'),
      metrics: listOf(
        AUTOSCALING + 'MetricSpec',
        'The metrics followed; the largest recommendation wins.',
      ),
      behavior: ref(
        AUTOSCALING + 'HorizontalPodAutoscalerBehavior',
        'How fast it may scale up and down.',
      ),
    },
    required: ['scaleTargetRef', 'maxReplicas'],
  },
  [AUTOSCALING + 'CrossVersionObjectReference']: {
    description: 'An object by its apiVersion, kind and name.',
    fields: {
      apiVersion: string('Its group and version: "apps/v1".'),
      kind: string('Its kind: "Deployment".'),
      name: string('Its name.'),
    },
    required: ['kind', 'name'],
  },
  [AUTOSCALING + 'MetricSpec']: {
    description: 'One metric and its target.',
    fields: {
      type: string('The metric source.', {
        enum: ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'],
      }),
      resource: ref(AUTOSCALING + 'ResourceMetricSource', 'A resource of the pods: cpu or memory.'),
    },
    required: ['type'],
  },
  [AUTOSCALING + 'ResourceMetricSource']: {
    description: 'A resource metric of the pods, as the resource metrics API reports it.',
    fields: {
      name: string('cpu or memory.'),
      target: ref(AUTOSCALING + 'MetricTarget', 'The value to keep it near.'),
    },
    required: ['name', 'target'],
  },
  [AUTOSCALING + 'MetricTarget']: {
    description: 'A target value: a utilization, an average value per pod, or a value.',
    fields: {
      type: string('Which of the values is the target.', {
        enum: ['AverageValue', 'Utilization', 'Value'],
      }),
      averageUtilization: int32("Percent of the pods' requests, averaged over the pods."),
      averageValue: { type: 'quantity', description: 'A quantity per pod.' },
      value: { type: 'quantity', description: 'A quantity for the whole object.' },
    },
    required: ['type'],
  },
  [AUTOSCALING + 'HorizontalPodAutoscalerBehavior']: {
    description: 'The rules for scaling up and for scaling down.',
    fields: {
      scaleUp: ref(AUTOSCALING + 'HPAScalingRules', 'Rules for scaling up.'),
      scaleDown: ref(AUTOSCALING + 'HPAScalingRules', 'Rules for scaling down.'),
    },
  },
  [AUTOSCALING + 'HPAScalingRules']: {
    description: 'A stabilization window and the policies that limit the rate of change.',
    fields: {
      stabilizationWindowSeconds: int32('How far back recommendations are remembered.'),
      selectPolicy: string('Which policy wins.', { enum: ['Disabled', 'Max', 'Min'] }),
      policies: listOf(AUTOSCALING + 'HPAScalingPolicy', 'The limits on change per period.'),
    },
  },
  [AUTOSCALING + 'HPAScalingPolicy']: {
    description: 'At most this many pods, or percent, of change within a period.',
    fields: {
      type: string('Pods or Percent.', { enum: ['Percent', 'Pods'] }),
      value: int32('How many pods, or what percent.'),
      periodSeconds: int32('The period the change is counted over.'),
    },
    required: ['type', 'value', 'periodSeconds'],
  },
  [AUTOSCALING + 'HorizontalPodAutoscalerStatus']: {
    description: 'What the autoscaler last observed and did.',
    fields: {
      observedGeneration: int64('The generation this status is of.'),
      lastScaleTime: time('When it last changed the replicas.'),
      currentReplicas: int32('Replicas it saw.'),
      desiredReplicas: int32('Replicas it wants.'),
      currentMetrics: listOf(AUTOSCALING + 'MetricStatus', 'The metrics it last read.'),
      conditions: listOf(
        AUTOSCALING + 'HorizontalPodAutoscalerCondition',
        'AbleToScale, ScalingActive, ScalingLimited.',
        mergeOn('type'),
      ),
    },
    required: ['desiredReplicas'],
  },
  [AUTOSCALING + 'MetricStatus']: {
    description: "A metric's current value.",
    fields: {
      type: string('The metric source.'),
      resource: ref(AUTOSCALING + 'ResourceMetricStatus', 'A resource metric.'),
    },
    required: ['type'],
  },
  [AUTOSCALING + 'ResourceMetricStatus']: {
    description: "A resource metric's current value.",
    fields: {
      name: string('cpu or memory.'),
      current: ref(AUTOSCALING + 'MetricValueStatus', 'Its value.'),
    },
    required: ['name', 'current'],
  },
  [AUTOSCALING + 'MetricValueStatus']: {
    description: 'A current value: a utilization, an average value, or a value.',
    fields: {
      averageUtilization: int32("Percent of the pods' requests."),
      averageValue: { type: 'quantity', description: 'Per pod.' },
      value: { type: 'quantity', description: 'For the whole object.' },
    },
  },
  [AUTOSCALING + 'HorizontalPodAutoscalerCondition']: conditionType(
    'A condition of an autoscaler: AbleToScale, ScalingActive or ScalingLimited.',
    ['lastTransitionTime'],
  ),
};

// ---------------------------------------------------------------------------------------------
// certificates.k8s.io/v1: CertificateSigningRequests (chapter 18b)
// ---------------------------------------------------------------------------------------------

const certificateTypes: Record<string, TypeSchema> = {
  [CERTIFICATES + 'CertificateSigningRequest']: kindType(
    'certificates.k8s.io',
    'v1',
    'CertificateSigningRequest',
    'A request for a certificate signed by a named signer, and what became of it.',
    {
      spec: ref(CERTIFICATES + 'CertificateSigningRequestSpec', 'The request and who made it.'),
      status: ref(
        CERTIFICATES + 'CertificateSigningRequestStatus',
        'Whether it was approved, and the issued certificate.',
      ),
    },
  ),
  [CERTIFICATES + 'CertificateSigningRequestSpec']: {
    description: 'A PKCS#10 request, its signer, and the requestor the API server recorded.',
    fields: {
      request: string('The PEM-encoded "CERTIFICATE REQUEST", base64 in JSON.', {
        format: 'byte',
      }),
      signerName: string('Who is to sign it: "kubernetes.io/kube-apiserver-client-kubelet".'),
      expirationSeconds: int32('How long the issued certificate is to be valid.'),
      usages: strings('Key usages asked for: "digital signature", "client auth".'),
      username: string('Who created it, set by the API server.'),
      uid: string('The uid of who created it, set by the API server.'),
      groups: strings('The groups of who created it, set by the API server.'),
      extra: map('More about who created it, set by the API server.'),
    },
    required: ['request', 'signerName'],
  },
  [CERTIFICATES + 'CertificateSigningRequestStatus']: {
    description: 'Approved or Denied (and Failed), and the certificate once issued.',
    fields: {
      conditions: listOf(
        CERTIFICATES + 'CertificateSigningRequestCondition',
        'Approved, Denied or Failed.',
      ),
      certificate: string('The issued PEM certificate, base64 in JSON.', { format: 'byte' }),
    },
  },
  [CERTIFICATES + 'CertificateSigningRequestCondition']: conditionType(
    'A decision on a request: Approved, Denied, or Failed by the signer.',
    ['lastUpdateTime', 'lastTransitionTime'],
  ),
};

/** Every type, by its full name. */
export const schemas: Record<string, TypeSchema> = {
  ...metaTypes,
  ...coreTypes,
  ...otherCoreTypes,
  ...workloadTypes,
  ...networkTypes,
  ...ingressTypes,
  ...batchTypes,
  ...storageTypes,
  ...autoscalingTypes,
  ...certificateTypes,
};

/** The full name of the type of a kind ("io.k8s.api.core.v1.Pod"), or undefined if none. */
export function kindTypeName(group: string, version: string, kind: string): string | undefined {
  return Object.keys(schemas).find((name) => {
    const of = schemas[name]!.kind;
    return of?.group === group && of.version === version && of.kind === kind;
  });
}

/** A field that is an object of the named type: how a walk starts at a kind's root. */
export function typeField(name: string): FieldSchema {
  return { type: 'object', ref: name, description: schemas[name]?.description ?? '' };
}

/**
 * The field `key` inside `field`: an object's field (its own, or its named type's), or a map's
 * values. A list stands for its elements, so a walk can name lists without positions. Undefined
 * when the description has no such field; `__proto__` and the like are never fields.
 */
export function fieldOf(field: FieldSchema | undefined, key: string): FieldSchema | undefined {
  const element = field?.type === 'array' ? field.items : field;
  if (element?.type === 'map') return element.values ?? { type: 'string', description: '' };
  const fields = element?.ref ? schemas[element.ref]?.fields : element?.fields;
  return fields && Object.hasOwn(fields, key) ? fields[key] : undefined;
}

/** The field at `path` (field names from the root, list positions left out) of the named type. */
export function fieldAt(typeName: string, path: string[]): FieldSchema | undefined {
  return path.reduce<FieldSchema | undefined>(
    (field, key) => fieldOf(field, key),
    typeField(typeName),
  );
}
