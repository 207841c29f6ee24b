// What the API server checks of an Ingress (chapter 15b) before it stores one, and the
// DefaultIngressClass admission plugin that fills in a missing class. The rules are a subset of
// k/k pkg/apis/networking/validation, in its words, so a manifest kube refuses with a 422 is
// refused here with the same field errors: a backend or rules, hosts that are DNS names (a
// wildcard only as "*." in front), paths absolute for Exact and Prefix and free of "//" and "/../",
// a pathType always given, and each backend one Service with a name and one port. Chapter 03a's
// server applies them through its extension point (builtinExtensions in strategy.ts), as it does
// the workloads' (workload-validation.ts): the learner of chapter 03a has not met Ingresses.
import { isIP } from 'node:net';
import { ApiError, type FieldError } from './errors.ts';
import { isObject } from './json.ts';
import { nameRules } from './names.ts';
import type { ResourceType } from './resources.ts';
import type { KubeObject } from './types.ts';
import type { ExternalAdmissionPlugin } from '../contracts/security.ts';

type Fields = Record<string, unknown>;

const fieldsOf = (value: unknown): Fields => (isObject(value) ? (value as Fields) : {});
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The annotation an Ingress named its class with before spec.ingressClassName. */
export const ingressClassAnnotation = 'kubernetes.io/ingress.class';
/** The annotation that makes an IngressClass the default one. */
export const defaultClassAnnotation = 'ingressclass.kubernetes.io/is-default-class';

const subdomain = nameRules.subdomain;
const WILDCARD = `\\*\\.${subdomain.pattern}`;
const wildcardExplain =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which " +
  "must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric " +
  `character (e.g. '*.example.com', regex used for validation is '${WILDCARD}')`;

/** kube's host checks: a DNS subdomain, or "*." and one; never an IP address. */
function validateHost(host: string, field: string, errors: FieldError[]): void {
  const invalid = (detail: string) =>
    errors.push({ type: 'FieldValueInvalid', field, value: host, detail });
  if (isIP(host)) invalid('must be a DNS name, not an IP address');
  if (host.includes('*')) {
    if (!new RegExp(`^${WILDCARD}$`).test(host)) invalid(wildcardExplain);
    return;
  }
  if (host.length > subdomain.maxLength)
    invalid(`must be no more than ${subdomain.maxLength} characters`);
  if (!new RegExp(`^${subdomain.pattern}$`).test(host)) invalid(subdomain.explain);
}

/** A backend: exactly one of service and resource; a service with a name and one port. */
function validateBackend(backend: unknown, field: string, errors: FieldError[]): void {
  const { service, resource } = fieldsOf(backend);
  const invalid = (detail: string) =>
    void errors.push({ type: 'FieldValueInvalid', field, value: '', detail });
  if (service && resource) return invalid('cannot set both resource and service backends');
  if (resource) return;
  if (!service) return invalid('resource or service backend is required');
  const { name, port } = fieldsOf(service);
  if (typeof name !== 'string' || name === '') {
    errors.push({ type: 'FieldValueRequired', field: `${field}.service.name` });
  } else if (!new RegExp(`^${nameRules.label1035.pattern}$`).test(name)) {
    const explain = nameRules.label1035.explain;
    errors.push({
      type: 'FieldValueInvalid',
      field: `${field}.service.name`,
      value: name,
      detail: explain,
    });
  }
  const { name: portName, number } = fieldsOf(port);
  if (portName && number) return invalid('cannot set both port name & port number');
  if (!portName && !number) {
    const detail = 'port name or number is required';
    errors.push({ type: 'FieldValueRequired', field: `${field}.service.port`, detail });
  } else if (
    number !== undefined &&
    !(Number.isInteger(number) && (number as number) >= 1 && (number as number) <= 65535)
  ) {
    const detail = 'must be between 1 and 65535, inclusive';
    errors.push({
      type: 'FieldValueInvalid',
      field: `${field}.service.port.number`,
      value: number,
      detail,
    });
  }
}

const pathTypes = ['Exact', 'ImplementationSpecific', 'Prefix'];
const badSequences = ['//', '/./', '/../', '%2f', '%2F'];
const badSuffixes = ['/..', '/.'];

