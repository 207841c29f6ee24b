// Reading Kubernetes protobuf request bodies, for the objects kubectl builds itself.
// (`kubectl drain` and `kubectl delete` send their DeleteOptions and Evictions this way too.)
//
// kubectl 1.32 sends the objects its `create` generators build (`kubectl create deployment`,
// `create namespace`, `create configmap`, `create secret`, `create service`) as protobuf
// (Content-Type: application/vnd.kubernetes.protobuf), not JSON. It accepts JSON answers, so a
// server only needs to read such bodies. This decoder turns them into the JSON objects the rest
// of the API server works with. It is given, not a chapter exercise: the lesson is that the wire
// format is a detail, and what matters is the object.
//
// The format: the bytes "k8s\0", then a runtime.Unknown message { typeMeta { apiVersion, kind },
// raw } whose `raw` is the object itself, encoded with the field numbers of Kubernetes'
// generated.proto files (k8s.io/api and apimachinery). Protobuf is a list of (field number, wire
// type, value): varints for numbers and booleans, length-prefixed bytes for strings and nested
// messages, and maps as repeated {key: 1, value: 2} entries. Only the kinds and fields below are
// read; unknown fields are skipped, as protobuf readers do. Go writes every non-pointer field, even
// when empty, so empty strings, false and empty messages are left out, as Go's JSON would.
import { rfc3339 } from '../clock.ts';
import { ApiError } from './errors.ts';
import type { BodyDecoder } from './machinery.ts';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

type FieldType =
  | 'string'
  /** A []byte field: base64 in JSON. */
  | 'bytes'
  | 'int'
  | 'bool'
  | 'time'
  | 'quantity'
  | 'intOrString'
  | { message: string }
  | { map: 'string' | 'bytes' | 'quantity' };

interface FieldSpec {
  name: string;
  type: FieldType;
  repeated?: boolean;
  /** A number Go leaves out of JSON when it is 0 (not a pointer, and omitempty). */
  omitZero?: boolean;
  /** A message Go embeds with `json:",inline"`: its fields go into the parent's JSON. */
  inline?: boolean;
}

const s = (name: string, repeated = false): FieldSpec => ({ name, type: 'string', repeated });
const i = (name: string, omitZero = false): FieldSpec => ({ name, type: 'int', omitZero });
const b = (name: string): FieldSpec => ({ name, type: 'bool' });
const m = (name: string, message: string, repeated = false): FieldSpec => ({
  name,
  type: { message },
  repeated,
});
const map = (name: string, values: 'string' | 'bytes' | 'quantity' = 'string'): FieldSpec => ({
  name,
  type: { map: values },
});

