// Host and path rules: which Ingresses are this controller's, how a rule's host and path match a
// request, and which of several matching routes wins. Pure functions, no server.
import { describe, expect, test } from 'vitest';
import type { Ingress, IngressClass } from '../../harness/api/types.ts';
import {
  chooseRoute,
  compareRoutes,
  hostMatches,
  pathMatches,
  requestHost,
  routesOf,
  servesIngress,
  type Route,
} from './routes.ts';

const controller = 'kubekata.dev/ingress';

function ingressClass(name: string, owner: string, isDefault = false): IngressClass {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name,
      annotations: isDefault ? { 'ingressclass.kubernetes.io/is-default-class': 'true' } : {},
    },
    spec: { controller: owner },
  };
}

function ingress(name: string, spec: Ingress['spec'], annotations = {}): Ingress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'shop', annotations, creationTimestamp: '2026-01-01T12:00:00Z' },
    spec,
  };
}

/** A route to Service `service` port 80, for host and path. */
function route(
  service: string,
  host: string,
  path: string,
  pathType: Route['pathType'] = 'Prefix',
): Route {
  return {
    namespace: 'shop',
    ingress: service,
    host,
    path,
    pathType,
    backend: { name: service, port: { number: 80 } },
    created: '2026-01-01T12:00:00Z',
  };
}

