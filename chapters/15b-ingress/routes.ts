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
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Host and path rules';

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
  throw new NotImplemented('servesIngress', section);
}

/** The host a request names: its Host header without the port, in lower case. */
export function requestHost(hostHeader: string | undefined): string {
  throw new NotImplemented('requestHost', section);
}

/**
 * Whether a rule's host takes a request's: "" takes any; "*.example.com" takes a host with exactly
 * one more label in front ("foo.example.com", not "example.com" nor "a.b.example.com"); any other
 * host only itself.
 */
export function hostMatches(ruleHost: string, host: string): boolean {
  throw new NotImplemented('hostMatches', section);
}

/**
 * Whether a rule's path takes a request's path. Exact: the same string. Prefix: the rule's path
 * elements begin the request's ("/foo" takes "/foo", "/foo/" and "/foo/bar", never "/foobar"; a
 * trailing slash changes nothing). ImplementationSpecific is the controller's to define: here, as
 * in nginx's `location`, a plain string prefix ("/foo" takes "/foobar").
 */
export function pathMatches(pathType: IngressPathType, rulePath: string, path: string): boolean {
  throw new NotImplemented('pathMatches', section);
}

/** Every path of every rule of an Ingress, as routes; a path left out is "/". */
export function routesOf(ingress: Ingress): Route[] {
  throw new NotImplemented('routesOf', section);
}

/**
 * The order in which routes are tried: the more specific host first, then the longer path, then
 * Exact before Prefix before ImplementationSpecific, then the older Ingress, then by
 * namespace/name, so that every controller replica picks the same route.
 */
export function compareRoutes(a: Route, b: Route): number {
  throw new NotImplemented('compareRoutes', section);
}

/**
 * The route a request for `host` and `path` (its query left out) takes: the first that matches in
 * the order of compareRoutes, or undefined. A host's own rules, once one of its rules matches the
 * host, hide the rules of less specific hosts.
 */
export function chooseRoute(routes: Route[], host: string, path: string): Route | undefined {
  throw new NotImplemented('chooseRoute', section);
}
