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
