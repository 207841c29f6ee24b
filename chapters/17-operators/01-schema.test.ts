// Validating by the schema: pure functions from a schema and a value to field errors, worded as
// kube-apiserver words them for custom resources.
import { describe, expect, test } from 'vitest';
import type { JSONSchemaProps } from '../../harness/api/apiextensions.ts';
import {
  checkEnum,
  checkNumber,
  checkString,
  hasType,
  jsonType,
  validateCustomObject,
  validateValue,
} from './schema.ts';

/** The WebApp's spec schema, as harness/examples/custom-resources/webapp-crd.yaml has it. */
const spec: JSONSchemaProps = {
  type: 'object',
  required: ['image'],
  properties: {
    image: { type: 'string', minLength: 1 },
    replicas: { type: 'integer', minimum: 0, maximum: 20 },
    tier: { type: 'string', enum: ['web', 'worker'] },
    ports: { type: 'array', maxItems: 2, items: { type: 'integer' } },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
  },
};
const root: JSONSchemaProps = { type: 'object', required: ['spec'], properties: { spec } };

describe('Validating by the schema', () => {
  test('jsonType names a value as schemas do: integer for whole numbers, null, array, object', () => {
    expect(
      [3, 2.5, 'a', true, null, [], {}].map(jsonType),
      'jsonType of 3, 2.5, "a", true, null, [], {}',
    ).toEqual(['integer', 'number', 'string', 'boolean', 'null', 'array', 'object']);
  });

  test('hasType: an integer is a number; int-or-string takes both; null only when nullable', () => {
    expect(
      [
        hasType({ type: 'number' }, 3),
        hasType({ type: 'integer' }, 2.5),
        hasType({ 'x-kubernetes-int-or-string': true }, '50%'),
        hasType({ type: 'string' }, null),
        hasType({ type: 'string', nullable: true }, null),
        hasType({}, { any: 'thing' }),
      ],
      'number∋3, integer∌2.5, int-or-string∋"50%", string∌null, nullable string∋null, untyped∋object',
    ).toEqual([true, false, true, false, true, true]);
  });

  test('a wrong type is Invalid, its value the type found: "must be of type integer"', () => {
    expect(
      validateValue(spec.properties!.replicas!, 'three', 'spec.replicas'),
      'replicas "three"',
    ).toEqual([
      {
        type: 'FieldValueInvalid',
        field: 'spec.replicas',
        value: 'string',
        detail: 'spec.replicas in body must be of type integer: "string"',
      },
    ]);
  });

  test('minimum and maximum, inclusive unless exclusive: "should be greater than or equal to 0"', () => {
    const schema = spec.properties!.replicas!;
    expect(
      [
        checkNumber(schema, -1, 'spec.replicas').map((error) => error.detail),
        checkNumber(schema, 21, 'spec.replicas').map((error) => error.detail),
        checkNumber({ minimum: 0, exclusiveMinimum: true }, 0, 'x').map((error) => error.detail),
        checkNumber(schema, 20, 'spec.replicas'),
      ],
      'replicas -1, 21, 0 against an exclusive minimum 0, and 20',
    ).toEqual([
      ['spec.replicas in body should be greater than or equal to 0'],
      ['spec.replicas in body should be less than or equal to 20'],
      ['x in body should be greater than 0'],
      [],
    ]);
  });

  test('minLength, maxLength (Too long) and pattern on strings', () => {
    expect(
      [
        checkString({ minLength: 1 }, '', 'spec.image'),
        checkString({ maxLength: 3 }, 'abcd', 'spec.name'),
        checkString({ pattern: '^[a-z]+$' }, 'Shop', 'spec.name'),
      ],
      'an empty image with minLength 1; "abcd" with maxLength 3; "Shop" against ^[a-z]+$',
    ).toEqual([
      [
        {
          type: 'FieldValueInvalid',
          field: 'spec.image',
          value: '',
          detail: 'spec.image in body should be at least 1 chars long',
        },
      ],
      [{ type: 'FieldValueTooLong', field: 'spec.name', detail: 'may not be more than 3 bytes' }],
      [
        {
          type: 'FieldValueInvalid',
          field: 'spec.name',
          value: 'Shop',
          detail: "spec.name in body should match '^[a-z]+$'",
        },
      ],
    ]);
  });

  test('enum: anything else is Unsupported value, with the supported values listed', () => {
    expect(checkEnum(spec.properties!.tier!, 'gold', 'spec.tier'), 'tier "gold"').toEqual([
      {
        type: 'FieldValueNotSupported',
        field: 'spec.tier',
        value: 'gold',
        detail: 'supported values: "web", "worker"',
      },
    ]);
  });

  test('objects: a missing required property is Required value; properties are checked below', () => {
    expect(
      validateValue(spec, { replicas: 30 }, 'spec').map((error) => [error.type, error.field]),
      'a spec without image and with replicas 30',
    ).toEqual([
      ['FieldValueRequired', 'spec.image'],
      ['FieldValueInvalid', 'spec.replicas'],
    ]);
  });

  test('arrays and maps: items by `items` at path[i], maxItems, map values by additionalProperties', () => {
    expect(
      validateValue(
        spec,
        { image: 'x', ports: [80, 'http', 443], labels: { tier: 1 } },
        'spec',
      ).map((error) => [error.field, error.detail]),
      'ports [80, "http", 443] with maxItems 2, and a label whose value is a number',
    ).toEqual([
      ['spec.ports', 'spec.ports in body should have at most 2 items'],
      ['spec.ports[1]', 'spec.ports[1] in body must be of type integer: "string"'],
      ['spec.labels.tier', 'spec.labels.tier in body must be of type string: "integer"'],
    ]);
  });

  test("a whole object: apiVersion, kind and metadata are the server's, the rest is checked", () => {
    const object = { apiVersion: 'example.com/v1', kind: 'WebApp', metadata: { name: 'shop' } };
    expect(
      [
        validateCustomObject(root, object).map((error) => error.field),
        validateCustomObject(root, { ...object, spec: { image: 'kata/echo' } }),
      ],
      'a WebApp without spec, and one with spec.image',
    ).toEqual([['spec'], []]);
  });
});
