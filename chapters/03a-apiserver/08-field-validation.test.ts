// Field validation: what the server does with a field the kind does not have (`imagee:`), a key
// given twice, and a value of the wrong type, step by step on objects and texts (the server uses
// these on every write: 14-field-validation-on-writes). The kinds' fields come from the course's
// one description of them, harness/api/schemas.ts (the same that /openapi/v3 publishes in 03b).
import { describe, expect, test } from 'vitest';
import { ApiError } from '../../harness/api/errors.ts';
import { examplePod } from '../../harness/api/examples.ts';
import { builtinResources, type ResourceType } from '../../harness/api/resources.ts';
import { CORE, typeField, type FieldSchema } from '../../harness/api/schemas.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import {
  checkFields,
  dropUnknownFields,
  duplicateFields,
  fieldValidationOf,
  fitsType,
  goType,
  warningHeader,
  WrongType,
} from './fields.ts';

const resourceOf = (kind: string) => builtinResources.find((each) => each.kind === kind)!;
const pods = resourceOf('Pod');
const query = (text: string) => new URLSearchParams(text);

/** A pod whose container has the typo `imagee` beside its image. */
function typoPod(name = 'typo'): KubeObject {
  const pod = examplePod(name) as KubeObject;
  (pod.spec as { containers: Record<string, unknown>[] }).containers[0]!.imagee = 'kata/echo';
  return pod;
}

