// The definition: what a CustomResourceDefinition must say before the server takes it, and the
// resources it becomes. A CRD named "webapps.example.com" defines the plural `webapps` in the
// group `example.com`; each served version becomes one resource of the API server's table
// (harness/api/resources.ts), as a built-in kind is one, with the CRD's schema, columns and
// scale paths attached. Once the server serves it, it says so in the CRD's status: the names
// were accepted (NamesAccepted) and the resource is served (Established). Clients wait for
// Established (`kubectl wait --for condition=established crd/webapps.example.com`).
import type {
  CustomResourceDefinition,
  CustomResourceDefinitionCondition,
  JSONSchemaProps,
} from '../../harness/api/apiextensions.ts';
import type { FieldError } from '../../harness/api/errors.ts';
import type { ResourceType } from '../../harness/api/resources.ts';

/** A lower-case RFC 1123 label: what a plural, a singular and a short name must be. */
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The structural schema rule this course checks: every node says its type, unless it keeps
 * unknown fields or is an int-or-string; the root is an object. Errors at `path`.
 */
export function checkStructural(schema: JSONSchemaProps, path: string, root = true): FieldError[] {
  const free =
    schema['x-kubernetes-preserve-unknown-fields'] || schema['x-kubernetes-int-or-string'];
  if (root && schema.type !== 'object') {
    return [
      { type: 'FieldValueRequired', field: `${path}.type`, detail: 'must be object at the root' },
    ];
  }
  const errors: FieldError[] = [];
  if (!schema.type && !free) {
    errors.push({
      type: 'FieldValueRequired',
      field: `${path}.type`,
      detail: 'must not be empty for specified object fields',
    });
  }
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    errors.push(...checkStructural(property, `${path}.properties[${name}]`, false));
  }
  if (schema.items) errors.push(...checkStructural(schema.items, `${path}.items`, false));
  if (typeof schema.additionalProperties === 'object') {
    const at = `${path}.additionalProperties`;
    errors.push(...checkStructural(schema.additionalProperties, at, false));
  }
  return errors;
}

/**
 * The names: plural and kind are required; plural, singular and short names are lower-case
 * labels; the CRD's own name must be `<plural>.<group>`, and the group a domain with a dot.
 */
export function validateNames(crd: CustomResourceDefinition): FieldError[] {
  const errors: FieldError[] = [];
  const { group, names } = crd.spec ?? {};
  if (!group) errors.push({ type: 'FieldValueRequired', field: 'spec.group' });
  else if (!group.includes('.')) {
    const detail = 'should be a domain with at least one dot';
    errors.push({ type: 'FieldValueInvalid', field: 'spec.group', value: group, detail });
  }
  if (!names?.plural) errors.push({ type: 'FieldValueRequired', field: 'spec.names.plural' });
  if (!names?.kind) errors.push({ type: 'FieldValueRequired', field: 'spec.names.kind' });
  const labels: Array<[string, string | undefined]> = [
    ['spec.names.plural', names?.plural],
    ['spec.names.singular', names?.singular],
    ...(names?.shortNames ?? []).map((short, i): [string, string] => [
      `spec.names.shortNames[${i}]`,
      short,
    ]),
  ];
  for (const [field, value] of labels) {
    if (value && !LABEL.test(value)) {
      const detail =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'";
      errors.push({ type: 'FieldValueInvalid', field, value, detail });
    }
  }
  if (group && names?.plural && crd.metadata.name !== `${names.plural}.${group}`) {
    const detail = 'must be spec.names.plural+"."+spec.group';
    errors.push({
      type: 'FieldValueInvalid',
      field: 'metadata.name',
      value: crd.metadata.name,
      detail,
    });
  }
  return errors;
}

/**
 * Every rule the CRD breaks, as 422 field errors: its names (validateNames); its scope,
 * Namespaced or Cluster; at least one version, exactly one of them the storage version; and
 * each version's schema, required and structural (checkStructural).
 */
export function validateDefinition(crd: CustomResourceDefinition): FieldError[] {
  const errors = validateNames(crd);
  const scope = crd.spec?.scope;
  if (scope !== 'Namespaced' && scope !== 'Cluster') {
    const detail = 'supported values: "Cluster", "Namespaced"';
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'spec.scope',
      value: scope ?? '',
      detail,
    });
  }
  const versions = crd.spec?.versions ?? [];
  if (versions.length === 0) {
    const detail = 'must have exactly one version marked as storage version';
    errors.push({ type: 'FieldValueInvalid', field: 'spec.versions', value: null, detail });
  } else if (versions.filter((version) => version.storage).length !== 1) {
    const detail = 'must have exactly one version marked as storage version';
    const value = versions.map((version) => version.name);
    errors.push({ type: 'FieldValueInvalid', field: 'spec.versions', value, detail });
  }
  versions.forEach((version, index) => {
    const path = `spec.versions[${index}].schema.openAPIV3Schema`;
    const schema = version.schema?.openAPIV3Schema;
    if (!schema)
      errors.push({ type: 'FieldValueRequired', field: path, detail: 'schemas are required' });
    else errors.push(...checkStructural(schema, path));
  });
  return errors;
}

