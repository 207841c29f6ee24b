// Server-side printing: the meta.k8s.io/v1 Table that `kubectl get` asks for. kubectl knows no
// kind's columns by heart; it sends `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` and
// prints the columns the server chooses (priority 0 always, priority 1 with `-o wide`). This file
// is that choice for every kind this course serves, with Kubernetes' column names and cell
// formats, so `kubectl get pods -o wide` on a kata cluster looks as it does on any cluster.
//
// Given material, like the resource table: the lesson is in answering the Accept header, not in
// the dozens of formatting rules below.
import type { ResourceType } from './resources.ts';
import type {
  CertificateSigningRequest,
  CronJob,
  ControllerRevision,
  DaemonSet,
  StatefulSet,
  Deployment,
  Endpoints,
  EndpointSlice,
  Job,
  KubeEvent,
  KubeObject,
  Lease,
  NetworkPolicy,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodDisruptionBudget,
  HorizontalPodAutoscaler,
  Ingress,
  IngressClass,
  ReplicaSet,
  Service,
  StorageClass,
} from './types.ts';

export interface TableColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean';
  format: string;
  description: string;
  priority: number;
}

export interface TableRow {
  cells: unknown[];
  object?: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** Whether an Accept header asks for a Table (kubectl get does; -o yaml and -o json do not). */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '')
    .split(',')
    .some((part) => /;\s*as=Table/.test(part) && /;\s*g=meta\.k8s\.io/.test(part));
}

/**
 * How long ago, the way kubectl's AGE column says it (apimachinery's duration.HumanDuration), two
 * or three figures at most: "45s", "5m30s", "47m", "3h15m", "26h", "3d4h", "210d", "3y45d", "9y".
 * A second or less in the future (clocks a little apart) is "0s"; further ahead is "<invalid>".
 */
