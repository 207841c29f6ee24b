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
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ The definition';

/** A lower-case RFC 1123 label: what a plural, a singular and a short name must be. */
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The structural schema rule this course checks: every node says its type, unless it keeps
 * unknown fields or is an int-or-string; the root is an object. Errors at `path`.
 */
export function checkStructural(schema: JSONSchemaProps, path: string, root = true): FieldError[] {
  throw new NotImplemented('checkStructural', section);
}

/**
 * The names: plural and kind are required; plural, singular and short names are lower-case
 * labels; the CRD's own name must be `<plural>.<group>`, and the group a domain with a dot.
 */
export function validateNames(crd: CustomResourceDefinition): FieldError[] {
  throw new NotImplemented('validateNames', section);
}

/**
 * Every rule the CRD breaks, as 422 field errors: its names (validateNames); its scope,
 * Namespaced or Cluster; at least one version, exactly one of them the storage version; and
 * each version's schema, required and structural (checkStructural).
 */
export function validateDefinition(crd: CustomResourceDefinition): FieldError[] {
  throw new NotImplemented('validateDefinition', section);
}

/**
 * The resources a CRD defines, one per served version, as the API server's table describes a
 * kind: group, version, plural, singular (the kind in lower case when not given), kind, scope,
 * short names and categories; `status` and `scale` subresources when the version has them; the
 * name rule of a DNS subdomain; and `custom`: the definition's name, the version's schema,
 * printer columns, scale paths and the storage version.
 */
export function resourcesOf(crd: CustomResourceDefinition): ResourceType[] {
  throw new NotImplemented('resourcesOf', section);
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
  throw new NotImplemented('namesConflict', section);
}

/**
 * `conditions` with `condition` in place of the one of its type. lastTransitionTime moves only
 * when the status changes.
 */
export function setCondition(
  conditions: CustomResourceDefinitionCondition[],
  condition: CustomResourceDefinitionCondition,
): CustomResourceDefinitionCondition[] {
  throw new NotImplemented('setCondition', section);
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
  throw new NotImplemented('definitionStatus', section);
}