describe('Host and path rules', () => {
  test("an Ingress is served when its class is one of this controller's, or it names none and the controller's class is default", () => {
    const ours = ingressClass('kata', controller);
    const theirs = ingressClass('nginx', 'k8s.io/ingress-nginx');
    const named = ingress('web', { ingressClassName: 'kata' });
    expect(servesIngress(named, [ours, theirs], controller), 'class kata is ours').toBe(true);
    expect(
      servesIngress(ingress('web', { ingressClassName: 'nginx' }), [ours, theirs], controller),
      'class nginx belongs to another controller',
    ).toBe(false);
    const classless = ingress('web', {});
    expect(servesIngress(classless, [ours], controller), 'no class, ours not default').toBe(false);
    const defaultOurs = ingressClass('kata', controller, true);
    expect(servesIngress(classless, [defaultOurs], controller), 'no class, ours default').toBe(
      true,
    );
    const annotated = ingress('old', {}, { 'kubernetes.io/ingress.class': 'kata' });
    expect(servesIngress(annotated, [ours], controller), 'the older annotation names kata').toBe(
      true,
    );
  });

  test('a request names its host without the port, in lower case', () => {
    expect(requestHost('Shop.Example.com:8080'), 'Host: Shop.Example.com:8080').toBe(
      'shop.example.com',
    );
    expect(requestHost('[::1]:80'), 'Host: [::1]:80').toBe('[::1]');
    expect(requestHost(undefined), 'no Host header').toBe('');
  });

  test('a host matches itself; a wildcard matches exactly one more label; no host matches all', () => {
    expect(hostMatches('foo.example.com', 'foo.example.com'), 'the same host').toBe(true);
    expect(hostMatches('foo.example.com', 'bar.example.com'), 'another host').toBe(false);
    expect(hostMatches('*.example.com', 'bar.example.com'), 'one label more').toBe(true);
    expect(hostMatches('*.example.com', 'example.com'), 'no label more').toBe(false);
    expect(hostMatches('*.example.com', 'a.b.example.com'), 'two labels more').toBe(false);
    expect(hostMatches('', 'anything.test'), 'a rule without host').toBe(true);
  });

  test('Exact compares whole paths; Prefix compares path elements, ignoring a trailing slash', () => {
    const cases: Array<[Route['pathType'], string, string, boolean]> = [
      ['Exact', '/foo', '/foo', true],
      ['Exact', '/foo', '/foo/', false],
      ['Exact', '/foo', '/bar', false],
      ['Prefix', '/', '/anything/at/all', true],
      ['Prefix', '/foo', '/foo/', true],
      ['Prefix', '/foo/', '/foo', true],
      ['Prefix', '/aaa/bbb', '/aaa/bbb/ccc', true],
      ['Prefix', '/aaa/bbb', '/aaa/bbbxyz', false],
      ['Prefix', '/aaa/bbb', '/aaa', false],
    ];
    for (const [pathType, rulePath, path, expected] of cases) {
      expect(pathMatches(pathType, rulePath, path), `${pathType} ${rulePath} against ${path}`).toBe(
        expected,
      );
    }
  });

  test('ImplementationSpecific is, in this controller, a plain string prefix', () => {
    expect(
      pathMatches('ImplementationSpecific', '/foo', '/foobar'),
      'ImplementationSpecific /foo against /foobar',
    ).toBe(true);
    expect(
      pathMatches('ImplementationSpecific', '/foo', '/fo'),
      'ImplementationSpecific /foo against /fo',
    ).toBe(false);
  });

  test("an Ingress's routes: one per path of each rule, with the rule's host; a missing path is /", () => {
    const routes = routesOf(
      ingress('web', {
        rules: [
          {
            host: 'shop.example.com',
            http: {
              paths: [
                { path: '/api', pathType: 'Prefix', backend: { service: { name: 'api' } } },
                { pathType: 'Prefix', backend: { service: { name: 'web' } } },
              ],
            },
          },
          {
            http: {
              paths: [{ path: '/', pathType: 'Exact', backend: { service: { name: 'x' } } }],
            },
          },
        ],
      }),
    );
    expect(
      routes.map((r) => [r.host, r.path, r.pathType, r.backend.name, r.namespace, r.ingress]),
      'routes of an Ingress with a host of two paths and a rule without host',
    ).toEqual([
      ['shop.example.com', '/api', 'Prefix', 'api', 'shop', 'web'],
      ['shop.example.com', '/', 'Prefix', 'web', 'shop', 'web'],
      ['', '/', 'Exact', 'x', 'shop', 'web'],
    ]);
  });

  test('precedence: the named host, then the wildcard, then any host; the longest path; Exact before Prefix', () => {
    const routes = [
      route('any', '', '/'),
      route('wild', '*.example.com', '/'),
      route('short', 'shop.example.com', '/'),
      route('long', 'shop.example.com', '/api/v1'),
      route('prefix', 'shop.example.com', '/api'),
      route('exact', 'shop.example.com', '/api', 'Exact'),
    ];
    const sorted = [...routes].sort(compareRoutes).map((r) => r.backend.name);
    expect(sorted, 'routes sorted by compareRoutes').toEqual([
      'long',
      'exact',
      'prefix',
      'short',
      'wild',
      'any',
    ]);
  });

  test('a request takes the best route of the most specific host that matches, or none', () => {
    const routes = [
      route('any', '', '/'),
      route('wild', '*.example.com', '/'),
      route('web', 'shop.example.com', '/'),
      route('api', 'shop.example.com', '/api'),
      route('exact', 'shop.example.com', '/api', 'Exact'),
      route('only', 'only.example.com', '/only'),
    ];
    const pick = (host: string, path: string) => chooseRoute(routes, host, path)?.backend.name;
    expect(pick('shop.example.com', '/api'), 'GET shop.example.com/api').toBe('exact');
    expect(pick('shop.example.com', '/api/items?page=2'), 'GET shop.example.com/api/items').toBe(
      'api',
    );
    expect(pick('shop.example.com', '/cart'), 'GET shop.example.com/cart').toBe('web');
    expect(pick('blog.example.com', '/'), 'GET blog.example.com/').toBe('wild');
    expect(pick('other.test', '/x'), 'GET other.test/x').toBe('any');
    expect(
      pick('only.example.com', '/elsewhere'),
      "only.example.com's rules hide the others: /elsewhere matches none of them",
    ).toBeUndefined();
  });
});
