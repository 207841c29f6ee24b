// Validation: the rules an object must keep before it is stored. The server checks every write,
// because every component downstream trusts what it reads: a scheduler should never meet a pod
// without containers, a kubelet never a container without an image.
//
// Each broken rule is one FieldError naming the field by its path (spec.containers[0].image), so
// the 422 answer lists every problem at once, the way Kubernetes does (apimachinery
// pkg/util/validation, k/k pkg/apis/*/validation). The checks here are a subset: names, the
// fields each kind cannot do without, ports, selectors, and the fields an update may not change.
import type { FieldError } from '../../harness/api/errors.ts';
import { nameRules } from '../../harness/api/names.ts';
import type { NameRule, ResourceType } from '../../harness/api/resources.ts';
import type {
  Container,
  KubeObject,
  LabelSelector,
  NodeSpec,
  PodDisruptionBudget,
  PodSpec,
  Service,
} from '../../harness/api/types.ts';
import { sameJson } from '../../harness/api/json.ts';

// ---------------------------------------------------------------------------------------------
// Names and labels
// ---------------------------------------------------------------------------------------------

/** Why `name` breaks `rule`, or undefined when it keeps it. */
export function checkName(name: string, rule: NameRule): string | undefined {
  const { pattern, maxLength, explain } = nameRules[rule];
  if (name.length > maxLength) return `must be no more than ${maxLength} characters`;
  if (!new RegExp(`^${pattern}$`).test(name)) return explain;
  return undefined;
}

const LABEL_VALUE = '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?';
const LABEL_NAME = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';