/** Field numbers of the messages read, from Kubernetes' generated.proto files. */
const MESSAGES: Record<string, Record<number, FieldSpec>> = {
  Unknown: { 1: m('typeMeta', 'TypeMeta'), 2: { name: 'raw', type: 'string' } },
  TypeMeta: { 1: s('apiVersion'), 2: s('kind') },
  ObjectMeta: {
    1: s('name'),
    2: s('generateName'),
    3: s('namespace'),
    5: s('uid'),
    6: s('resourceVersion'),
    7: i('generation', true),
    8: { name: 'creationTimestamp', type: 'time' },
    9: { name: 'deletionTimestamp', type: 'time' },
    10: i('deletionGracePeriodSeconds'),
    11: map('labels'),
    12: map('annotations'),
    13: m('ownerReferences', 'OwnerReference', true),
    14: s('finalizers', true),
  },
  OwnerReference: {
    1: s('kind'),
    3: s('name'),
    4: s('uid'),
    5: s('apiVersion'),
    6: b('controller'),
    7: b('blockOwnerDeletion'),
  },
  LabelSelector: {
    1: map('matchLabels'),
    2: m('matchExpressions', 'LabelSelectorRequirement', true),
  },
  LabelSelectorRequirement: { 1: s('key'), 2: s('operator'), 3: s('values', true) },
  PodTemplateSpec: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'PodSpec') },
  PodSpec: {
    2: m('containers', 'Container', true),
    3: s('restartPolicy'),
    4: i('terminationGracePeriodSeconds'),
    5: i('activeDeadlineSeconds'),
    6: s('dnsPolicy'),
    7: map('nodeSelector'),
    8: s('serviceAccountName'),
    10: s('nodeName'),
    11: b('hostNetwork'),
    16: s('hostname'),
    17: s('subdomain'),
    19: s('schedulerName'),
    20: m('initContainers', 'Container', true),
    22: m('tolerations', 'Toleration', true),
  },
  Toleration: {
    1: s('key'),
    2: s('operator'),
    3: s('value'),
    4: s('effect'),
    5: i('tolerationSeconds'),
  },
  Container: {
    1: s('name'),
    2: s('image'),
    3: s('command', true),
    4: s('args', true),
    5: s('workingDir'),
    6: m('ports', 'ContainerPort', true),
    7: m('env', 'EnvVar', true),
    8: m('resources', 'ResourceRequirements'),
    13: s('terminationMessagePath'),
    14: s('imagePullPolicy'),
    20: s('terminationMessagePolicy'),
  },
  ContainerPort: {
    1: s('name'),
    2: i('hostPort', true),
    3: i('containerPort'),
    4: s('protocol'),
    5: s('hostIP'),
  },
  EnvVar: { 1: s('name'), 2: s('value') },
  ResourceRequirements: { 1: map('limits', 'quantity'), 2: map('requests', 'quantity') },
  Deployment: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'DeploymentSpec') },
  DeploymentSpec: {
    1: i('replicas'),
    2: m('selector', 'LabelSelector'),
    3: m('template', 'PodTemplateSpec'),
    4: m('strategy', 'DeploymentStrategy'),
    5: i('minReadySeconds', true),
    6: i('revisionHistoryLimit'),
    7: b('paused'),
    9: i('progressDeadlineSeconds'),
  },
  DeploymentStrategy: { 1: s('type'), 2: m('rollingUpdate', 'RollingUpdateDeployment') },
  RollingUpdateDeployment: {
    1: { name: 'maxUnavailable', type: 'intOrString' },
    2: { name: 'maxSurge', type: 'intOrString' },
  },
  ReplicaSet: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'ReplicaSetSpec') },
  ReplicaSetSpec: {
    1: i('replicas'),
    2: m('selector', 'LabelSelector'),
    3: m('template', 'PodTemplateSpec'),
    4: i('minReadySeconds', true),
  },
  Pod: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'PodSpec') },
  Service: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'ServiceSpec') },
  ServiceSpec: {
    1: m('ports', 'ServicePort', true),
    2: map('selector'),
    3: s('clusterIP'),
    4: s('type'),
    7: s('sessionAffinity'),
    10: s('externalName'),
    18: s('clusterIPs', true),
  },
  ServicePort: {
    1: s('name'),
    2: s('protocol'),
    3: i('port'),
    4: { name: 'targetPort', type: 'intOrString' },
    5: i('nodePort', true),
  },
  ConfigMap: {
    1: m('metadata', 'ObjectMeta'),
    2: map('data'),
    3: map('binaryData', 'bytes'),
    4: b('immutable'),
  },
  Secret: {
    1: m('metadata', 'ObjectMeta'),
    2: map('data', 'bytes'),
    3: s('type'),
    4: map('stringData'),
    5: b('immutable'),
  },
  Namespace: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'NamespaceSpec') },
  NamespaceSpec: { 1: s('finalizers', true) },
  // `kubectl create pdb` (policy/v1).
  PodDisruptionBudget: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'PodDisruptionBudgetSpec') },
  PodDisruptionBudgetSpec: {
    1: { name: 'minAvailable', type: 'intOrString' },
    2: m('selector', 'LabelSelector'),
    3: { name: 'maxUnavailable', type: 'intOrString' },
    4: s('unhealthyPodEvictionPolicy'),
  },
  // What `kubectl drain` and `kubectl delete` send: the body of a DELETE, and an Eviction.
  DeleteOptions: {
    1: i('gracePeriodSeconds'),
    2: m('preconditions', 'Preconditions'),
    3: b('orphanDependents'),
    4: s('propagationPolicy'),
    5: s('dryRun', true),
  },
  Preconditions: { 1: s('uid'), 2: s('resourceVersion') },
  Eviction: { 1: m('metadata', 'ObjectMeta'), 2: m('deleteOptions', 'DeleteOptions') },
  // Who may do what (chapter 11): `kubectl create role|clusterrole|rolebinding|clusterrolebinding
  // |quota|serviceaccount`, and the reviews `kubectl auth can-i` and `auth whoami` post.
  Role: { 1: m('metadata', 'ObjectMeta'), 2: m('rules', 'PolicyRule', true) },
  ClusterRole: {
    1: m('metadata', 'ObjectMeta'),
    2: m('rules', 'PolicyRule', true),
    3: m('aggregationRule', 'AggregationRule'),
  },
  AggregationRule: { 1: m('clusterRoleSelectors', 'LabelSelector', true) },
  PolicyRule: {
    1: s('verbs', true),
    2: s('apiGroups', true),
    3: s('resources', true),
    4: s('resourceNames', true),
    5: s('nonResourceURLs', true),
  },
  RoleBinding: {
    1: m('metadata', 'ObjectMeta'),
    2: m('subjects', 'Subject', true),
    3: m('roleRef', 'RoleRef'),
  },
  ClusterRoleBinding: {
    1: m('metadata', 'ObjectMeta'),
    2: m('subjects', 'Subject', true),
    3: m('roleRef', 'RoleRef'),
  },
  Subject: { 1: s('kind'), 2: s('apiGroup'), 3: s('name'), 4: s('namespace') },
  RoleRef: { 1: s('apiGroup'), 2: s('kind'), 3: s('name') },
  ResourceQuota: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'ResourceQuotaSpec') },
  ResourceQuotaSpec: { 1: map('hard', 'quantity'), 2: s('scopes', true) },
  ServiceAccount: { 1: m('metadata', 'ObjectMeta'), 3: b('automountServiceAccountToken') },
  SelfSubjectAccessReview: {
    1: m('metadata', 'ObjectMeta'),
    2: m('spec', 'SelfSubjectAccessReviewSpec'),
  },
  SelfSubjectAccessReviewSpec: {
    1: m('resourceAttributes', 'ResourceAttributes'),
    2: m('nonResourceAttributes', 'NonResourceAttributes'),
  },
  ResourceAttributes: {
    1: s('namespace'),
    2: s('verb'),
    3: s('group'),
    4: s('version'),
    5: s('resource'),
    6: s('subresource'),
    7: s('name'),
  },
  NonResourceAttributes: { 1: s('path'), 2: s('verb') },
  SelfSubjectRulesReview: {
    1: m('metadata', 'ObjectMeta'),
    2: m('spec', 'SelfSubjectRulesReviewSpec'),
  },
  SelfSubjectRulesReviewSpec: { 1: s('namespace') },
  SelfSubjectReview: { 1: m('metadata', 'ObjectMeta') },
  TokenRequest: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'TokenRequestSpec') },
  TokenRequestSpec: { 1: s('audiences', true), 4: i('expirationSeconds') },
  // batch/v1 (chapter 13a): `kubectl create job`, `create job --from=cronjob/x`, `create cronjob`.
  Job: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'JobSpec') },
  JobSpec: {
    1: i('parallelism'),
    2: i('completions'),
    3: i('activeDeadlineSeconds'),
    4: m('selector', 'LabelSelector'),
    5: b('manualSelector'),
    6: m('template', 'PodTemplateSpec'),
    7: i('backoffLimit'),
    8: i('ttlSecondsAfterFinished'),
    9: s('completionMode'),
    10: b('suspend'),
  },
  JobTemplateSpec: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'JobSpec') },
  CronJob: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'CronJobSpec') },
  CronJobSpec: {
    1: s('schedule'),
    2: i('startingDeadlineSeconds'),
    3: s('concurrencyPolicy'),
    4: b('suspend'),
    5: m('jobTemplate', 'JobTemplateSpec'),
    6: i('successfulJobsHistoryLimit'),
    7: i('failedJobsHistoryLimit'),
    8: s('timeZone'),
  },
  // networking.k8s.io/v1 (chapter 15b): `kubectl create ingress`.
  Ingress: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'IngressSpec') },
  // What `kubectl certificate approve|deny` sends to the approval subresource (chapter 18b).
  CertificateSigningRequest: {
    1: m('metadata', 'ObjectMeta'),
    2: m('spec', 'CertificateSigningRequestSpec'),
    3: m('status', 'CertificateSigningRequestStatus'),
  },
  CertificateSigningRequestSpec: {
    1: { name: 'request', type: 'bytes' },
    2: s('username'),
    3: s('uid'),
    4: s('groups', true),
    5: s('usages', true),
    7: s('signerName'),
    8: i('expirationSeconds'),
  },
  CertificateSigningRequestStatus: {
    1: m('conditions', 'CertificateSigningRequestCondition', true),
    2: { name: 'certificate', type: 'bytes' },
  },
  CertificateSigningRequestCondition: {
    1: s('type'),
    2: s('message'),
    3: s('reason'),
    4: { name: 'lastUpdateTime', type: 'time' },
    5: { name: 'lastTransitionTime', type: 'time' },
    6: s('status'),
  },
  IngressSpec: {
    1: m('defaultBackend', 'IngressBackend'),
    2: m('tls', 'IngressTLS', true),
    3: m('rules', 'IngressRule', true),
    4: s('ingressClassName'),
  },
  IngressBackend: {
    3: m('resource', 'TypedLocalObjectReference'),
    4: m('service', 'IngressServiceBackend'),
  },
  TypedLocalObjectReference: { 1: s('apiGroup'), 2: s('kind'), 3: s('name') },
  IngressServiceBackend: { 1: s('name'), 2: m('port', 'ServiceBackendPort') },
  ServiceBackendPort: { 1: s('name'), 2: i('number', true) },
  IngressTLS: { 1: s('hosts', true), 2: s('secretName') },
  IngressRule: { 1: s('host'), 2: { ...m('ingressRuleValue', 'IngressRuleValue'), inline: true } },
  IngressRuleValue: { 1: m('http', 'HTTPIngressRuleValue') },
  HTTPIngressRuleValue: { 1: m('paths', 'HTTPIngressPath', true) },
  HTTPIngressPath: { 1: s('path'), 2: m('backend', 'IngressBackend'), 3: s('pathType') },
  // autoscaling/v1, as `kubectl autoscale` sends it (the API server converts it to v2, chapter 14).
  HorizontalPodAutoscaler: {
    1: m('metadata', 'ObjectMeta'),
    2: m('spec', 'HorizontalPodAutoscalerSpec'),
  },
  HorizontalPodAutoscalerSpec: {
    1: m('scaleTargetRef', 'CrossVersionObjectReference'),
    2: i('minReplicas'),
    3: i('maxReplicas'),
    4: i('targetCPUUtilizationPercentage'),
  },
  CrossVersionObjectReference: { 1: s('kind'), 2: s('name'), 3: s('apiVersion') },
};