/** One path of a rule: its pathType, the path's shape for it, and its backend. */
function validatePath(entry: unknown, field: string, errors: FieldError[]): void {
  const { path, pathType, backend } = fieldsOf(entry);
  const text = typeof path === 'string' ? path : '';
  const invalid = (detail: string) =>
    errors.push({ type: 'FieldValueInvalid', field: `${field}.path`, value: text, detail });
  if (pathType === undefined || pathType === null) {
    const detail = 'pathType must be specified';
    return void errors.push({ type: 'FieldValueRequired', field: `${field}.pathType`, detail });
  }
  if (!pathTypes.includes(pathType as string)) {
    const detail = `supported values: ${pathTypes.map((each) => `"${each}"`).join(', ')}`;
    errors.push({
      type: 'FieldValueNotSupported',
      field: `${field}.pathType`,
      value: pathType,
      detail,
    });
  } else if (pathType !== 'ImplementationSpecific' || text !== '') {
    if (!text.startsWith('/')) invalid('must be an absolute path');
    if (pathType !== 'ImplementationSpecific') {
      for (const bad of badSequences) if (text.includes(bad)) invalid(`must not contain '${bad}'`);
      for (const bad of badSuffixes) if (text.endsWith(bad)) invalid(`cannot end with '${bad}'`);
    }
  }
  validateBackend(backend, `${field}.backend`, errors);
}

/** Every rule kube's ValidateIngressCreate (and Update) applies that kubekata checks. */
export function validateIngress(object: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const spec = fieldsOf((object as { spec?: unknown }).spec);
  const rules = listOf(spec.rules);
  if (spec.defaultBackend) validateBackend(spec.defaultBackend, 'spec.defaultBackend', errors);
  else if (rules.length === 0) {
    const detail = 'either `defaultBackend` or `rules` must be specified';
    errors.push({ type: 'FieldValueInvalid', field: 'spec', value: null, detail });
  }
  rules.forEach((rule, i) => {
    const { host, http } = fieldsOf(rule);
    if (typeof host === 'string' && host !== '')
      validateHost(host, `spec.rules[${i}].host`, errors);
    if (!http) return;
    const paths = listOf(fieldsOf(http).paths);
    if (paths.length === 0)
      errors.push({ type: 'FieldValueRequired', field: `spec.rules[${i}].http.paths` });
    paths.forEach((path, j) => validatePath(path, `spec.rules[${i}].http.paths[${j}]`, errors));
  });
  listOf(spec.tls).forEach((tls, i) =>
    listOf(fieldsOf(tls).hosts).forEach((host, j) =>
      validateHost(String(host), `spec.tls[${i}].hosts[${j}]`, errors),
    ),
  );
  const className = spec.ingressClassName;
  if (typeof className === 'string' && className !== '') {
    if (!new RegExp(`^${subdomain.pattern}$`).test(className))
      errors.push({
        type: 'FieldValueInvalid',
        field: 'spec.ingressClassName',
        value: className,
        detail: subdomain.explain,
      });
    const annotation = object.metadata.annotations?.[ingressClassAnnotation];
    if (annotation !== undefined)
      errors.push({
        type: 'FieldValueInvalid',
        field: `annotations.${ingressClassAnnotation}`,
        value: annotation,
        detail: 'can not be set when the class field is also set',
      });
  }
  return errors;
}

/**
 * DefaultIngressClass (kube's admission plugin, on by default): an Ingress created with neither
 * spec.ingressClassName nor the old annotation gets the class annotated
 * ingressclass.kubernetes.io/is-default-class: "true". None: left as it is. More than one: the
 * create is refused, 403, as kube refuses it ("... only 1 allowed").
 */
export function defaultIngressClass(ingress: KubeObject, classes: KubeObject[]): void {
  const spec = ((ingress as { spec?: Fields }).spec ??= {});
  if (spec.ingressClassName) return;
  if (ingress.metadata.annotations?.[ingressClassAnnotation] !== undefined) return;
  const defaults = classes.filter(
    (each) => each.metadata.annotations?.[defaultClassAnnotation] === 'true',
  );
  if (defaults.length > 1) {
    throw new ApiError(
      403,
      'Forbidden',
      `ingressclasses.networking.k8s.io is forbidden: ${defaults.length} default IngressClasses were found, only 1 allowed`,
    );
  }
  if (defaults.length === 1) spec.ingressClassName = defaults[0]!.metadata.name;
}

/** Whether an admission request is the create of an Ingress, the one DefaultIngressClass acts on. */
export function isIngressCreate(operation: string, resource: ResourceType, subresource?: string) {
  return (
    operation === 'CREATE' &&
    resource.group === 'networking.k8s.io' &&
    resource.resource === 'ingresses' &&
    !subresource
  );
}

/** DefaultIngressClass as the API server runs it: with the IngressClasses stored now. */
export const defaultIngressClassPlugin: ExternalAdmissionPlugin = {
  name: 'DefaultIngressClass',
  async admit(request, store) {
    if (
      !request.object ||
      !isIngressCreate(request.operation, request.resource, request.subresource)
    )
      return;
    const classes = store.resourceOf('networking.k8s.io/ingressclasses');
    defaultIngressClass(request.object, classes ? await store.list(classes) : []);
  },
};
