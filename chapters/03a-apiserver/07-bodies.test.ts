import { describe, expect, test } from 'vitest';
import { ApiError } from '../../harness/api/errors.ts';
import { bytes } from '../../harness/store/bytes.ts';
import { bodyReaderError, objectFromBody, parseBody } from './bodies.ts';

const POD_YAML = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: kata/echo:1.0
`;

/** The ApiError `run` throws, as [code, reason], or the value it returned. */
function outcome(run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    if (error instanceof ApiError) return [error.code, error.reason];
    throw error;
  }
}

const POD = { apiVersion: 'v1', kind: 'Pod' };

describe('Request bodies', () => {
  test('a JSON body is parsed, also when no Content-Type is given', () => {
    const body = bytes('{"kind":"Pod","metadata":{"name":"web"}}');
    expect(
      parseBody('application/json; charset=utf-8', body),
      'parseBody of a JSON pod, Content-Type application/json; charset=utf-8',
    ).toEqual({ kind: 'Pod', metadata: { name: 'web' } });
    expect(
      parseBody(undefined, body),
      'parseBody of the same bytes without a Content-Type',
    ).toEqual({ kind: 'Pod', metadata: { name: 'web' } });
  });

  test('a YAML body is read as one document (Content-Type: application/yaml)', () => {
    expect(
      parseBody('application/yaml', bytes(POD_YAML)),
      'parseBody of a pod written in YAML',
    ).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web' },
      spec: { containers: [{ name: 'app', image: 'kata/echo:1.0' }] },
    });
  });

  test('a body that is not JSON is a 400 that says why', () => {
    let error: unknown;
    try {
      parseBody('application/json', bytes('{"kind": "Pod",'));
    } catch (thrown) {
      error = thrown;
    }
    expect(error, 'parseBody of the truncated JSON {"kind": "Pod",').toBeInstanceOf(ApiError);
    expect([(error as ApiError).code, (error as ApiError).message], 'its code and message').toEqual(
      [400, expect.stringMatching(/^the request body is not valid JSON: /)],
    );
  });

  test('YAML that does not parse, or holds several documents, is a 400', () => {
    expect(
      outcome(() => parseBody('application/yaml', bytes('metadata: [unclosed'))),
      'parseBody of the YAML "metadata: [unclosed"',
    ).toEqual([400, 'BadRequest']);
    expect(
      outcome(() => parseBody('application/yaml', bytes(`${POD_YAML}---\n${POD_YAML}`))),
      'parseBody of two YAML documents',
    ).toEqual([400, 'BadRequest']);
  });

  test('a body in a format the server does not read is a 415 that lists the formats it reads', () => {
    let error: unknown;
    try {
      parseBody('text/plain', bytes('anything'));
    } catch (thrown) {
      error = thrown;
    }
    expect(
      [(error as ApiError)?.code, (error as ApiError)?.reason],
      'parseBody with Content-Type text/plain',
    ).toEqual([415, 'UnsupportedMediaType']);
    expect((error as ApiError).message, 'its message').toBe(
      'the body of the request was in an unknown format (text/plain) - accepted media types ' +
        'include: application/json, application/yaml',
    );
  });

  test('a body nested deeper than 100 levels is a 400, found without recursion', () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    expect(
      outcome(() => parseBody('application/json', bytes(nested(100)))),
      'parseBody of arrays nested 100 deep',
    ).toEqual(JSON.parse(nested(100)));
    expect(
      outcome(() => parseBody('application/json', bytes(nested(101)))),
      'parseBody of arrays nested 101 deep',
    ).toEqual([400, 'BadRequest']);
    expect(
      outcome(() => parseBody('application/json', bytes(`{"spec":${nested(50_000)}}`))),
      'parseBody of arrays nested 50,000 deep (a recursive count overflows the stack)',
    ).toEqual([400, 'BadRequest']);
  });

  test('YAML aliases cannot blow a small body up into a huge one', () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const name of 'bcdefgh') {
      const previous = String.fromCharCode(name.charCodeAt(0) - 1);
      laughs.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`);
    }
    expect(
      outcome(() => parseBody('application/yaml', bytes(laughs.join('\n')))),
      'parseBody of YAML whose aliases would expand to 100 million values',
    ).toEqual([400, 'BadRequest']);
  });

  test('a body must be an object: an array, a string, null or a number is a 400', () => {
    for (const body of [[], 'pod', null, 42]) {
      expect(
        outcome(() => objectFromBody(body)),
        `objectFromBody(${JSON.stringify(body)})`,
      ).toEqual([400, 'BadRequest']);
    }
  });

  test('metadata is an object, {} when left out; its name, namespace and resourceVersion are strings', () => {
    expect(objectFromBody({ ...POD }), 'objectFromBody of a pod without metadata').toEqual({
      ...POD,
      metadata: {},
    });
    for (const metadata of ['web', ['web'], { name: ['web'] }, { resourceVersion: 7 }]) {
      expect(
        outcome(() => objectFromBody({ ...POD, metadata })),
        `objectFromBody of a pod whose metadata is ${JSON.stringify(metadata)}`,
      ).toEqual([400, 'BadRequest']);
    }
  });

  test("apiVersion and kind are filled in when left out, and must be those of the URL's resource", () => {
    const expected = { apiVersion: 'v1', kind: 'Pod' };
    expect(
      objectFromBody({ metadata: { name: 'web' } }, expected),
      'objectFromBody of { metadata } for the pods collection',
    ).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' } });
    const messageOf = (body: unknown) => {
      try {
        objectFromBody(body, expected);
      } catch (error) {
        return (error as ApiError).message;
      }
      return 'no error';
    };
    expect(messageOf({ ...POD, kind: 'Service' }), 'a Service sent to the pods collection').toBe(
      'the kind in the data (Service) does not match the expected kind (Pod)',
    );
    expect(messageOf({ ...POD, apiVersion: 'apps/v1' }), 'apiVersion apps/v1 for a pod').toBe(
      'the API version in the data (apps/v1) does not match the expected API version (v1)',
    );
  });

  test("the body reader's errors: too large is a 413, an unknown charset a 415, the rest 400", () => {
    const readerError = (type: string) => Object.assign(new Error(`reader: ${type}`), { type });
    const answers = ['entity.too.large', 'charset.unsupported', 'request.aborted'].map((type) => {
      const error = bodyReaderError(readerError(type), 3 * 1024 * 1024);
      return [error.code, error.reason];
    });
    expect(
      answers,
      'bodyReaderError for entity.too.large, charset.unsupported and request.aborted',
    ).toEqual([
      [413, 'RequestEntityTooLarge'],
      [415, 'UnsupportedMediaType'],
      [400, 'BadRequest'],
    ]);
    expect(
      bodyReaderError(readerError('entity.too.large'), 1024).message,
      'the message of a 413 with a limit of 1024 bytes',
    ).toBe('Request entity too large: limit is 1024');
  });
});