/** Kinds read in one version only: their messages differ between versions. */
const PROTOBUF_KIND_VERSIONS: Partial<Record<string, string>> = {
  HorizontalPodAutoscaler: 'autoscaling/v1',
};

/** The kinds whose protobuf bodies can be read (those kubectl's generators send). */
export const PROTOBUF_KINDS = [
  'Deployment',
  'ReplicaSet',
  'Pod',
  'Service',
  'ConfigMap',
  'Secret',
  'Namespace',
  'PodDisruptionBudget',
  'DeleteOptions',
  'Eviction',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ResourceQuota',
  'ServiceAccount',
  'SelfSubjectAccessReview',
  'SelfSubjectRulesReview',
  'SelfSubjectReview',
  'TokenRequest',
  'Job',
  'CronJob',
  'Ingress',
  'HorizontalPodAutoscaler',
  'CertificateSigningRequest',
];

const bad = (why: string) =>
  new ApiError(400, 'BadRequest', `the protobuf body could not be read: ${why}`);

/** A cursor over protobuf bytes. */
class Reader {
  private readonly bytes: Uint8Array;
  private at = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  get done(): boolean {
    return this.at >= this.bytes.length;
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.at >= this.bytes.length) throw bad('it ends inside a number');
      const byte = this.bytes[this.at++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw bad('a number is too long');
  }