export function humanDuration(milliseconds: number): string {
  const seconds = Math.trunc(milliseconds / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  const years = Math.floor(days / 365);
  /** `big` and `small` units ("5m30s"), or `big` alone when `small` is 0 ("5m"). */
  const two = (big: string, small: number, unit: string) => (small ? `${big}${small}${unit}` : big);
  if (minutes < 10) return two(`${minutes}m`, seconds % 60, 's');
  if (minutes < 180) return `${minutes}m`;
  if (hours < 8) return two(`${hours}h`, minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return two(`${days}d`, hours % 24, 'h');
  if (days < 365 * 2) return `${days}d`;
  if (days < 365 * 8) return two(`${years}y`, days % 365, 'd');
  return `${years}y`;
}

const NONE = '<none>';

type Cell = string | number;
interface Column<T> {
  name: string;
  type?: TableColumnDefinition['type'];
  /** 1: shown only with -o wide. */
  priority?: number;
  cell(object: T, now: number): Cell;
}

const age = (object: KubeObject, now: number): string => {
  const created = Date.parse(object.metadata.creationTimestamp ?? '');
  return Number.isNaN(created) ? NONE : humanDuration(now - created);
};

const nameColumn: Column<KubeObject> = {
  name: 'Name',
  cell: (object) => object.metadata.name ?? '',
};
const ageColumn: Column<KubeObject> = { name: 'Age', cell: age };

/** Whether an init container of the pod is a sidecar (restartPolicy Always). */
function isSidecar(pod: Pod, name: string): boolean {
  return pod.spec.initContainers?.find((c) => c.name === name)?.restartPolicy === 'Always';
}

/**
 * While a pod initializes, its STATUS as kubectl prints it: Init:N/M (N of M init containers
 * done), or Init:<reason> for the one that failed or waits (Init:CrashLoopBackOff, Init:Error).
 * Undefined once the pod is Initialized.
 */
export function initStatus(pod: Pod): string | undefined {
  const initialized = pod.status?.conditions?.find((c) => c.type === 'Initialized');
  if (initialized?.status === 'True') return undefined;
  const total = pod.spec.initContainers?.length ?? 0;
  for (const [index, status] of (pod.status?.initContainerStatuses ?? []).entries()) {
    const { terminated, waiting } = status.state ?? {};
    if (terminated?.exitCode === 0) continue;
    if (isSidecar(pod, status.name) && status.started) continue;
    if (terminated)
      return terminated.reason
        ? `Init:${terminated.reason}`
        : `Init:ExitCode:${terminated.exitCode}`;
    if (waiting?.reason && waiting.reason !== 'PodInitializing') return `Init:${waiting.reason}`;
    return `Init:${index}/${total}`;
  }
  return undefined;
}

/** A pod's STATUS as kubectl shows it: a waiting or terminated container's reason beats the phase. */
export function podStatus(pod: Pod): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  let reason: string = pod.status?.reason ?? pod.status?.phase ?? 'Pending';
  if (!pod.spec.nodeName && reason === 'Pending') return 'Pending';
  const initializing = initStatus(pod);
  if (initializing) return initializing;
  for (const container of pod.status?.containerStatuses ?? []) {
    const state = container.state;
    if (state?.waiting?.reason && state.waiting.reason !== '') reason = state.waiting.reason;
    else if (state?.terminated?.reason) reason = state.terminated.reason;
    else if (state?.terminated) reason = `ExitCode:${state.terminated.exitCode}`;
  }
  return reason;
}

const podColumns: Column<Pod>[] = [
  nameColumn,
  {
    name: 'Ready',
    // Sidecars count with the app containers, as kubectl counts them.
    cell: (pod) => {
      const sidecars = (pod.status?.initContainerStatuses ?? []).filter((c) =>
        isSidecar(pod, c.name),
      );
      const statuses = [...(pod.status?.containerStatuses ?? []), ...sidecars];
      const total =
        pod.spec.containers.length +
        (pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').length;
      return `${statuses.filter((c) => c.ready).length}/${total}`;
    },
  },
  { name: 'Status', cell: podStatus },
  {
    name: 'Restarts',
    type: 'integer',
    // While initializing, the init containers' restarts; then the apps' and the sidecars'.
    cell: (pod) => {
      const init = pod.status?.initContainerStatuses ?? [];
      const counted = initStatus(pod)
        ? init
        : [...(pod.status?.containerStatuses ?? []), ...init.filter((c) => isSidecar(pod, c.name))];
      return counted.reduce((sum, c) => sum + (c.restartCount ?? 0), 0);
    },
  },
  ageColumn,
  { name: 'IP', priority: 1, cell: (pod) => pod.status?.podIP ?? NONE },
  { name: 'Node', priority: 1, cell: (pod) => pod.spec.nodeName ?? NONE },
  { name: 'Nominated Node', priority: 1, cell: () => NONE },
  { name: 'Readiness Gates', priority: 1, cell: () => NONE },
];

const nodeColumns: Column<Node>[] = [
  nameColumn,
  {
    name: 'Status',
    cell: (node) => {
      const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
      const status = ready === 'True' ? 'Ready' : ready === 'False' ? 'NotReady' : 'Unknown';
      return node.spec?.unschedulable ? `${status},SchedulingDisabled` : status;
    },
  },
  {
    name: 'Roles',
    cell: (node) =>
      Object.keys(node.metadata.labels ?? {})
        .filter((label) => label.startsWith('node-role.kubernetes.io/'))
        .map((label) => label.slice('node-role.kubernetes.io/'.length))
        .join(',') || NONE,
  },
  ageColumn,
  { name: 'Version', cell: (node) => node.status?.nodeInfo?.kubeletVersion ?? '' },
  {
    name: 'Internal-IP',
    priority: 1,
    cell: (node) => node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? NONE,
  },
  {
    name: 'External-IP',
    priority: 1,
    cell: (node) => node.status?.addresses?.find((a) => a.type === 'ExternalIP')?.address ?? NONE,
  },
  { name: 'OS-Image', priority: 1, cell: (node) => node.status?.nodeInfo?.osImage ?? '' },
  {
    name: 'Kernel-Version',
    priority: 1,
    cell: (node) => node.status?.nodeInfo?.kernelVersion ?? '',
  },
  {
    name: 'Container-Runtime',
    priority: 1,
    cell: (node) => node.status?.nodeInfo?.containerRuntimeVersion ?? '',
  },
];

const servicePorts = (service: Service): string =>
  (service.spec?.ports ?? [])
    .map(
      (port) => `${port.port}${port.nodePort ? `:${port.nodePort}` : ''}/${port.protocol ?? 'TCP'}`,
    )
    .join(',') || NONE;

const selectorText = (selector: Record<string, string> | undefined): string =>
  Object.entries(selector ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(',') || NONE;

/**
 * What kubectl shows as a Service's EXTERNAL-IP (kube's printer): the load balancer's ingress IPs
 * (or host names), sorted, then spec.externalIPs; a LoadBalancer with neither is `<pending>` until
 * a controller serves it; an ExternalName Service shows its name.
 */
function serviceExternalIp(service: Service): string {
  const externalIPs = service.spec?.externalIPs ?? [];
  if (service.spec?.type === 'ExternalName') return service.spec.externalName ?? '';
  if (service.spec?.type !== 'LoadBalancer') return externalIPs.join(',') || NONE;
  const ingress = (service.status?.loadBalancer?.ingress ?? [])
    .map((entry) => entry.ip || entry.hostname || '')
    .filter((address) => address !== '');
  const served = [...new Set(ingress)].sort();
  return [...served, ...externalIPs].join(',') || '<pending>';
}

const serviceColumns: Column<Service>[] = [
  nameColumn,
  { name: 'Type', cell: (service) => service.spec?.type ?? 'ClusterIP' },
  { name: 'Cluster-IP', cell: (service) => service.spec?.clusterIP ?? NONE },
  { name: 'External-IP', cell: serviceExternalIp },
  { name: 'Port(s)', cell: servicePorts },
  ageColumn,
  { name: 'Selector', priority: 1, cell: (service) => selectorText(service.spec?.selector) },
];

const endpointsColumns: Column<Endpoints>[] = [
  nameColumn,
  {
    name: 'Endpoints',
    cell: (endpoints) => {
      const pairs = (endpoints.subsets ?? []).flatMap((subset) =>
        (subset.addresses ?? []).flatMap((address) =>
          (subset.ports ?? []).map((port) => `${address.ip}:${port.port}`),
        ),
      );
      if (pairs.length === 0) return NONE;
      return pairs.length > 3
        ? `${pairs.slice(0, 3).join(',')} + ${pairs.length - 3} more...`
        : pairs.join(',');
    },
  },
  ageColumn,
];

/** At most three items, then "+ N more...", as kube's printers cut long lists. */
const firstThree = (items: string[], empty: string): string => {
  if (items.length === 0) return empty;
  const shown = items.slice(0, 3).join(',');
  return items.length > 3 ? `${shown} + ${items.length - 3} more...` : shown;
};

/** An EndpointSlice, as `kubectl get endpointslices` prints it (chapter 09b). */
const endpointSliceColumns: Column<EndpointSlice>[] = [
  nameColumn,
  { name: 'AddressType', cell: (slice) => slice.addressType ?? '' },
  {
    name: 'Ports',
    cell: (slice) =>
      firstThree(
        (slice.ports ?? []).map((port) => String(port.port ?? port.name ?? '*')),
        '<unset>',
      ),
  },
  {
    name: 'Endpoints',
    cell: (slice) =>
      firstThree(
        (slice.endpoints ?? []).flatMap((endpoint) => endpoint.addresses ?? []),
        '<unset>',
      ),
  },
  ageColumn,
];

/** A label selector as one line: "app=web,tier in (a,b)"; the empty selector is <none>. */
const labelSelectorText = (selector: NetworkPolicy['spec']['podSelector'] | undefined): string => {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(
    ([key, value]) => `${key}=${value}`,
  );
  for (const { key, operator, values } of selector?.matchExpressions ?? []) {
    if (operator === 'Exists') parts.push(key);
    else if (operator === 'DoesNotExist') parts.push(`!${key}`);
    else parts.push(`${key} ${operator === 'In' ? 'in' : 'notin'} (${(values ?? []).join(',')})`);
  }
  return parts.join(',') || NONE;
};

const networkPolicyColumns: Column<NetworkPolicy>[] = [
  nameColumn,
  { name: 'Pod-Selector', cell: (policy) => labelSelectorText(policy.spec?.podSelector) },
  ageColumn,
];

/**
 * An Ingress as kube's printer shows it: its class, the hosts of its rules up to three ("*" for
 * none; once three are listed and a rule remains, "+ N more..." with N the rules past three), its addresses (sorted, unique; the server prints wide, so never cut), and the
 * ports it is served on: 80, and 443 as well once it has TLS.
 */
const ingressHosts = (ingress: Ingress): string => {
  const rules = ingress.spec?.rules ?? [];
  const hosts: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (hosts.length === 3) more = true;
    if (!more && rule.host) hosts.push(rule.host);
  }
  if (hosts.length === 0) return '*';
  return hosts.join(',') + (more ? ` + ${rules.length - 3} more...` : '');
};

const ingressColumns: Column<Ingress>[] = [
  nameColumn,
  { name: 'Class', cell: (ingress) => ingress.spec?.ingressClassName ?? NONE },
  { name: 'Hosts', cell: ingressHosts },
  {
    name: 'Address',
    cell: (ingress) => {
      const addresses = (ingress.status?.loadBalancer?.ingress ?? []).map(
        (entry) => entry.ip || entry.hostname || '',
      );
      return [...new Set(addresses.filter((address) => address !== ''))].sort().join(',');
    },
  },
  { name: 'Ports', cell: (ingress) => ((ingress.spec?.tls ?? []).length ? '80, 443' : '80') },
  ageColumn,
];

/** An IngressClass: its controller, and its parameters as Kind[.group]/name. */
const ingressClassColumns: Column<IngressClass>[] = [
  nameColumn,
  { name: 'Controller', cell: (ingressClass) => ingressClass.spec?.controller ?? '' },
  {
    name: 'Parameters',
    cell: (ingressClass) => {
      const parameters = ingressClass.spec?.parameters;
      if (!parameters) return NONE;
      const group = parameters.apiGroup ? `.${parameters.apiGroup}` : '';
      return `${parameters.kind}${group}/${parameters.name}`;
    },
  },
  ageColumn,
];

type Workload = Deployment | ReplicaSet | DaemonSet | StatefulSet;
const containersOf = (workload: Workload) => workload.spec?.template?.spec?.containers ?? [];
const workloadWide: Column<Workload>[] = [
  {
    name: 'Containers',
    priority: 1,
    cell: (workload) =>
      containersOf(workload)
        .map((c) => c.name)
        .join(','),
  },
  {
    name: 'Images',
    priority: 1,
    cell: (workload) =>
      containersOf(workload)
        .map((c) => c.image)
        .join(','),
  },
  {
    name: 'Selector',
    priority: 1,
    cell: (workload) => selectorText(workload.spec?.selector?.matchLabels),
  },
];

const deploymentColumns: Column<Deployment>[] = [
  nameColumn,
  {
    name: 'Ready',
    cell: (d) => `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`,
  },
  { name: 'Up-to-date', type: 'integer', cell: (d) => d.status?.updatedReplicas ?? 0 },
  { name: 'Available', type: 'integer', cell: (d) => d.status?.availableReplicas ?? 0 },
  ageColumn,
  ...(workloadWide as Column<Deployment>[]),
];

const replicaSetColumns: Column<ReplicaSet>[] = [
  nameColumn,
  { name: 'Desired', type: 'integer', cell: (rs) => rs.spec?.replicas ?? 1 },
  { name: 'Current', type: 'integer', cell: (rs) => rs.status?.replicas ?? 0 },
  { name: 'Ready', type: 'integer', cell: (rs) => rs.status?.readyReplicas ?? 0 },
  ageColumn,
  ...(workloadWide as Column<ReplicaSet>[]),
];

// Chapter 13b's kinds, with kube-apiserver's columns for them.
const daemonSetColumns: Column<DaemonSet>[] = [
  nameColumn,
  { name: 'Desired', type: 'integer', cell: (ds) => ds.status?.desiredNumberScheduled ?? 0 },
  { name: 'Current', type: 'integer', cell: (ds) => ds.status?.currentNumberScheduled ?? 0 },
  { name: 'Ready', type: 'integer', cell: (ds) => ds.status?.numberReady ?? 0 },
  { name: 'Up-to-date', type: 'integer', cell: (ds) => ds.status?.updatedNumberScheduled ?? 0 },
  { name: 'Available', type: 'integer', cell: (ds) => ds.status?.numberAvailable ?? 0 },
  {
    name: 'Node Selector',
    cell: (ds) =>
      Object.entries(ds.spec?.template?.spec?.nodeSelector ?? {})
        .map(([key, value]) => `${key}=${value}`)
        .join(',') || NONE,
  },
  ageColumn,
  ...(workloadWide as Column<DaemonSet>[]),
];

const statefulSetColumns: Column<StatefulSet>[] = [
  nameColumn,
  {
    name: 'Ready',
    cell: (sts) => `${sts.status?.readyReplicas ?? 0}/${sts.spec?.replicas ?? 1}`,
  },
  ageColumn,
  ...(workloadWide as Column<StatefulSet>[]),
];

const controllerRevisionColumns: Column<ControllerRevision>[] = [
  nameColumn,
  {
    name: 'Controller',
    cell: (revision) => {
      const owner = revision.metadata.ownerReferences?.find((reference) => reference.controller);
      if (!owner) return NONE;
      const group = owner.apiVersion.includes('/') ? owner.apiVersion.split('/')[0] : '';
      return `${owner.kind.toLowerCase()}${group ? `.${group}` : ''}/${owner.name}`;
    },
  },
  { name: 'Revision', type: 'integer', cell: (revision) => revision.revision ?? 0 },
  ageColumn,
];

const dataCount = (object: KubeObject) =>
  Object.keys((object.data as object | undefined) ?? {}).length +
  Object.keys((object.binaryData as object | undefined) ?? {}).length;

const eventColumns: Column<KubeEvent>[] = [
  {
    name: 'Last Seen',
    cell: (event, now) => {
      const at = Date.parse(event.lastTimestamp ?? event.metadata.creationTimestamp ?? '');
      return Number.isNaN(at) ? NONE : humanDuration(now - at);
    },
  },
  { name: 'Type', cell: (event) => event.type ?? '' },
  { name: 'Reason', cell: (event) => event.reason ?? '' },
  {
    name: 'Object',
    cell: (event) =>
      `${(event.involvedObject.kind ?? '').toLowerCase()}/${event.involvedObject.name ?? ''}`,
  },
  { name: 'Message', cell: (event) => event.message ?? '' },
];

/** A PodDisruptionBudget's figures, as `kubectl get pdb` prints them (N/A for a bound not set). */
const budgetColumns: Column<PodDisruptionBudget>[] = [
  nameColumn,
  { name: 'Min Available', cell: (pdb) => String(pdb.spec?.minAvailable ?? 'N/A') },
  { name: 'Max Unavailable', cell: (pdb) => String(pdb.spec?.maxUnavailable ?? 'N/A') },
  {
    name: 'Allowed Disruptions',
    type: 'integer',
    cell: (pdb) => pdb.status?.disruptionsAllowed ?? 0,
  },
  ageColumn,
];

/**
 * A CSR's state, as `kubectl get csr` says it (chapter 18b): Denied, else Approved, else Pending;
 * then ",Failed" when a signer failed it and ",Issued" once it holds a certificate.
 */
export function csrCondition(csr: CertificateSigningRequest): string {
  const holds = (type: string) => csr.status?.conditions?.some((c) => c.type === type) ?? false;
  const decision = holds('Denied') ? 'Denied' : holds('Approved') ? 'Approved' : 'Pending';
  const failed = holds('Failed') ? ',Failed' : '';
  return `${decision}${failed}${csr.status?.certificate ? ',Issued' : ''}`;
}

const csrColumns: Column<CertificateSigningRequest>[] = [
  nameColumn,
  ageColumn,
  { name: 'SignerName', cell: (csr) => csr.spec?.signerName ?? '' },
  { name: 'Requestor', cell: (csr) => csr.spec?.username ?? '' },
  {
    name: 'RequestedDuration',
    cell: (csr) =>
      csr.spec?.expirationSeconds === undefined
        ? NONE
        : humanDuration(csr.spec.expirationSeconds * 1000),
  },
  { name: 'Condition', cell: csrCondition },
];

/** A Job's first finished or waiting condition, as `kubectl get jobs` says it (chapter 13a). */
const jobStatus = (job: Job): string => {
  const holds = (type: string) =>
    job.status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;
  if (holds('Complete')) return 'Complete';
  if (holds('Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (holds('Suspended')) return 'Suspended';
  if (holds('FailureTarget')) return 'FailureTarget';
  if (holds('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
};

/** "2/5" succeeded of completions; with none set, "0/1", or "0/1 of 3" when 3 run at once. */
const jobCompletions = (job: Job): string => {
  const succeeded = job.status?.succeeded ?? 0;
  if (job.spec?.completions !== undefined) return `${succeeded}/${job.spec.completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
};

/** From its start to its completion, or to now while it runs; empty before it starts. */
const jobDuration = (job: Job, now: number): string => {
  const started = Date.parse(job.status?.startTime ?? '');
  if (Number.isNaN(started)) return '';
  const completed = Date.parse(job.status?.completionTime ?? '');
  return humanDuration((Number.isNaN(completed) ? now : completed) - started);
};

type Batch = Job | CronJob;
const batchTemplate = (object: Batch) =>
  'jobTemplate' in (object.spec ?? {})
    ? (object as CronJob).spec?.jobTemplate?.spec
    : (object as Job).spec;
const batchWide: Column<Batch>[] = [
  {
    name: 'Containers',
    priority: 1,
    cell: (object) =>
      (batchTemplate(object)?.template?.spec?.containers ?? []).map((c) => c.name).join(','),
  },
  {
    name: 'Images',
    priority: 1,
    cell: (object) =>
      (batchTemplate(object)?.template?.spec?.containers ?? []).map((c) => c.image).join(','),
  },
  {
    name: 'Selector',
    priority: 1,
    cell: (object) => selectorText(batchTemplate(object)?.selector?.matchLabels),
  },
];

const jobColumns: Column<Job>[] = [
  nameColumn,
  { name: 'Status', cell: jobStatus },
  { name: 'Completions', cell: jobCompletions },
  { name: 'Duration', cell: jobDuration },
  ageColumn,
  ...(batchWide as Column<Job>[]),
];

const cronJobColumns: Column<CronJob>[] = [
  nameColumn,
  { name: 'Schedule', cell: (cj) => cj.spec?.schedule ?? '' },
  { name: 'Timezone', cell: (cj) => cj.spec?.timeZone ?? NONE },
  {
    name: 'Suspend',
    cell: (cj) => (cj.spec?.suspend === undefined ? '<unset>' : cj.spec.suspend ? 'True' : 'False'),
  },
  { name: 'Active', type: 'integer', cell: (cj) => cj.status?.active?.length ?? 0 },
  {
    name: 'Last Schedule',
    cell: (cj, now) => {
      const at = Date.parse(cj.status?.lastScheduleTime ?? '');
      return Number.isNaN(at) ? NONE : humanDuration(now - at);
    },
  },
  ageColumn,
  ...(batchWide as Column<CronJob>[]),
];

/** Access modes as kubectl abbreviates them: RWO, ROX, RWX, RWOP. */
const accessModesText = (modes: string[] | undefined): string =>
  (modes ?? [])
    .map(
      (mode) =>
        ({
          ReadWriteOnce: 'RWO',
          ReadOnlyMany: 'ROX',
          ReadWriteMany: 'RWX',
          ReadWriteOncePod: 'RWOP',
        })[mode] ?? mode,
    )
    .join(',');

const UNSET = '<unset>';

/** `kubectl get pv`: size, modes, policy, phase, the claim as namespace/name, the class. */
const volumeColumns: Column<PersistentVolume>[] = [
  nameColumn,
  { name: 'Capacity', cell: (pv) => pv.spec?.capacity?.storage ?? '' },
  { name: 'Access Modes', cell: (pv) => accessModesText(pv.spec?.accessModes) },
  { name: 'Reclaim Policy', cell: (pv) => pv.spec?.persistentVolumeReclaimPolicy ?? '' },
  { name: 'Status', cell: (pv) => pv.status?.phase ?? '' },
  {
    name: 'Claim',
    cell: (pv) =>
      pv.spec?.claimRef ? `${pv.spec.claimRef.namespace}/${pv.spec.claimRef.name}` : '',
  },
  { name: 'StorageClass', cell: (pv) => pv.spec?.storageClassName ?? '' },
  { name: 'VolumeAttributesClass', cell: () => UNSET },
  { name: 'Reason', cell: (pv) => pv.status?.reason ?? '' },
  ageColumn,
  { name: 'VolumeMode', priority: 1, cell: (pv) => pv.spec?.volumeMode ?? 'Filesystem' },
];

/** `kubectl get pvc`: phase, the volume, and what it got (capacity and modes once bound). */
const claimColumns: Column<PersistentVolumeClaim>[] = [
  nameColumn,
  { name: 'Status', cell: (pvc) => pvc.status?.phase ?? '' },
  { name: 'Volume', cell: (pvc) => pvc.spec?.volumeName ?? '' },
  { name: 'Capacity', cell: (pvc) => pvc.status?.capacity?.storage ?? '' },
  { name: 'Access Modes', cell: (pvc) => accessModesText(pvc.status?.accessModes) },
  { name: 'StorageClass', cell: (pvc) => pvc.spec?.storageClassName ?? '' },
  { name: 'VolumeAttributesClass', cell: () => UNSET },
  ageColumn,
  { name: 'VolumeMode', priority: 1, cell: (pvc) => pvc.spec?.volumeMode ?? 'Filesystem' },
];

/** `kubectl get sc`: the default class has "(default)" after its name. */
const storageClassColumns: Column<StorageClass>[] = [
  {
    name: 'Name',
    cell: (sc) =>
      sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true'
        ? `${sc.metadata.name} (default)`
        : sc.metadata.name!,
  },
  { name: 'Provisioner', cell: (sc) => sc.provisioner ?? '' },
  { name: 'ReclaimPolicy', cell: (sc) => sc.reclaimPolicy ?? 'Delete' },
  { name: 'VolumeBindingMode', cell: (sc) => sc.volumeBindingMode ?? 'Immediate' },
  { name: 'AllowVolumeExpansion', cell: (sc) => String(sc.allowVolumeExpansion ?? false) },
  ageColumn,
];

/**
 * An autoscaler, as `kubectl get hpa` prints it: its target, each metric's current and target
 * utilization ("90%/50%", "<unknown>/50%" before the first reading), its bounds and replicas.
 */
const autoscalerColumns: Column<HorizontalPodAutoscaler>[] = [
  nameColumn,
  {
    name: 'Reference',
    cell: (hpa) => `${hpa.spec.scaleTargetRef.kind}/${hpa.spec.scaleTargetRef.name}`,
  },
  {
    name: 'Targets',
    cell: (hpa) => {
      const metrics = hpa.spec.metrics ?? [];
      const current = hpa.status?.currentMetrics ?? [];
      const targets = metrics.map((metric, index) => {
        const now = current[index]?.resource?.current.averageUtilization;
        const name = metric.resource?.name ?? metric.type;
        const target = metric.resource?.target.averageUtilization;
        return `${name}: ${now === undefined ? '<unknown>' : `${now}%`}/${target ?? '?'}%`;
      });
      return targets.join(', ') || NONE;
    },
  },
  { name: 'MinPods', type: 'integer', cell: (hpa) => hpa.spec.minReplicas ?? 1 },
  { name: 'MaxPods', type: 'integer', cell: (hpa) => hpa.spec.maxReplicas },
  { name: 'Replicas', type: 'integer', cell: (hpa) => hpa.status?.currentReplicas ?? 0 },
  ageColumn,
];

/** Webhook configurations, mutating and validating: kubectl's NAME, WEBHOOKS, AGE. */
const webhookColumns: Column<KubeObject>[] = [
  nameColumn,
  {
    name: 'Webhooks',
    type: 'integer',
    cell: (configuration: KubeObject) =>
      ((configuration as { webhooks?: unknown[] }).webhooks ?? []).length,
  },
  ageColumn,
];

/** The columns of each resource; anything not listed gets Name and Age. */
const columnsByResource: Record<string, Column<never>[]> = {
  pods: podColumns,
  nodes: nodeColumns,
  services: serviceColumns,
  endpoints: endpointsColumns,
  endpointslices: endpointSliceColumns,
  networkpolicies: networkPolicyColumns,
  ingresses: ingressColumns,
  ingressclasses: ingressClassColumns,
  deployments: deploymentColumns,
  replicasets: replicaSetColumns,
  jobs: jobColumns,
  cronjobs: cronJobColumns,
  daemonsets: daemonSetColumns,
  statefulsets: statefulSetColumns,
  controllerrevisions: controllerRevisionColumns,
  namespaces: [
    nameColumn,
    {
      name: 'Status',
      cell: (ns: KubeObject) => (ns.status as { phase?: string })?.phase ?? 'Active',
    },
    ageColumn,
  ],
  configmaps: [nameColumn, { name: 'Data', type: 'integer', cell: dataCount }, ageColumn],
  secrets: [
    nameColumn,
    { name: 'Type', cell: (secret: KubeObject) => String(secret.type ?? 'Opaque') },
    { name: 'Data', type: 'integer', cell: dataCount },
    ageColumn,
  ],
  events: eventColumns,
  poddisruptionbudgets: budgetColumns,
  certificatesigningrequests: csrColumns,
  persistentvolumes: volumeColumns,
  persistentvolumeclaims: claimColumns,
  storageclasses: storageClassColumns,
  horizontalpodautoscalers: autoscalerColumns,
  leases: [
    nameColumn,
    { name: 'Holder', cell: (lease: Lease) => lease.spec?.holderIdentity ?? '' },
    ageColumn,
  ],
  // Chapter 17: kube-apiserver shows when a CRD was made, as a time, not an age.
  customresourcedefinitions: [
    nameColumn,
    { name: 'Created At', cell: (crd: KubeObject) => crd.metadata.creationTimestamp ?? '' },
  ],
  validatingwebhookconfigurations: webhookColumns,
  mutatingwebhookconfigurations: webhookColumns,
};

/**
 * A custom resource's columns (chapter 17): Name, then its CRD's additionalPrinterColumns, whose
 * cells the server computes; with none, Name and Age, as for any kind. Undefined for built-ins.
 */
function customColumns(resource: ResourceType): Column<KubeObject>[] | undefined {
  const custom = resource.custom;
  if (!custom?.cells || custom.columns.length === 0) return undefined;
  return [
    nameColumn,
    ...custom.columns.map((column, index) => ({
      name: column.name,
      // A date is shown as an age: a string.
      type: (column.type === 'date' ? 'string' : column.type) as TableColumnDefinition['type'],
      priority: column.priority ?? 0,
      cell: (object: KubeObject, now: number) => custom.cells!(object, now)[index] as never,
    })),
  ];
}

export interface TableOptions {
  /** Milliseconds since the epoch, for the AGE column. */
  now: number;
  /** None, Metadata (the default) or Object: what each row carries besides its cells. */
  includeObject?: string | null;
  /** The list's metadata: resourceVersion, continue, remainingItemCount. */
  listMeta?: Table['metadata'];
}

/** The Table of some objects of one resource, as kube-apiserver answers `kubectl get`. */
export function toTable(
  resource: ResourceType,
  objects: KubeObject[],
  options: TableOptions,
): Table {
  const columns = (customColumns(resource) ??
    columnsByResource[resource.resource] ?? [nameColumn, ageColumn]) as Column<KubeObject>[];
  const include = options.includeObject ?? 'Metadata';
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: options.listMeta ?? {},
    columnDefinitions: columns.map((column) => ({
      name: column.name,
      type: column.type ?? 'string',
      format: column === nameColumn ? 'name' : '',
      description: '',
      priority: column.priority ?? 0,
    })),
    rows: objects.map((object) => {
      const cells = columns.map((column) => column.cell(object, options.now));
      if (include === 'None') return { cells };
      if (include === 'Object') return { cells, object };
      return {
        cells,
        object: {
          kind: 'PartialObjectMetadata',
          apiVersion: 'meta.k8s.io/v1',
          metadata: object.metadata,
        },
      };
    }),
  };
}
