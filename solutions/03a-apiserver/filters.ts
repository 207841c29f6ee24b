// The stages every request passes before a handler touches the store, in kube-apiserver's order
// (k8s.io/apiserver pkg/server/filters and pkg/endpoints/filters):
//
//   request info (paths.ts) → authenticate → authorize → handler → admit → strategy → store
//
// Request info says what the request asks: the resource, namespace, name and subresource, and
// the verb (verbOf). Authentication says who asks, authorization whether they may, and admission,
// which a write handler calls once it has the object, whether the write may happen as asked
// (and may refuse it with the reason). Until chapter 11 nobody logs in: everyone is the anonymous
// user and may do everything. Chapter 11 fills these places through options.security: client
// certificates and tokens in authenticate, RBAC in authorize, the ServiceAccount, LimitRanger and
// ResourceQuota admission plugins after NamespaceLifecycle (harness/api/security.ts calls them).
import type http from 'node:http';
import type { Request, Response } from 'express';
import { ApiError } from '../../harness/api/errors.ts';
import {
  admissionStore,
  anonymous,
  authenticateRequest,
  authorizeRequest,
  reviewOf,
} from '../../harness/api/security.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import type { UserInfo } from '../../harness/contracts/security.ts';
import { answer, coreResource, type ServerContext } from './context.ts';
import type { RequestInfo } from './paths.ts';
import { bodyOf, objectOf } from './requests.ts';
import { notFound } from './status.ts';
import { isWatchRequest } from './watch.ts';

/** What a request does, in kube's words (RequestInfo.Verb); RBAC rules name these. */
export type Verb =
  'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** The verbs of the methods that write, whatever the path names. */
const writeVerbs: Record<string, Verb> = { POST: 'create', PUT: 'update', PATCH: 'patch' };

/**
 * The verb of a request: its method, and whether it names one object. GET of a collection is
 * list, or watch with ?watch; POST is create; DELETE of a collection is deletecollection.
 * Undefined for a method kube has no verb for (HEAD, OPTIONS...).
 */
export function verbOf(
  method: string,
  info: RequestInfo,
  query: URLSearchParams,
): Verb | undefined {
  const named = info.name !== undefined;
  if (method === 'GET') return named ? 'get' : isWatchRequest(query) ? 'watch' : 'list';
  if (method === 'DELETE') return named ? 'delete' : 'deletecollection';
  return writeVerbs[method];
}

/** Who sends a request (kube's user.Info), and the user of a request that proves none. */
export type { UserInfo };
export { anonymous };

/**
 * Authentication: who sends this request. Without chapter 11 (options.security) everyone is the
 * anonymous user; with it, client certificates and bearer tokens say who, a bad one is refused
 * with 401, and Impersonate-* headers are honoured for those allowed to (harness/api/security.ts).
 */
export function authenticate(context: ServerContext, request: http.IncomingMessage): UserInfo {
  return authenticateRequest(context.options.security, request);
}

/**
 * Authorization: whether `user` may do `verb` on what `info` names. Without chapter 11 every
 * request is allowed (kube-apiserver's AlwaysAllow); with it, its authorizer (RBAC) decides, and
 * a refusal is 403 Forbidden in kube-apiserver's words. Once allowed, the user is recorded on
 * the request info, where admission reads it.
 */
export function authorize(
  context: ServerContext,
  user: UserInfo,
  verb: Verb | undefined,
  info: RequestInfo,
): void {
  authorizeRequest(context.options.security, user, verb, info);
  info.user = user;
}

/**
 * A create of a review chapter 11 answers itself (a SelfSubjectAccessReview, `kubectl auth
 * can-i`): answered 201 with the review's status, never stored. Returns whether it answered.
 */
export function serveReview(
  context: ServerContext,
  request: Request,
  response: Response,
  info: RequestInfo,
  verb: Verb | undefined,
): boolean {
  const review =
    verb === 'create'
      ? reviewOf(context.options.security, info.resource, info.subresource)
      : undefined;
  if (!review) return false;
  // A subresource's body is of its own kind (a TokenRequest posted to a ServiceAccount).
  const object =
    info.subresource === undefined
      ? objectOf(context, request, info, 'CreateOptions')
      : (bodyOf(context, request) as KubeObject);
  answer(response, 201, review.review(object, info.user ?? anonymous, info));
  return true;
}

/** One write as admission sees it (kube's admission.Attributes). */
export interface AdmissionAttributes {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  info: RequestInfo;
  /** The object about to be stored, for CREATE and UPDATE. */
  object?: KubeObject;
}

/**
 * Chapter 11's admission plugins (options.security.admission), after the server's own: each sees
 * the write, who asks (info.user) and the stored objects, and may change the object or refuse.
 */
export async function admitExternal(
  context: ServerContext,
  { operation, info, object }: AdmissionAttributes,
): Promise<void> {
  const plugins = context.options.security?.admission ?? [];
  if (plugins.length === 0) return;
  const store = admissionStore(context.storage, context.resources);
  const request = { ...info, operation, object, user: info.user ?? anonymous };
  for (const plugin of plugins) await plugin.admit(request, store);
}

/** An admission plugin: lets a write pass, or refuses it by throwing an ApiError. */
export interface AdmissionPlugin {
  readonly name: string;
  admit(context: ServerContext, attributes: AdmissionAttributes): Promise<void>;
}

/** Runs every admission plugin of the server on one write, in order; the first refusal wins. */
export async function admit(
  context: ServerContext,
  attributes: AdmissionAttributes,
): Promise<void> {
  for (const plugin of context.admission) await plugin.admit(context, attributes);
  await admitExternal(context, attributes);
}

/** The namespaces a cluster cannot do without. */
const IMMORTAL_NAMESPACES = ['default', 'kube-system', 'kube-public'];

/** An object is created only in a namespace that exists: 404 for the namespace otherwise. */
export async function checkNamespaceExists(
  context: ServerContext,
  info: RequestInfo,
): Promise<void> {
  const namespaces = coreResource(context, 'namespaces');
  await context.storage.get(namespaces, undefined, info.namespace!).catch((error: unknown) => {
    throw error instanceof ApiError && error.code === 404
      ? notFound(namespaces, info.namespace!)
      : error;
  });
}

/** The namespaces a cluster cannot do without are never deleted: 403 Forbidden. */
export function checkNamespaceDeletable(context: ServerContext, info: RequestInfo): void {
  if (
    info.resource === coreResource(context, 'namespaces') &&
    IMMORTAL_NAMESPACES.includes(info.name!)
  ) {
    throw new ApiError(
      403,
      'Forbidden',
      `namespaces "${info.name}" is forbidden: this namespace may not be deleted`,
      { name: info.name, kind: 'namespaces' },
    );
  }
}

/**
 * NamespaceLifecycle, as kube-apiserver's admission plugin of that name: objects are created in
 * namespaces that exist, and the namespaces a cluster cannot do without stay.
 */
export const namespaceLifecycle: AdmissionPlugin = {
  name: 'NamespaceLifecycle',
  async admit(context, { operation, info }) {
    if (operation === 'CREATE' && info.resource.namespaced) {
      await checkNamespaceExists(context, info);
    }
    if (operation === 'DELETE') checkNamespaceDeletable(context, info);
  },
};