  take(length: number): Uint8Array {
    if (length > this.bytes.length - this.at) throw bad('a field is longer than the body');
    const slice = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return slice;
  }

  /** Skips a field's value of this wire type. */
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.take(8);
    else if (wireType === 2) this.take(Number(this.varint()));
    else if (wireType === 5) this.take(4);
    else throw bad(`wire type ${wireType} is not supported`);
  }
}

const utf8 = new TextDecoder();

/** A signed 64-bit varint as a number (two's complement for negative values). */
const toNumber = (value: bigint) => Number(BigInt.asIntN(64, value));

function decodeScalar(type: FieldType, wireType: number, reader: Reader): unknown {
  if (type === 'int' || type === 'bool') {
    if (wireType !== 0) throw bad('a number is not encoded as a varint');
    const value = reader.varint();
    return type === 'bool' ? value !== 0n : toNumber(value);
  }
  if (wireType !== 2) throw bad('a string or message is not length-delimited');
  const bytes = reader.take(Number(reader.varint()));
  if (type === 'string') return utf8.decode(bytes);
  if (type === 'bytes') return Buffer.from(bytes).toString('base64');
  if (type === 'time') {
    const time = decodeMessage({ 1: i('seconds'), 2: i('nanos') }, bytes, 0) as {
      seconds?: number;
    };
    return time.seconds ? rfc3339(time.seconds * 1000) : undefined;
  }
  if (type === 'quantity')
    return (decodeMessage({ 1: s('string') }, bytes, 0) as { string?: string }).string;
  if (type === 'intOrString') {
    const value = decodeMessage({ 1: i('type'), 2: i('intVal'), 3: s('strVal') }, bytes, 0) as {
      type?: number;
      intVal?: number;
      strVal?: string;
    };
    return value.type === 1 ? (value.strVal ?? '') : (value.intVal ?? 0);
  }
  if ('map' in type) {
    const entry = decodeMessage(
      { 1: s('key'), 2: { name: 'value', type: type.map === 'quantity' ? 'quantity' : 'string' } },
      bytes,
      0,
      true,
    ) as { key?: string; value?: unknown };
    if (type.map === 'bytes') {
      entry.value = Buffer.from(decodeBytesField(bytes)).toString('base64');
    }
    return entry;
  }
  return decodeMessage(MESSAGES[type.message]!, bytes, 0);
}

