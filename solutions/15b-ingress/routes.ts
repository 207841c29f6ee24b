// Host and path rules: which backend an Ingress controller sends a request to. Every Ingress of the
// controller's class adds routes (a host, a path, how the path matches, a Service and port); for
// each request the controller picks the one route that matches best, in the order the Ingress
// specification gives: an exact host before a wildcard before any host, then the longest path,
// then Exact before Prefix. Requests no route takes go to a default backend, if one is set.
import type {
  Ingress,
  IngressClass,
  IngressPathType,
  IngressServiceBackend,
} from '../../harness/api/types.ts';

/** One path of one rule of one Ingress, flattened: what a request is matched against. */
export interface Route {
  namespace: string;
  /** The Ingress's name. */
  ingress: string;
  /** The rule's host ("foo.example.com", "*.example.com"), or "" for any host. */
  host: string;
  path: string;
  pathType: IngressPathType;
  backend: IngressServiceBackend;
  /** The Ingress's creationTimestamp: of two equal routes, the older Ingress's wins. */
  created: string;
}

/** The annotation that makes an IngressClass the class of Ingresses that name none. */
export const defaultClassAnnotation = 'ingressclass.kubernetes.io/is-default-class';
/** The annotation older Ingresses name their class with, before spec.ingressClassName. */
export const classAnnotation = 'kubernetes.io/ingress.class';

/**
 * Whether an Ingress is this controller's: its class (spec.ingressClassName, or the older
 * annotation) is one of `classes` whose spec.controller is `controller`; an Ingress naming no class
 * is served when one of those classes is marked default.
 */
export function servesIngress(
  ingress: Ingress,
  classes: IngressClass[],
  controller: string,
): boolean {
  const ours = classes.filter((ingressClass) => ingressClass.spec?.controller === controller);
  const named = ingress.spec?.ingressClassName ?? ingress.metadata.annotations?.[classAnnotation];
  if (named) return ours.some((ingressClass) => ingressClass.metadata.name === named);
  return ours.some((c) => c.metadata.annotations?.[defaultClassAnnotation] === 'true');
}

/** The host a request names: its Host header without the port, in lower case. */
export function requestHost(hostHeader: string | undefined): string {
  const host = (hostHeader ?? '').toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.replace(/:\d+$/, '');
}

/**
 * Whether a rule's host takes a request's: "" takes any; "*.example.com" takes a host with exactly
 * one more label in front ("foo.example.com", not "example.com" nor "a.b.example.com"); any other
 * host only itself.
 */
export function hostMatches(ruleHost: string, host: string): boolean {
  if (ruleHost === '') return true;
  if (!ruleHost.startsWith('*.')) return ruleHost === host;
  const suffix = ruleHost.slice(1);
  if (!host.endsWith(suffix)) return false;
  const label = host.slice(0, -suffix.length);
  return label !== '' && !label.includes('.');
}

/** A path's elements: "/foo//bar/" is ["foo", "bar"]. */
const elements = (path: string) => path.split('/').filter((element) => element !== '');

/**
 * Whether a rule's path takes a request's path. Exact: the same string. Prefix: the rule's path
 * elements begin the request's ("/foo" takes "/foo", "/foo/" and "/foo/bar", never "/foobar"; a
 * trailing slash changes nothing). ImplementationSpecific is the controller's to define: here, as
 * in nginx's `location`, a plain string prefix ("/foo" takes "/foobar").
 */
export function pathMatches(pathType: IngressPathType, rulePath: string, path: string): boolean {
  if (pathType === 'Exact') return rulePath === path;
  if (pathType === 'ImplementationSpecific') return path.startsWith(rulePath);
  const rule = elements(rulePath);
  const request = elements(path);
  return rule.length <= request.length && rule.every((element, i) => element === request[i]);
}

/** Every path of every rule of an Ingress, as routes; a path left out is "/". */
export function routesOf(ingress: Ingress): Route[] {
  return (ingress.spec?.rules ?? []).flatMap((rule) =>
    (rule.http?.paths ?? []).flatMap((path) =>
      path.backend.service
        ? [
            {
              namespace: ingress.metadata.namespace ?? 'default',
              ingress: ingress.metadata.name ?? '',
              host: rule.host ?? '',
              path: path.path ?? '/',
              pathType: path.pathType,
              backend: path.backend.service,
              created: ingress.metadata.creationTimestamp ?? '',
            },
          ]
        : [],
    ),
  );
}

/** How specific a route's host is: 2 for a name, 1 for a wildcard, 0 for any host. */
const hostRank = (host: string) => (host === '' ? 0 : host.startsWith('*.') ? 1 : 2);
const typeRank: Record<IngressPathType, number> = {
  Exact: 0,
  Prefix: 1,
  ImplementationSpecific: 2,
};

/**
 * The order in which routes are tried: the more specific host first, then the longer path, then
 * Exact before Prefix before ImplementationSpecific, then the older Ingress, then by
 * namespace/name, so that every controller replica picks the same route.
 */
export function compareRoutes(a: Route, b: Route): number {
  return (
    hostRank(b.host) - hostRank(a.host) ||
    b.path.length - a.path.length ||
    typeRank[a.pathType] - typeRank[b.pathType] ||
    a.created.localeCompare(b.created) ||
    `${a.namespace}/${a.ingress}`.localeCompare(`${b.namespace}/${b.ingress}`)
  );
}

/**
 * The route a request for `host` and `path` (its query left out) takes: the first that matches in
 * the order of compareRoutes, or undefined. A host's own rules, once one of its rules matches the
 * host, hide the rules of less specific hosts.
 */
export function chooseRoute(routes: Route[], host: string, path: string): Route | undefined {
  const sorted = [...routes].sort(compareRoutes);
  const hostRule = sorted.find((route) => hostMatches(route.host, host));
  if (!hostRule) return undefined;
  return sorted.find(
    (route) =>
      route.host === hostRule.host && pathMatches(route.pathType, route.path, path.split('?')[0]!),
  );
}
