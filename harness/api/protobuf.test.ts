// The protobuf decoder against bodies kubectl 1.32 really sent (recorded from `kubectl create
// deployment web --image=nginx:1.27 --replicas=3 --port=8080`, `create namespace team`, `create
// configmap cfg --from-literal=a=b`, `create service nodeport svc1 --tcp=80:8080` and `create secret
// generic s1 --from-literal=k=v`, base64 here).
import { describe, expect, test } from 'vitest';
import { ApiError } from './errors.ts';
import { decodeProtobufObject, protobufDecoder } from './protobuf.ts';

const recorded = {
  deployment:
    'azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50Er4BCh8KA3dlYhIAGgAiACoAMgA4AEIAWgoKA2FwcBIDd2ViEowBCAMSDAoKCgNhcHASA3dlYhpyChwKABIAGgAiACoAMgA4AEIAWgoKA2FwcBIDd2ViElISNAoFbmdpbngSCm5naW54OjEuMjcqADILCgAQABiQPyIAKgBCAGoAcgCAAQCIAQCQAQCiAQAaADIAQgBKAFIAWABgAGgAggEAigEAmgEAwgEAIgIKACgAOAAaDAgAEAAYACAAKAA4ABoAIgA=',
  namespace: 'azhzAAoPCgJ2MRIJTmFtZXNwYWNlEhwKFAoEdGVhbRIAGgAiACoAMgA4AEIAEgAaAgoAGgAiAA==',
  configMap: 'azhzAAoPCgJ2MRIJQ29uZmlnTWFwEh0KEwoDY2ZnEgAaACIAKgAyADgAQgASBgoBYRIBYhoAIgA=',
  service:
    'azhzAAoNCgJ2MRIHU2VydmljZRJrCiEKBHN2YzESABoAIgAqADIAOABCAFoLCgNhcHASBHN2YzESQgobCgc4MC04MDgwEgNUQ1AYUCIHCAAQkD8aACgAEgsKA2FwcBIEc3ZjMRoAIghOb2RlUG9ydDoAQgBSAFoAYABoABoCCgAaACIA',
  secret: 'azhzAAoMCgJ2MRIGU2VjcmV0Eh4KEgoCczESABoAIgAqADIAOABCABIGCgFrEgF2GgAaACIA',
};
const decode = (base64: string) => decodeProtobufObject(Buffer.from(base64, 'base64'));

function failure(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected decoding to fail');
}

/** Protobuf by hand, for the messages below: a varint field, a length-delimited one, a message. */
const varint = (value: number): number[] => {
  const out: number[] = [];
  do {
    out.push((value & 0x7f) | (value > 0x7f ? 0x80 : 0));
    value >>>= 7;
  } while (value > 0);
  return out;
};
const varintField = (field: number, value: number) => [...varint(field << 3), ...varint(value)];
const bytesField = (field: number, value: string | number[]) => {
  const payload = typeof value === 'string' ? [...Buffer.from(value)] : value;
  return [...varint((field << 3) | 2), ...varint(payload.length), ...payload];
};
const message = (fields: number[][]) => fields.flat();
/** "k8s\0" and a runtime.Unknown around a message of this apiVersion and kind. */
const envelope = (apiVersion: string, kind: string, raw: number[]) =>
  Buffer.from([
    0x6b,
    0x38,
    0x73,
    0x00,
    ...bytesField(1, message([bytesField(1, apiVersion), bytesField(2, kind)])),
    ...bytesField(2, raw),
  ]);

describe('Protobuf request bodies', () => {
  test("kubectl create deployment: the Deployment as JSON, without Go's empty fields", () => {
    expect(decode(recorded.deployment), 'the decoded deployment').toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 8080 }] }],
          },
        },
      },
    });
  });

  test('namespaces, config maps, services (an int-or-string port) and secrets (bytes as base64)', () => {
    expect(decode(recorded.namespace), 'namespace').toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team' },
    });
    expect(decode(recorded.configMap), 'config map').toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg' },
      data: { a: 'b' },
    });
    expect(decode(recorded.service), 'service').toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'svc1', labels: { app: 'svc1' } },
      spec: {
        ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }],
        selector: { app: 'svc1' },
        type: 'NodePort',
      },
    });
    expect(decode(recorded.secret), 'secret').toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's1' },
      data: { k: 'dg==' },
    });
  });

  test("kubectl drain's Eviction and DeleteOptions: grace period (0 kept), preconditions, dryRun", () => {
    const deleteOptions = message([
      varintField(1, 0),
      bytesField(2, message([bytesField(1, 'uid-1'), bytesField(2, '42')])),
      bytesField(5, 'All'),
    ]);
    const eviction = envelope(
      'policy/v1',
      'Eviction',
      message([
        bytesField(1, message([bytesField(1, 'web'), bytesField(3, 'default')])),
        bytesField(2, deleteOptions),
      ]),
    );
    expect(decodeProtobufObject(eviction), 'the decoded Eviction').toEqual({
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'web', namespace: 'default' },
      deleteOptions: {
        gracePeriodSeconds: 0,
        preconditions: { uid: 'uid-1', resourceVersion: '42' },
        dryRun: ['All'],
      },
    });
    const alone = envelope('meta.k8s.io/v1', 'DeleteOptions', deleteOptions);
    expect(decodeProtobufObject(alone).gracePeriodSeconds, 'a DELETE body alone').toBe(0);
  });

  test('a body without the k8s prefix, or cut short, is a 400', () => {
    expect(
      failure(() => decodeProtobufObject(Buffer.from('{"kind":"Pod"}'))).code,
      'a JSON body',
    ).toBe(400);
    const whole = Buffer.from(recorded.deployment, 'base64');
    expect(
      failure(() => decodeProtobufObject(whole.subarray(0, whole.length - 20))).code,
      'the deployment cut short',
    ).toBe(400);
  });

  test('a kind it has no field numbers for is a 415: send JSON instead', () => {
    const job = Buffer.from(recorded.namespace, 'base64');
    // Rename the kind "Namespace" to "Namespacf": same length, unknown kind.
    const renamed = Buffer.from(job.toString('latin1').replace('Namespace', 'Namespacf'), 'latin1');
    expect(failure(() => protobufDecoder.decode(renamed)).code, 'a body of kind Namespacf').toBe(
      415,
    );
  });
});
