// The stages every request passes before a handler touches the store, in kube-apiserver's order
// (k8s.io/apiserver pkg/server/filters and pkg/endpoints/filters):
//
//   request info (paths.ts) → authenticate → authorize → handler → admit → strategy → store
//
// Request info says what the request asks: the resource, namespace, name and subresource, and
// the verb (verbOf). Authentication says who asks, authorization whether they may, and admission,
// which a write handler calls once it has the object, whether the write may happen as asked
// (and may refuse it with the reason). Today nobody logs in: everyone is the anonymous user and
// may do everything. These are the places chapter 11 (security) fills: client certificates and
// tokens in authenticate, RBAC in authorize, ServiceAccount and ResourceQuota admission plugins
// beside NamespaceLifecycle.
import type http from 'node:http';
import type { KubeObject } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { ServerContext } from './context.ts';
import type { RequestInfo } from './paths.ts';

/** What a request does, in kube's words (RequestInfo.Verb); RBAC rules name these. */
export type Verb =
  'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/**
 * The verb of a request: its method, and whether it names one object (info.name). GET of one
 * object is get; GET of a collection is watch when isWatchRequest(query) (watch.ts), else list;
 * POST is create; PUT update; PATCH patch; DELETE of one object delete, of a collection
 * deletecollection. Undefined for any other method. (The router answers 405 when the verb has
 * no handler on that path: POST on one object, PUT on a collection.)
 */
export function verbOf(
  method: string,
  info: RequestInfo,
  query: URLSearchParams,
): Verb | undefined {
  throw new NotImplemented('verbOf', '§ Create, get and list');
}

/** Who sends a request (kube's user.Info). */
export interface UserInfo {
  username: string;
  groups: string[];
}

/** The user of a request that proves no identity. */
export const anonymous: UserInfo = {
  username: 'system:anonymous',
  groups: ['system:unauthenticated'],
};

/**
 * Authentication: who sends this request. Nothing here checks an identity yet, so everyone is
 * the anonymous user; chapter 11 reads client certificates and bearer tokens here, and refuses
 * a bad one with 401.
 */
export function authenticate(_request: http.IncomingMessage): UserInfo {
  return anonymous;
}

/**
 * Authorization: whether `user` may do `verb` on what `info` names. Every request is allowed
 * (kube-apiserver's AlwaysAllow); chapter 11 asks RBAC here, and refuses with 403 Forbidden.
 */
export function authorize(_user: UserInfo, _verb: Verb | undefined, _info: RequestInfo): void {}

/** One write as admission sees it (kube's admission.Attributes). */
export interface AdmissionAttributes {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  info: RequestInfo;
  /** The object about to be stored, for CREATE and UPDATE. */
  object?: KubeObject;
}

/** An admission plugin: lets a write pass, or refuses it by throwing an ApiError. */
export interface AdmissionPlugin {
  readonly name: string;
  admit(context: ServerContext, attributes: AdmissionAttributes): Promise<void>;
}

/**
 * Runs every admission plugin of the server (context.admission) on one write, in order, each
 * awaited; the first refusal (a thrown ApiError) wins.
 */
export async function admit(
  context: ServerContext,
  attributes: AdmissionAttributes,
): Promise<void> {
  throw new NotImplemented('admit', '§ Create, get and list');
}

/**
 * An object is created only in a namespace that exists: read info.namespace from the store (the
 * namespaces resource is coreResource "namespaces"); a 404 there is notFound for the namespace,
 * any other error stays as it is.
 */
export async function checkNamespaceExists(
  context: ServerContext,
  info: RequestInfo,
): Promise<void> {
  throw new NotImplemented('checkNamespaceExists', '§ Create, get and list');
}

/**
 * The namespaces default, kube-system and kube-public cannot be deleted: for a DELETE of one of
 * them (info.resource is the namespaces resource), 403 Forbidden, `namespaces "<name>" is
 * forbidden: this namespace may not be deleted`, details { name, kind: "namespaces" }.
 */
export function checkNamespaceDeletable(context: ServerContext, info: RequestInfo): void {
  throw new NotImplemented('checkNamespaceDeletable', '§ Update and delete');
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