/** What a call throws, or undefined. */
function thrown(call: () => unknown): ApiError | Error | undefined {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

describe('Field validation', () => {
  test('fieldValidation is Strict, Warn or Ignore; absent or empty means Warn', () => {
    for (const value of ['Strict', 'Warn', 'Ignore']) {
      expect(
        fieldValidationOf(query(`fieldValidation=${value}`), 'CreateOptions'),
        `fieldValidationOf(?fieldValidation=${value})`,
      ).toBe(value);
    }
    expect(fieldValidationOf(query(''), 'CreateOptions'), 'no fieldValidation at all').toBe('Warn');
    expect(
      fieldValidationOf(query('fieldValidation='), 'CreateOptions'),
      'an empty fieldValidation',
    ).toBe('Warn');
  });

  test("any other fieldValidation is a 422 Invalid of the verb's options", () => {
    const error = thrown(() =>
      fieldValidationOf(query('fieldValidation=Loose'), 'PatchOptions'),
    ) as ApiError;
    expect([error?.code, error?.reason], 'fieldValidation=Loose on a PATCH').toEqual([
      422,
      'Invalid',
    ]);
    expect(error.message, 'the message names the options, the value and the allowed ones').toBe(
      'PatchOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loose": ' +
        'supported values: "", "Ignore", "Strict", "Warn"',
    );
    expect(error.details?.causes, 'one cause, at fieldValidation').toEqual([
      {
        reason: 'FieldValueNotSupported',
        message: 'Unsupported value: "Loose": supported values: "", "Ignore", "Strict", "Warn"',
        field: 'fieldValidation',
      },
    ]);
  });

  test("a JSON value fits its field's type: strings, whole numbers, booleans; null always", () => {
    const field = (type: FieldSchema['type']): FieldSchema => ({ type, description: '' });
    const fits: Array<[FieldSchema['type'], unknown, boolean]> = [
      ['string', 'web', true],
      ['string', 3, false],
      ['integer', 3, true],
      ['integer', 1.5, false],
      ['integer', '3', false],
      ['number', 1.5, true],
      ['boolean', false, true],
      ['boolean', 'false', false],
      ['integer', null, true],
    ];
    for (const [type, value, expected] of fits) {
      expect(fitsType(field(type), value), `fitsType(${type}, ${JSON.stringify(value)})`).toBe(
        expected,
      );
    }
  });

  test('lists, objects, maps and the named strings fit only their own JSON shapes', () => {
    const field = (type: FieldSchema['type']): FieldSchema => ({ type, description: '' });
    const fits: Array<[FieldSchema['type'], unknown, boolean]> = [
      ['array', [], true],
      ['array', {}, false],
      ['object', {}, true],
      ['object', [], false],
      ['map', { a: 'b' }, true],
      ['map', 'a=b', false],
      ['int-or-string', '25%', true],
      ['int-or-string', 2, true],
      ['int-or-string', true, false],
      ['quantity', '128Mi', true],
      ['time', 1700000000, false],
      ['free-form', 'anything', true],
    ];
    for (const [type, value, expected] of fits) {
      expect(fitsType(field(type), value), `fitsType(${type}, ${JSON.stringify(value)})`).toBe(
        expected,
      );
    }
  });

  test("Go names a field's type as decoding errors do: int32, int64, []v1.Container, map[string]string", () => {
    const containers = typeField(`${CORE}PodSpec`);
    const spec = { type: 'object', ref: `${CORE}PodSpec`, description: '' } as FieldSchema;
    expect(goType({ type: 'integer', description: '' }), 'an integer').toBe('int32');
    expect(goType({ type: 'integer', format: 'int64', description: '' }), 'an int64').toBe('int64');
    expect(goType(spec), 'a PodSpec').toBe(goType(containers));
    expect(goType(spec), 'a named type').toBe('v1.PodSpec');
    expect(
      goType({
        type: 'array',
        items: { type: 'object', ref: `${CORE}Container`, description: '' },
        description: '',
      }),
      'a list of containers',
    ).toBe('[]v1.Container');
    expect(goType({ type: 'map', description: '' }), 'a map of strings').toBe('map[string]string');
    expect(goType({ type: 'boolean', description: '' }), 'a boolean').toBe('bool');
  });

  test('Go names the named strings by their packages: intstr.IntOrString, resource.Quantity, v1.Time', () => {
    const names: Array<[FieldSchema['type'], string]> = [
      ['int-or-string', 'intstr.IntOrString'],
      ['quantity', 'resource.Quantity'],
      ['time', 'v1.Time'],
      ['micro-time', 'v1.MicroTime'],
      ['number', 'float64'],
      ['object', 'struct'],
    ];
    for (const [type, name] of names) {
      expect(goType({ type, description: '' }), `goType(${type})`).toBe(name);
    }
  });

  test('an unknown field is dropped from the object and named by its path, list positions and all', () => {
    const pod = typoPod();
    const unknown = dropUnknownFields(typeField(`${CORE}Pod`), pod, '', 'Pod');
    expect(unknown, 'the unknown fields of a pod with imagee:').toEqual([
      'spec.containers[0].imagee',
    ]);
    const container = (pod.spec as { containers: Record<string, unknown>[] }).containers[0]!;
    expect(container, 'the container no longer has imagee').not.toHaveProperty('imagee');
    expect(container.image, 'and keeps its image').toBe('kata/echo:1.0');
  });

  test('several unknown fields, at every depth, in the order they come', () => {
    const pod = typoPod() as KubeObject & Record<string, unknown>;
    pod.extra = 1;
    pod.metadata = { ...pod.metadata, nickname: 'x' } as KubeObject['metadata'];
    (pod.spec as Record<string, unknown>).nodeSelectr = { disk: 'ssd' };
    expect(
      dropUnknownFields(typeField(`${CORE}Pod`), pod, '', 'Pod'),
      'the unknown fields',
    ).toEqual(['metadata.nickname', 'spec.containers[0].imagee', 'spec.nodeSelectr', 'extra']);
  });

  test('inside maps (labels, annotations, data) and free-form fields any key is fine', () => {
    const configMap: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', labels: { anything: 'goes' }, annotations: { 'a/b': 'c' } },
      data: { 'any-key': 'value', other: 'value' },
    };
    const before = structuredClone(configMap);
    expect(
      dropUnknownFields(typeField(`${CORE}ConfigMap`), configMap, '', 'ConfigMap'),
      'the unknown fields of a ConfigMap with labels, annotations and data',
    ).toEqual([]);
    expect(configMap, 'nothing was dropped').toEqual(before);
  });

  test('a value of the wrong type cannot be decoded: Go says which field and which type', () => {
    const pod = examplePod('web') as KubeObject;
    (pod.spec as Record<string, unknown>).terminationGracePeriodSeconds = 'thirty';
    const error = thrown(() => dropUnknownFields(typeField(`${CORE}Pod`), pod, '', 'Pod'));
    expect(error, 'dropUnknownFields throws a WrongType').toBeInstanceOf(WrongType);
    expect(error?.message, 'the decoding error').toBe(
      'json: cannot unmarshal string into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64',
    );
    const list = examplePod('web') as KubeObject;
    (list.spec as Record<string, unknown>).containers = { name: 'app' };
    expect(
      thrown(() => dropUnknownFields(typeField(`${CORE}Pod`), list, '', 'Pod'))?.message,
      'containers given as an object',
    ).toBe(
      'json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container',
    );
  });

  test('a key given twice in one JSON object is a duplicate field, named by its path', () => {
    const text =
      '{"metadata":{"name":"a","name":"b"},"spec":{"paused":true,"paused":false,' +
      '"containers":[{"name":"x"},{"name":"y","image":"i","image":"j"}]},"a\\"b":1}';
    expect(duplicateFields(text), 'duplicateFields of a body with three repeated keys').toEqual([
      'metadata.name',
      'spec.paused',
      'spec.containers[1].image',
    ]);
    expect(duplicateFields('{"a":{"b":1},"c":{"b":2}}'), 'the same key in two objects').toEqual([]);
    expect(duplicateFields('[{"a":1,"a":2}]'), 'a list at the top').toEqual(['[0].a']);
  });

  test('Strict refuses unknown and duplicate fields with one 400 strict decoding error', () => {
    const error = thrown(() =>
      checkFields(pods, typoPod(), {
        directive: 'Strict',
        duplicates: ['spec.restartPolicy'],
        wholeObject: true,
      }),
    ) as ApiError;
    expect([error?.code, error?.reason], 'checkFields with Strict').toEqual([400, 'BadRequest']);
    expect(error.message, 'the duplicates, then the unknown fields, joined by ", "').toBe(
      'Pod in version "v1" cannot be handled as a Pod: strict decoding error: ' +
        'duplicate field "spec.restartPolicy", unknown field "spec.containers[0].imagee"',
    );
    const patched = thrown(() =>
      checkFields(pods, typoPod(), { directive: 'Strict', wholeObject: false }),
    );
    expect(patched?.message, 'the same for a patched object, without the first words').toBe(
      'strict decoding error: unknown field "spec.containers[0].imagee"',
    );
  });

  test('Warn returns one warning per problem and Ignore none; both drop the unknown fields', () => {
    const warned = typoPod();
    expect(
      checkFields(pods, warned, {
        directive: 'Warn',
        duplicates: ['spec.containers[0].imagee.x', 'kind'],
        wholeObject: true,
      }),
      'checkFields with Warn (a duplicate inside an unknown field is only unknown)',
    ).toEqual(['duplicate field "kind"', 'unknown field "spec.containers[0].imagee"']);
    const ignored = typoPod();
    expect(
      checkFields(pods, ignored, { directive: 'Ignore', wholeObject: true }),
      'with Ignore',
    ).toEqual([]);
    for (const [directive, pod] of [
      ['Warn', warned],
      ['Ignore', ignored],
    ] as const) {
      const container = (pod.spec as { containers: object[] }).containers[0];
      expect(container, `after ${directive}, the container has no imagee`).not.toHaveProperty(
        'imagee',
      );
    }
  });

  test('a wrong type is a 400 whatever fieldValidation says; a kind without a description is not checked', () => {
    const pod = examplePod('web') as KubeObject;
    (pod.spec as Record<string, unknown>).containers = 'app';
    const error = thrown(() =>
      checkFields(pods, pod, { directive: 'Ignore', wholeObject: true }),
    ) as ApiError;
    expect([error?.code, error?.message], 'checkFields of containers: "app", with Ignore').toEqual([
      400,
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container',
    ]);
    const widgets: ResourceType = {
      ...pods,
      group: 'example.com',
      resource: 'widgets',
      kind: 'Widget',
    };
    const widget: KubeObject = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      size: 3,
    };
    expect(
      checkFields(widgets, widget, { directive: 'Strict', wholeObject: true }),
      'a Widget',
    ).toEqual([]);
    expect(widget.size, 'the Widget keeps its fields').toBe(3);
  });

  test('a warning goes out in a Warning header: 299 - "<text>", quotes escaped', () => {
    expect(warningHeader('unknown field "spec.x"'), 'warningHeader').toBe(
      '299 - "unknown field \\"spec.x\\""',
    );
  });
});