export function checkLabels(labels: unknown, field: string, errors: FieldError[]): void {
  if (labels === undefined) return;
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    errors.push({ type: 'FieldValueInvalid', field, value: labels, detail: 'must be a map' });
    return;
  }
  for (const [key, value] of Object.entries(labels)) {
    // A key is an optional DNS-subdomain prefix and a slash, then a name of at most 63 characters.
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = key.slice(slash + 1);
    if (
      (prefix !== undefined && checkName(prefix, 'subdomain') !== undefined) ||
      name.length > 63 ||
      !new RegExp(`^${LABEL_NAME}$`).test(name)
    ) {
      errors.push({
        type: 'FieldValueInvalid',
        field,
        value: key,
        detail:
          "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and " +
          "end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex " +
          `used for validation is '${LABEL_NAME}')`,
      });
    }
    if (
      typeof value !== 'string' ||
      value.length > 63 ||
      !new RegExp(`^${LABEL_VALUE}$`).test(value)
    ) {
      errors.push({
        type: 'FieldValueInvalid',
        field: `${field}[${key}]`,
        value,
        detail:
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' " +
          "or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or " +
          `'my_value',  or '12345', regex used for validation is '${LABEL_VALUE}')`,
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Pieces shared by several kinds
// ---------------------------------------------------------------------------------------------

/** A taint's or toleration's key is a label key: an empty one breaks both rules of its name part. */
function checkLabelKey(key: unknown, field: string, errors: FieldError[]): void {
  const text = typeof key === 'string' ? key : '';
  if (text === '') {
    errors.push({
      type: 'FieldValueInvalid',
      field,
      value: text,
      detail: 'name part must be non-empty',
    });
  }
  const keyErrors: FieldError[] = [];
  checkLabels({ [text]: '' }, field, keyErrors);
  errors.push(...keyErrors.filter((error) => error.field === field));
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** A taint effect must be one of TAINT_EFFECTS; a toleration may leave it empty (any effect). */
function checkTaintEffect(
  effect: unknown,
  field: string,
  errors: FieldError[],
  allowEmpty: boolean,
) {
  if (effect === undefined || effect === '') {
    if (!allowEmpty) errors.push({ type: 'FieldValueRequired', field });
  } else if (!TAINT_EFFECTS.includes(effect as string)) {
    errors.push({
      type: 'FieldValueNotSupported',
      field,
      value: effect,
      detail: `supported values: ${TAINT_EFFECTS.map((e) => `"${e}"`).join(', ')}`,
    });
  }
}

/** A Node's taints: each with a key that is a label key and an effect the scheduler knows. */
export function checkTaints(taints: unknown, field: string, errors: FieldError[]): void {
  if (!Array.isArray(taints)) return;
  taints.forEach((taint: { key?: unknown; effect?: unknown }, i) => {
    checkLabelKey(taint?.key, `${field}[${i}].key`, errors);
    checkTaintEffect(taint?.effect, `${field}[${i}].effect`, errors, false);
  });
}

/**
 * A pod's tolerations: a key, when given, is a label key (an empty key needs operator Exists: it
 * tolerates everything); the operator is Equal or Exists; an effect, when given, is a taint's.
 */
export function checkTolerations(tolerations: unknown, field: string, errors: FieldError[]): void {
  if (!Array.isArray(tolerations)) return;
  tolerations.forEach((toleration: { key?: string; operator?: string; effect?: unknown }, i) => {
    const at = `${field}[${i}]`;
    const { key, operator = 'Equal', effect } = toleration ?? {};
    if (key) checkLabelKey(key, `${at}.key`, errors);
    if (!key && operator !== 'Exists') {
      errors.push({
        type: 'FieldValueInvalid',
        field: `${at}.operator`,
        value: operator,
        detail:
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
      });
    } else if (operator !== 'Equal' && operator !== 'Exists') {
      errors.push({
        type: 'FieldValueNotSupported',
        field: `${at}.operator`,
        value: operator,
        detail: 'supported values: "Equal", "Exists"',
      });
    }
    checkTaintEffect(effect, `${at}.effect`, errors, true);
  });
}

function checkPort(value: unknown, field: string, errors: FieldError[]): void {
  if (value === undefined) {
    errors.push({ type: 'FieldValueRequired', field });
  } else if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 65535) {
    errors.push({
      type: 'FieldValueInvalid',
      field,
      value,
      detail: 'must be between 1 and 65535, inclusive',
    });
  }
}

export function checkContainers(
  containers: unknown,
  field: string,
  errors: FieldError[],
  required: boolean,
): void {
  if (containers === undefined || (Array.isArray(containers) && containers.length === 0)) {
    if (required) errors.push({ type: 'FieldValueRequired', field });
    return;
  }
  if (!Array.isArray(containers)) {
    errors.push({ type: 'FieldValueInvalid', field, value: containers, detail: 'must be a list' });
    return;
  }
  const names = new Set<string>();
  containers.forEach((container: Container, i) => {
    const at = `${field}[${i}]`;
    if (typeof container !== 'object' || container === null) {
      errors.push({
        type: 'FieldValueInvalid',
        field: at,
        value: container,
        detail: 'must be an object',
      });
      return;
    }
    if (!container.name) {
      errors.push({ type: 'FieldValueRequired', field: `${at}.name` });
    } else if (typeof container.name !== 'string' || checkName(container.name, 'label')) {
      errors.push({
        type: 'FieldValueInvalid',
        field: `${at}.name`,
        value: container.name,
        detail: checkName(String(container.name), 'label'),
      });
    } else if (names.has(container.name)) {
      errors.push({ type: 'FieldValueDuplicate', field: `${at}.name`, value: container.name });
    } else {
      names.add(container.name);
    }
    if (!container.image) errors.push({ type: 'FieldValueRequired', field: `${at}.image` });
    if (container.ports !== undefined) {
      if (!Array.isArray(container.ports)) {
        errors.push({
          type: 'FieldValueInvalid',
          field: `${at}.ports`,
          value: container.ports,
          detail: 'must be a list',
        });
      } else {
        container.ports.forEach((port, j) =>
          checkPort(port?.containerPort, `${at}.ports[${j}].containerPort`, errors),
        );
      }
    }
  });
}

export function checkPodSpec(
  spec: PodSpec | undefined,
  field: string,
  errors: FieldError[],
  allowedRestartPolicies = ['Always', 'OnFailure', 'Never'],
): void {
  if (typeof spec !== 'object' || spec === null) {
    errors.push({ type: 'FieldValueRequired', field: `${field}.containers` });
    return;
  }
  checkContainers(spec.containers, `${field}.containers`, errors, true);
  checkContainers(spec.initContainers, `${field}.initContainers`, errors, false);
  if (spec.tolerations !== undefined) {
    checkTolerations(spec.tolerations, `${field}.tolerations`, errors);
  }
  if (spec.restartPolicy !== undefined && !allowedRestartPolicies.includes(spec.restartPolicy)) {
    errors.push({
      type: 'FieldValueNotSupported',
      field: `${field}.restartPolicy`,
      value: spec.restartPolicy,
      detail: `supported values: ${allowedRestartPolicies.map((p) => `"${p}"`).join(', ')}`,
    });
  }
}

/** Whether an object-form label selector (matchLabels, matchExpressions) selects `labels`. */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    const ok = {
      In: has && values.includes(labels[key]!),
      NotIn: !has || !values.includes(labels[key]!),
      Exists: has,
      DoesNotExist: !has,
    }[operator];
    if (!ok) return false;
  }
  return true;
}

/** A ReplicaSet or Deployment: replicas, a selector, and a template the selector selects. */
export function checkWorkload(object: KubeObject, errors: FieldError[]): void {
  const spec = object.spec as
    | {
        replicas?: unknown;
        selector?: LabelSelector;
        template?: { metadata?: { labels?: Record<string, string> }; spec?: PodSpec };
      }
    | undefined;
  if (typeof spec !== 'object' || spec === null) {
    errors.push({ type: 'FieldValueRequired', field: 'spec.selector' });
    errors.push({ type: 'FieldValueRequired', field: 'spec.template.spec.containers' });
    return;
  }
  if (
    spec.replicas !== undefined &&
    (!Number.isInteger(spec.replicas) || (spec.replicas as number) < 0)
  ) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.replicas',
      value: spec.replicas,
      detail: 'must be greater than or equal to 0',
    });
  }
  const selector = spec.selector;
  const empty =
    typeof selector !== 'object' ||
    selector === null ||
    (Object.keys(selector.matchLabels ?? {}).length === 0 &&
      (selector.matchExpressions ?? []).length === 0);
  if (empty) {
    errors.push({ type: 'FieldValueRequired', field: 'spec.selector' });
  }
  const labels = spec.template?.metadata?.labels ?? {};
  checkLabels(spec.template?.metadata?.labels, 'spec.template.metadata.labels', errors);
  if (!empty && !selectorMatches(selector!, labels)) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.template.metadata.labels',
      value: labels,
      detail: '`selector` does not match template `labels`',
    });
  }
  // A controller's pods must come back when they exit, so their policy can only be Always.
  checkPodSpec(spec.template?.spec, 'spec.template.spec', errors, ['Always']);
}