/**
 * The resources a CRD defines, one per served version, as the API server's table describes a
 * kind: group, version, plural, singular (the kind in lower case when not given), kind, scope,
 * short names and categories; `status` and `scale` subresources when the version has them; the
 * name rule of a DNS subdomain; and `custom`: the definition's name, the version's schema,
 * printer columns, scale paths and the storage version.
 */
export function resourcesOf(crd: CustomResourceDefinition): ResourceType[] {
  const { group, names, scope, versions } = crd.spec;
  const storageVersion = versions.find((version) => version.storage)?.name ?? versions[0]!.name;
  return versions
    .filter((version) => version.served)
    .map((version) => ({
      group,
      version: version.name,
      resource: names.plural,
      singular: names.singular ?? names.kind.toLowerCase(),
      kind: names.kind,
      namespaced: scope === 'Namespaced',
      shortNames: names.shortNames ?? [],
      categories: names.categories ?? [],
      subresources: Object.keys(version.subresources ?? {}).filter(
        (name) => name === 'status' || name === 'scale',
      ),
      nameRule: 'subdomain',
      custom: {
        definition: crd.metadata.name!,
        schema: version.schema?.openAPIV3Schema,
        columns: version.additionalPrinterColumns ?? [],
        scale: version.subresources?.scale,
        storageVersion,
      },
    }));
}

/**
 * Why the CRD's names cannot be accepted, or undefined: its plural, or one of its short names, is
 * already a name of a resource the server serves from another definition (or built in). Words as
 * kube's naming controller: `"webapps" is already in use`.
 */
export function namesConflict(
  crd: CustomResourceDefinition,
  served: ResourceType[],
): string | undefined {
  const others = served.filter((resource) => resource.custom?.definition !== crd.metadata.name);
  const { plural, shortNames = [] } = crd.spec.names;
  if (others.some((resource) => resource.resource === plural))
    return `"${plural}" is already in use`;
  for (const short of shortNames) {
    if (others.some((resource) => resource.shortNames.includes(short))) {
      return `"${short}" is already in use`;
    }
  }
  return undefined;
}

/**
 * `conditions` with `condition` in place of the one of its type. lastTransitionTime moves only
 * when the status changes.
 */
export function setCondition(
  conditions: CustomResourceDefinitionCondition[],
  condition: CustomResourceDefinitionCondition,
): CustomResourceDefinitionCondition[] {
  const old = conditions.find((each) => each.type === condition.type);
  const moved =
    old && old.status === condition.status ? old.lastTransitionTime : condition.lastTransitionTime;
  const updated = { ...condition, lastTransitionTime: moved };
  return [...conditions.filter((each) => each.type !== condition.type), updated];
}

/**
 * The CRD's status once the server has looked at its names (`conflict` from namesConflict):
 * without a conflict, NamesAccepted True ("NoConflicts", "no conflicts found"), Established True
 * ("InitialNamesAccepted", "the initial names have been accepted"), acceptedNames the spec's
 * names (with singular and listKind filled in), and storedVersions with the storage version;
 * with one, NamesAccepted False ("NameConflict", the conflict) and Established False
 * ("NotAccepted", "not all names are accepted"). `now` is an RFC 3339 time.
 */
export function definitionStatus(
  crd: CustomResourceDefinition,
  conflict: string | undefined,
  now: string,
): NonNullable<CustomResourceDefinition['status']> {
  const status = structuredClone(crd.status ?? {});
  const accepted = conflict === undefined;
  const [namesAccepted, established]: Array<[string, string]> = accepted
    ? [
        ['NoConflicts', 'no conflicts found'],
        ['InitialNamesAccepted', 'the initial names have been accepted'],
      ]
    : [
        ['NameConflict', conflict],
        ['NotAccepted', 'not all names are accepted'],
      ];
  let conditions = status.conditions ?? [];
  for (const [type, [reason, message]] of [
    ['NamesAccepted', namesAccepted],
    ['Established', established],
  ] as const) {
    const condition = { type, status: accepted ? 'True' : 'False', reason, message } as const;
    conditions = setCondition(conditions, { ...condition, lastTransitionTime: now });
  }
  if (accepted) {
    const names = crd.spec.names;
    status.acceptedNames = {
      ...names,
      singular: names.singular ?? names.kind.toLowerCase(),
      listKind: names.listKind ?? `${names.kind}List`,
    };
    const storage = crd.spec.versions.find((version) => version.storage)!.name;
    const stored = status.storedVersions ?? [];
    status.storedVersions = stored.includes(storage) ? stored : [...stored, storage];
  }
  status.conditions = conditions;
  return status;
}
