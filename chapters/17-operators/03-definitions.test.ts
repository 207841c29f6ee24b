// The definition: what a CRD must say, the resources it becomes, and the status the server writes.
import { describe, expect, test } from 'vitest';
import type { CustomResourceDefinition } from '../../harness/api/apiextensions.ts';
import { builtinResources } from '../../harness/api/resources.ts';
import {
  checkStructural,
  definitionStatus,
  namesConflict,
  resourcesOf,
  setCondition,
  validateDefinition,
  validateNames,
} from './definitions.ts';

const schema = { type: 'object' as const, properties: { spec: { type: 'object' as const } } };

/** The WebApp CRD, with `fields` changed. */
function webApps(
  spec: Partial<CustomResourceDefinition['spec']> = {},
  name = 'webapps.example.com',
): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'webapps', kind: 'WebApp', shortNames: ['wa'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: schema },
          subresources: { status: {} },
        },
      ],
      ...spec,
    },
  };
}

describe('The definition', () => {
  test('the name must be <plural>.<group>, and the group a domain with a dot', () => {
    expect(
      [
        validateNames(webApps()),
        validateNames(webApps({}, 'webapp.example.com')).map((error) => [
          error.field,
          error.detail,
        ]),
        validateNames(webApps({ group: 'example' }, 'webapps.example')).map((error) => [
          error.field,
          error.detail,
        ]),
      ],
      'the WebApp CRD; named webapp.example.com; in group "example"',
    ).toEqual([
      [],
      [['metadata.name', 'must be spec.names.plural+"."+spec.group']],
      [['spec.group', 'should be a domain with at least one dot']],
    ]);
  });

  test('plural and kind are required; plural and short names are lower-case labels', () => {
    const crd = webApps({ names: { plural: '', kind: '', shortNames: ['WA'] } });
    expect(
      validateNames(crd).map((error) => [error.type, error.field]),
      'names with an empty plural and kind and the short name "WA"',
    ).toEqual([
      ['FieldValueRequired', 'spec.names.plural'],
      ['FieldValueRequired', 'spec.names.kind'],
      ['FieldValueInvalid', 'spec.names.shortNames[0]'],
    ]);
  });

  test('a schema is structural: an object at the root, and a type on every field', () => {
    expect(
      [
        checkStructural({ type: 'string' }, 's'),
        checkStructural(
          {
            type: 'object',
            properties: { spec: {}, any: { 'x-kubernetes-preserve-unknown-fields': true } },
          },
          's',
        ),
      ].map((errors) => errors.map((error) => [error.field, error.detail])),
      'a string at the root; an object whose spec has no type',
    ).toEqual([
      [['s.type', 'must be object at the root']],
      [['s.properties[spec].type', 'must not be empty for specified object fields']],
    ]);
  });

  test('validateDefinition: the scope, exactly one storage version, and a schema for each version', () => {
    const two = webApps({
      scope: 'Global' as 'Cluster',
      versions: [
        { name: 'v1', served: true, storage: true },
        { name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: schema } },
      ],
    });
    expect(
      validateDefinition(two).map((error) => [error.field, error.detail]),
      'a Global scope, two storage versions, v1 without a schema',
    ).toEqual([
      ['spec.scope', 'supported values: "Cluster", "Namespaced"'],
      ['spec.versions', 'must have exactly one version marked as storage version'],
      ['spec.versions[0].schema.openAPIV3Schema', 'schemas are required'],
    ]);
  });

  test("resourcesOf: one resource per served version, with the CRD's names, scope and facts", () => {
    const crd = webApps({
      versions: [
        { name: 'v1beta1', served: false, storage: false, schema: { openAPIV3Schema: schema } },
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: schema },
          subresources: {
            status: {},
            scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
          },
        },
      ],
    });
    expect(resourcesOf(crd), 'the WebApp CRD with v1beta1 not served').toEqual([
      {
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
        custom: {
          definition: 'webapps.example.com',
          schema,
          columns: [],
          scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
          storageVersion: 'v1',
        },
      },
    ]);
  });

  test('namesConflict: a plural or short name another resource already has', () => {
    const served = [...builtinResources, ...resourcesOf(webApps())];
    expect(
      [
        namesConflict(webApps(), served),
        namesConflict(
          webApps({ names: { plural: 'pods', kind: 'Pod2' } }, 'pods.example.com'),
          served,
        ),
        namesConflict(
          webApps(
            { names: { plural: 'shops', kind: 'Shop', shortNames: ['po'] } },
            'shops.example.com',
          ),
          served,
        ),
      ],
      'the WebApp CRD (served already, by itself); a CRD of "pods"; one with the short name "po"',
    ).toEqual([undefined, '"pods" is already in use', '"po" is already in use']);
  });

  test('setCondition replaces by type, and keeps lastTransitionTime while the status is the same', () => {
    const before = [{ type: 'Established', status: 'True' as const, lastTransitionTime: 't1' }];
    expect(
      [
        setCondition(before, { type: 'Established', status: 'True', lastTransitionTime: 't2' }),
        setCondition(before, { type: 'Established', status: 'False', lastTransitionTime: 't2' }),
      ].map((conditions) => conditions.map((condition) => condition.lastTransitionTime)),
      'Established True at t1, set True at t2, then False at t2',
    ).toEqual([['t1'], ['t2']]);
  });

  test('definitionStatus: names accepted and Established, or neither with the conflict', () => {
    const accepted = definitionStatus(webApps(), undefined, 'now');
    const refused = definitionStatus(webApps(), '"webapps" is already in use', 'now');
    expect(
      [
        accepted.conditions!.map((c) => [c.type, c.status, c.reason]),
        accepted.acceptedNames?.listKind,
        accepted.storedVersions,
        refused.conditions!.map((c) => [c.type, c.status, c.message]),
      ],
      'the status of the WebApp CRD without a conflict, and with one',
    ).toEqual([
      [
        ['NamesAccepted', 'True', 'NoConflicts'],
        ['Established', 'True', 'InitialNamesAccepted'],
      ],
      'WebAppList',
      ['v1'],
      [
        ['NamesAccepted', 'False', '"webapps" is already in use'],
        ['Established', 'False', 'not all names are accepted'],
      ],
    ]);
  });
});
