// The description of the served kinds (schemas.ts) holds together: every kind the server serves
// has its type, every reference names a described type, every field says what it is, and the
// objects the course itself sends (the examples, the manifests in harness/examples) have no field
// the description lacks, so field validation never drops what the course means to store.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, test } from 'vitest';
import { dropUnknownFields } from '../../solutions/03a-apiserver/fields.ts';
import { repoRoot } from '../paths.ts';
import {
  exampleDeployment,
  exampleNode,
  examplePod,
  exampleReplicaSet,
  exampleService,
} from './examples.ts';
import { builtinResources } from './resources.ts';
import {
  CORE,
  fieldAt,
  kindTypeName,
  META,
  schemas,
  typeField,
  type FieldSchema,
} from './schemas.ts';
import type { KubeObject } from './types.ts';

/** Every field of every type, with where it is, for the checks below. */
function everyField(): Array<{ at: string; field: FieldSchema }> {
  const found: Array<{ at: string; field: FieldSchema }> = [];
  const visit = (at: string, field: FieldSchema) => {
    found.push({ at, field });
    if (field.items) visit(`${at}[]`, field.items);
    if (field.values) visit(`${at}{}`, field.values);
    for (const [name, inner] of Object.entries(field.fields ?? {})) visit(`${at}.${name}`, inner);
  };
  for (const [typeName, type] of Object.entries(schemas)) {
    for (const [name, field] of Object.entries(type.fields)) visit(`${typeName}.${name}`, field);
  }
  return found;
}

/** The unknown fields of an object of a served kind, by the description. */
function unknownFieldsOf(object: KubeObject): string[] {
  const [group, version] = object.apiVersion!.includes('/')
    ? object.apiVersion!.split('/')
    : ['', object.apiVersion!];
  const name = kindTypeName(group!, version!, object.kind!);
  if (!name) return [`no description of ${object.apiVersion} ${object.kind}`];
  return dropUnknownFields(typeField(name), structuredClone(object), '', object.kind!);
}

describe('The description of the served kinds', () => {
  test('every kind the server serves has its type, which names the kind', () => {
    for (const resource of builtinResources) {
      const name = kindTypeName(resource.group, resource.version, resource.kind);
      expect(name, `the type of ${resource.kind}`).toBeDefined();
      expect(
        Object.keys(schemas[name!]!.fields),
        `${resource.kind} starts with its header`,
      ).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata']));
    }
  });

  test('every reference names a described type, and every field says what it is', () => {
    for (const { at, field } of everyField()) {
      if (field.ref) expect(schemas[field.ref], `${at} refers to ${field.ref}`).toBeDefined();
      if (field.type === 'array')
        expect(field.items, `${at} says what its items are`).toBeDefined();
      const element = at.endsWith('[]') || at.endsWith('{}');
      if (!element) expect(field.description, `${at} has a description`).not.toBe('');
    }
  });

  test("the course's example objects have no field the description lacks", () => {
    const objects = [
      examplePod('web'),
      exampleDeployment('web'),
      exampleReplicaSet('web'),
      exampleService('web'),
      exampleNode('node-1', { cpu: '2' }),
    ] as KubeObject[];
    for (const object of objects) {
      expect(unknownFieldsOf(object), `the unknown fields of the example ${object.kind}`).toEqual(
        [],
      );
    }
  });

  test('the manifests in harness/examples have no field the description lacks', () => {
    const folder = path.join(repoRoot, 'harness/examples');
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.yaml'))) {
      const text = readFileSync(path.join(folder, file), 'utf8');
      for (const document of parseAllDocuments(text)) {
        const object = document.toJS() as KubeObject | null;
        if (!object) continue;
        expect(unknownFieldsOf(object), `the unknown fields of ${object.kind} in ${file}`).toEqual(
          [],
        );
      }
    }
  });

  test('a walk finds a field by its path, through named types, lists and maps', () => {
    expect(
      fieldAt(CORE + 'Pod', ['spec', 'containers', 'ports'])?.patchMergeKey,
      "the merge key of a pod's spec.containers[].ports",
    ).toBe('containerPort');
    expect(
      fieldAt(CORE + 'Service', ['spec', 'ports'])?.patchMergeKey,
      "the merge key of a Service's spec.ports",
    ).toBe('port');
    expect(
      fieldAt(META + 'ObjectMeta', ['labels', 'app'])?.type,
      'a label value, inside the labels map',
    ).toBe('string');
    expect(fieldAt(CORE + 'Pod', ['spec', 'imagee']), 'a field the pod does not have').toBe(
      undefined,
    );
    expect(fieldAt(CORE + 'Pod', ['__proto__']), 'the walk at __proto__').toBe(undefined);
  });
});