export function checkService(object: Service, errors: FieldError[]): void {
  const spec = object.spec;
  if (typeof spec !== 'object' || spec === null) {
    errors.push({ type: 'FieldValueRequired', field: 'spec.ports' });
    return;
  }
  const types = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
  if (spec.type !== undefined && !types.includes(spec.type)) {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'spec.type',
      value: spec.type,
      detail: `supported values: ${types.map((t) => `"${t}"`).join(', ')}`,
    });
  }
  if (spec.type === 'ExternalName') return;
  if (!Array.isArray(spec.ports) || spec.ports.length === 0) {
    errors.push({ type: 'FieldValueRequired', field: 'spec.ports' });
    return;
  }
  const names = new Set<string>();
  spec.ports.forEach((port, i) => {
    const at = `spec.ports[${i}]`;
    // With more than one port, each needs a name: endpoints and DNS tell them apart by it.
    if (spec.ports!.length > 1 && !port?.name) {
      errors.push({ type: 'FieldValueRequired', field: `${at}.name` });
    } else if (port?.name && names.has(port.name)) {
      errors.push({ type: 'FieldValueDuplicate', field: `${at}.name`, value: port.name });
    }
    if (port?.name) names.add(port.name);
    checkPort(port?.port, `${at}.port`, errors);
  });
}

/**
 * A PodDisruptionBudget's spec: minAvailable or maxUnavailable, never both; each a number of pods
 * (0 or more) or a percentage ("50%") of at most 100%.
 */
