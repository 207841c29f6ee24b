// Ingress validation and the DefaultIngressClass plugin, as pure functions: kube's field errors,
// in its words, for the manifests kube refuses.
import { describe, expect, test } from 'vitest';
import type { KubeObject } from './types.ts';
import { defaultIngressClass, validateIngress } from './ingress-validation.ts';

/** An Ingress named web with this spec (and these annotations). */
function ingress(
  spec: Record<string, unknown>,
  annotations?: Record<string, string>,
): KubeObject & { spec: { ingressClassName?: string } } {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'default', ...(annotations ? { annotations } : {}) },
    spec,
  };
}

const backend = { service: { name: 'web', port: { number: 80 } } };
const path = (extra: Record<string, unknown>) => ({
  rules: [{ http: { paths: [{ backend, ...extra }] } }],
});

describe('Ingress validation', () => {
  test('a good Ingress passes; one with neither rules nor a default backend does not', () => {
    const good = {
      rules: [
        { host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } },
      ],
    };
    expect(validateIngress(ingress(good)), 'a host, a Prefix path, a Service backend').toEqual([]);
    expect(validateIngress(ingress({})), 'an empty spec').toEqual([
      {
        type: 'FieldValueInvalid',
        field: 'spec',
        value: null,
        detail: 'either `defaultBackend` or `rules` must be specified',
      },
    ]);
  });

  test("paths: pathType required, Exact and Prefix absolute and clean, in kube's words", () => {
    expect(validateIngress(ingress(path({ path: '/' }))), 'no pathType').toEqual([
      {
        type: 'FieldValueRequired',
        field: 'spec.rules[0].http.paths[0].pathType',
        detail: 'pathType must be specified',
      },
    ]);
    const fields = validateIngress(ingress(path({ path: 'app//x', pathType: 'Exact' }))).map(
      (e) => e.detail,
    );
    expect(fields, 'a relative Exact path with "//"').toEqual([
      'must be an absolute path',
      "must not contain '//'",
    ]);
    expect(
      validateIngress(ingress(path({ path: '/', pathType: 'Regex' })))[0]?.detail,
      'an unknown pathType',
    ).toBe('supported values: "Exact", "ImplementationSpecific", "Prefix"');
  });

  test('hosts are DNS names (a wildcard only in front), backends one Service with one port', () => {
    const spec = {
      rules: [{ host: '10.0.0.1' }, { host: 'a.*.com' }],
      defaultBackend: { service: { name: 'web', port: { name: 'http', number: 80 } } },
    };
    const errors = validateIngress(ingress(spec));
    expect(
      errors.map((e) => `${e.field}: ${e.detail?.slice(0, 40)}`),
      'the errors',
    ).toEqual([
      'spec.defaultBackend: cannot set both port name & port number',
      'spec.rules[0].host: must be a DNS name, not an IP address',
      'spec.rules[1].host: a wildcard DNS-1123 subdomain must start',
    ]);
    const both = ingress(
      { ingressClassName: 'kata', defaultBackend: backend },
      { 'kubernetes.io/ingress.class': 'kata' },
    );
    expect(validateIngress(both)[0]?.field, 'the class in both places').toBe(
      'annotations.kubernetes.io/ingress.class',
    );
  });

  test('DefaultIngressClass: the one default class fills a missing class; two defaults refuse', () => {
    const kata = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: {
        name: 'kata',
        annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' },
      },
    };
    const other = { ...kata, metadata: { name: 'other' } };
    const plain = ingress({ defaultBackend: backend });
    defaultIngressClass(plain, [other, kata]);
    expect(plain.spec.ingressClassName, 'the class given').toBe('kata');
    const named = ingress({ defaultBackend: backend, ingressClassName: 'other' });
    defaultIngressClass(named, [kata]);
    expect(named.spec.ingressClassName, 'a class named already').toBe('other');
    const twice = { ...kata, metadata: { ...kata.metadata, name: 'twice' } };
    expect(
      () => defaultIngressClass(ingress({ defaultBackend: backend }), [kata, twice]),
      'two defaults',
    ).toThrow(
      'ingressclasses.networking.k8s.io is forbidden: 2 default IngressClasses were found, only 1 allowed',
    );
  });
});
