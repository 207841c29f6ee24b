// Subresources: paths under one object (`pods/web/status`, `deployments/web/scale`,
// `pods/web/eviction`, `pods/web/log`), each served by a handler of its own. Two kinds:
//
// - the server's own (context.subresourceHandlers, by subresourcePath): a handler that answers
//   the request itself, as pods/log (logs.ts) passes it on to a kubelet;
// - chapter 03b's collaborators (harness/api/machinery.ts's Subresource): views of the parent
//   object and how writes to them land (status, scale, binding), or actions on the cluster
//   (eviction). Here each method has its handler: GET shows, PUT and PATCH write a view back,
//   POST creates or acts.
//
// A write through a subresource is an update of the parent: the strategy makes it ready (with
// the subresource's name, so status and spec stay apart) and validates it, and the storage
// compares the resourceVersion the body names, if any.
import type { Request, Response } from 'express';
import type { Subresource, SubresourceActions } from '../../harness/api/machinery.ts';
import type { ResourceType } from '../../harness/api/resources.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { ServerContext } from './context.ts';
import type { VerbHandler } from './handlers.ts';
import type { RequestInfo } from './paths.ts';
import { resourcePath } from './strategy.ts';

/** A subresource the server serves itself: it answers the request, as a verb's handler does. */
export type SubresourceHandler = VerbHandler;

/** The name a subresource handler is registered under: `pods/log`, `apps/deployments/scale`. */
export function subresourcePath(resource: ResourceType, subresource: string): string {
  return `${resourcePath(resource)}/${subresource}`;
}

/**
 * A request for a subresource: the server's own handler for it (context.subresourceHandlers, by
 * subresourcePath) if there is one; else the collaborator of options.subresources with that
 * name, when the resource's `subresources` list it, to serveSubresource; else noSuchPath (404).
 */
export const routeSubresource: VerbHandler = async (context, request, response, info, query) => {
  throw new NotImplemented('routeSubresource', '§ Create, get and list');
};

/** One request to a collaborator subresource: what each method's handler needs. */
export interface SubresourceCall {
  context: ServerContext;
  request: Request;
  response: Response;
  info: RequestInfo;
  subresource: Subresource;
}

/**
 * A subresource of an object (`deployments/web/scale`), with `subresource` its collaborator: the
 * handler below for request.method (GET, PUT, PATCH, POST), from a table of your own; any other
 * method is methodNotAllowed (405).
 *
 * Every write through a subresource stores the parent with storage.update: in tryUpdate, the
 * resource's strategy prepareForUpdate(current, next, the subresource's name) → validate (422
 * invalid). The resourceVersion of the body (or of the patched view) is the precondition: set it
 * on the parent to store, or remove it when there is none. Each write reads its ?dryRun first
 * (§ Dry run): writeOptionsOf(query, "UpdateOptions" for PUT, "PatchOptions" for PATCH,
 * "CreateOptions" for POST), given to storage.update. Helpers of your own serve the four: that
 * write, the precondition, what the subresource shows of a parent (get, or the parent itself).
 */
export async function serveSubresource(call: SubresourceCall): Promise<void> {
  throw new NotImplemented('serveSubresource', '§ Collaborators');
}

/** GET: subresource.get(parent) (405 without get), answered 200. */
export async function getSubresource(call: SubresourceCall): Promise<void> {
  throw new NotImplemented('getSubresource', '§ Collaborators');
}

/**
 * PUT: the body (objectFromBody of bodyOf, no expected kind) goes to subresource.update(parent,
 * body) (405 without update); the parent it answers is stored, and the answer (200) is what get
 * shows of the stored parent (the parent itself without get).
 */
export async function putSubresource(call: SubresourceCall): Promise<void> {
  throw new NotImplemented('putSubresource', '§ Collaborators');
}

/**
 * PATCH (405 without get or update): patch what get shows of the stored parent (patchOf, then
 * the patcher; keepIdentity), then update(parent, patched); stored and answered as PUT does.
 */
export async function patchSubresource(call: SubresourceCall): Promise<void> {
  throw new NotImplemented('patchSubresource', '§ Collaborators');
}

/**
 * POST (405 without act or create): with subresource.act (pods/eviction), read the parent and
 * answer 201 with what act(parent, body, subresourceActions(...)) returns. Else
 * subresource.create(parent, body): store its parent, answer 201 with its answer.
 */
export async function postSubresource(call: SubresourceCall): Promise<void> {
  throw new NotImplemented('postSubresource', '§ Collaborators');
}

/**
 * What an acting subresource (pods/eviction) may do within one request (SubresourceActions in
 * harness/api/machinery.ts): the resource and the clock; dryRun, from writeOptionsOf(query,
 * "CreateOptions", the dryRun of the body's deleteOptions); list (storage.list's items);
 * updateStatus (storage.update of the object, its status replaced and its resourceVersion the
 * precondition, through prepareForUpdate (metadata.ts) with "status"); deleteParent(options),
 * deleteWithOptions of the parent with these DeleteOptions, a dry run when the request is one.
 */
export function subresourceActions(
  context: ServerContext,
  info: RequestInfo,
  query: URLSearchParams,
  body: KubeObject,
): SubresourceActions {
  throw new NotImplemented('subresourceActions', '§ Collaborators');
}