export function checkDisruptionBudget(object: KubeObject, errors: FieldError[]): void {
  const spec = (object as PodDisruptionBudget).spec ?? {};
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    const detail = 'minAvailable and maxUnavailable cannot be both set';
    errors.push({ type: 'FieldValueInvalid', field: 'spec', detail });
  }
  for (const name of ['minAvailable', 'maxUnavailable'] as const) {
    const value = spec[name];
    const field = `spec.${name}`;
    const percent = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
    if (typeof value === 'number' && value < 0)
      errors.push({
        type: 'FieldValueInvalid',
        field,
        value,
        detail: 'must be greater than or equal to 0',
      });
    else if (typeof value === 'string' && !percent)
      errors.push({
        type: 'FieldValueInvalid',
        field,
        value,
        detail: "a valid percent string must be a numeric string followed by an ending '%'",
      });
    else if (percent && Number(percent[1]) > 100)
      errors.push({
        type: 'FieldValueInvalid',
        field,
        value,
        detail: 'must not be greater than 100%',
      });
  }
}

const byResource: Record<string, (object: KubeObject, errors: FieldError[]) => void> = {
  pods: (object, errors) => checkPodSpec(object.spec as PodSpec, 'spec', errors),
  replicasets: checkWorkload,
  deployments: checkWorkload,
  services: (object, errors) => checkService(object as Service, errors),
  nodes: (object, errors) => {
    const taints = (object.spec as NodeSpec | undefined)?.taints;
    if (taints !== undefined) checkTaints(taints, 'spec.taints', errors);
  },
  poddisruptionbudgets: checkDisruptionBudget,
};

/**
 * Every rule `object` breaks as a new object of `resource`: its name (required, and of the
 * resource's name rule), its labels, and the fields its kind needs. Empty when it is valid.
 */
export function validateObject(resource: ResourceType, object: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const name = object.metadata.name;
  if (!name) {
    errors.push({
      type: 'FieldValueRequired',
      field: 'metadata.name',
      detail: 'name or generateName is required',
    });
  } else {
    const problem = checkName(name, resource.nameRule);
    if (problem)
      errors.push({
        type: 'FieldValueInvalid',
        field: 'metadata.name',
        value: name,
        detail: problem,
      });
  }
  checkLabels(object.metadata.labels, 'metadata.labels', errors);
  byResource[resource.resource]?.(object, errors);
  return errors;
}

/** A pod spec with the fields an update may change blanked out. */
function podSpecShape(spec: PodSpec | undefined): unknown {
  if (!spec) return spec;
  const {
    activeDeadlineSeconds: _a,
    tolerations: _t,
    terminationGracePeriodSeconds: _g,
    ...rest
  } = spec;
  const blank = (containers?: Container[]) =>
    containers?.map((container) => ({ ...container, image: undefined }));
  return {
    ...rest,
    containers: blank(rest.containers),
    initContainers: blank(rest.initContainers),
  };
}

/** The selector of a Deployment or ReplicaSet is immutable: changing it would orphan its pods. */
function checkSelectorKept(next: KubeObject, current: KubeObject, errors: FieldError[]): void {
  const selector = (next.spec as { selector?: unknown } | undefined)?.selector;
  if (!sameJson(selector, (current.spec as { selector?: unknown } | undefined)?.selector)) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.selector',
      value: selector,
      detail: 'field is immutable',
    });
  }
}

/** A pod's spec is fixed once created, except its images and a few timing fields. */
function checkPodSpecKept(next: KubeObject, current: KubeObject, errors: FieldError[]): void {
  if (!sameJson(podSpecShape(next.spec as PodSpec), podSpecShape(current.spec as PodSpec))) {
    errors.push({
      type: 'FieldValueForbidden',
      field: 'spec',
      detail:
        'pod updates may not change fields other than `spec.containers[*].image`, ' +
        '`spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` or ' +
        '`spec.terminationGracePeriodSeconds`',
    });
  }
}

/** What each kind forbids an update to change, by resource (kube's ValidateUpdate of each kind). */
const updateRules: Record<
  string,
  (next: KubeObject, current: KubeObject, errors: FieldError[]) => void
> = {
  deployments: checkSelectorKept,
  replicasets: checkSelectorKept,
  pods: checkPodSpecKept,
};

/**
 * Every rule an update from `current` to `next` breaks, beyond validateObject(next): the fields
 * that never change once set. A ReplicaSet's or Deployment's selector is immutable (changing it
 * would orphan its pods), and a pod's spec is fixed except its images and a few timing fields.
 */
export function validateUpdate(
  resource: ResourceType,
  next: KubeObject,
  current: KubeObject,
): FieldError[] {
  const errors: FieldError[] = [];
  updateRules[resource.resource]?.(next, current, errors);
  return errors;
}