/** The raw bytes of field 2 of a map entry (for maps of bytes, which must not go through UTF-8). */
function decodeBytesField(entry: Uint8Array): Uint8Array {
  const reader = new Reader(entry);
  let value: Uint8Array = new Uint8Array(0);
  while (!reader.done) {
    const key = reader.varint();
    const [field, wireType] = [Number(key >> 3n), Number(key & 7n)];
    if (field === 2 && wireType === 2) value = reader.take(Number(reader.varint()));
    else reader.skip(wireType);
  }
  return value;
}

const MAX_NESTING = 32;

function decodeMessage(
  fields: Record<number, FieldSpec>,
  bytes: Uint8Array,
  depth: number,
  keepEmpty = false,
): Record<string, unknown> {
  if (depth > MAX_NESTING) throw bad('messages nest too deeply');
  const reader = new Reader(bytes);
  const result: Record<string, unknown> = {};
  while (!reader.done) {
    const key = reader.varint();
    const [number, wireType] = [Number(key >> 3n), Number(key & 7n)];
    const spec = fields[number];
    if (!spec) {
      reader.skip(wireType);
      continue;
    }
    const value =
      typeof spec.type === 'object' && 'message' in spec.type
        ? (() => {
            if (wireType !== 2) throw bad(`${spec.name} is not a message`);
            return decodeMessage(
              MESSAGES[spec.type.message]!,
              reader.take(Number(reader.varint())),
              depth + 1,
            );
          })()
        : decodeScalar(spec.type, wireType, reader);
    if (typeof spec.type === 'object' && 'map' in spec.type) {
      const entry = value as { key?: string; value?: unknown };
      const target = (result[spec.name] ??= {}) as Record<string, unknown>;
      Object.defineProperty(target, entry.key ?? '', {
        value: entry.value ?? '',
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else if (spec.repeated) {
      ((result[spec.name] ??= []) as unknown[]).push(value);
    } else if (spec.inline) {
      Object.assign(result, value);
    } else if (keepEmpty || !(isEmpty(value) || (spec.omitZero && value === 0))) {
      result[spec.name] = value;
    }
  }
  return result;
}

/** What Go's JSON leaves out of an omitempty field: "", false, and messages with nothing in them. */
function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    value === '' ||
    value === false ||
    (typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.keys(value).length === 0)
  );
}

/** Decodes a Kubernetes protobuf body ("k8s\0" + runtime.Unknown) into a JSON object. */
export function decodeProtobufObject(body: Uint8Array): Record<string, unknown> {
  const magic = [0x6b, 0x38, 0x73, 0x00];
  if (body.length < 4 || magic.some((byte, index) => body[index] !== byte)) {
    throw bad('it does not start with the "k8s\\0" prefix');
  }
  const envelope = new Reader(body.subarray(4));
  let typeMeta: { apiVersion?: string; kind?: string } = {};
  let raw: Uint8Array | undefined;
  while (!envelope.done) {
    const key = envelope.varint();
    const [field, wireType] = [Number(key >> 3n), Number(key & 7n)];
    if (field === 1 && wireType === 2) {
      typeMeta = decodeMessage(MESSAGES.TypeMeta!, envelope.take(Number(envelope.varint())), 0);
    } else if (field === 2 && wireType === 2) {
      raw = envelope.take(Number(envelope.varint()));
    } else {
      envelope.skip(wireType);
    }
  }
  const kind = typeMeta.kind ?? '';
  const onlyVersion = PROTOBUF_KIND_VERSIONS[kind];
  const otherVersion = onlyVersion !== undefined && typeMeta.apiVersion !== onlyVersion;
  if (!PROTOBUF_KINDS.includes(kind) || raw === undefined || otherVersion) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `this server reads protobuf bodies only for ${PROTOBUF_KINDS.join(', ')}, not "${kind}"; send JSON or YAML`,
    );
  }
  return { apiVersion: typeMeta.apiVersion, kind, ...decodeMessage(MESSAGES[kind]!, raw, 0) };
}

/** The body decoder to hand the API server (harness/api/machinery.ts). */
export const protobufDecoder: BodyDecoder = {
  mediaType: PROTOBUF_MEDIA_TYPE,
  decode: decodeProtobufObject,
};
