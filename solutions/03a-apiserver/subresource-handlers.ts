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
import type {
  Subresource,
  SubresourceActions,
  SubresourceContext,
} from '../../harness/api/machinery.ts';
import type { ResourceType } from '../../harness/api/resources.ts';
import type { DeleteOptions, KubeObject, Status } from '../../harness/api/types.ts';
import { objectFromBody } from './bodies.ts';
import { answer, queryOf, type ServerContext } from './context.ts';
import { deleteWithOptions, type VerbHandler } from './handlers.ts';
import { prepareForUpdate } from './metadata.ts';
import type { RequestInfo } from './paths.ts';
import { bodyOf, keepIdentity, patchOf, writeOptionsOf } from './requests.ts';
import { invalid, methodNotAllowed, noSuchPath } from './status.ts';
import type { WriteOptions } from './storage.ts';
import { resourcePath } from './strategy.ts';

/** A subresource the server serves itself: it answers the request, as a verb's handler does. */
export type SubresourceHandler = VerbHandler;

/** The name a subresource handler is registered under: `pods/log`, `apps/deployments/scale`. */
export function subresourcePath(resource: ResourceType, subresource: string): string {
  return `${resourcePath(resource)}/${subresource}`;
}

/**
 * A request for a subresource: the server's own handler for it if there is one, else the
 * collaborator of that name, when the resource has that subresource (404 otherwise).
 */
export const routeSubresource: VerbHandler = async (context, request, response, info, query) => {
  const own = context.subresourceHandlers.get(subresourcePath(info.resource, info.subresource!));
  if (own) return own(context, request, response, info, query);
  const subresource = info.resource.subresources.includes(info.subresource!)
    ? context.options.subresources?.find((candidate) => candidate.name === info.subresource)
    : undefined;
  if (!subresource) throw noSuchPath();
  return serveSubresource({ context, request, response, info, subresource });
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
 * A subresource of an object, served by its collaborator: each method has its handler below, and
 * a method with none is 405. GET shows subresource.get(parent); PUT stores
 * subresource.update(parent, body); PATCH patches what get shows, then updates; POST stores
 * create(...).parent and answers 201 with its answer, or acts.
 */
export async function serveSubresource(call: SubresourceCall): Promise<void> {
  const handlers: Record<string, (call: SubresourceCall) => Promise<void>> = {
    GET: getSubresource,
    PUT: putSubresource,
    PATCH: patchSubresource,
    POST: postSubresource,
  };
  const handler = handlers[call.request.method];
  if (!handler) throw methodNotAllowed();
  return handler(call);
}

/**
 * Stores what `change` makes of the parent, made ready and validated by the strategy as a write
 * through this subresource; returns it stored.
 */
function writeParent(
  { context, info, subresource }: SubresourceCall,
  writeOptions: WriteOptions,
  change: (current: KubeObject) => KubeObject,
): Promise<KubeObject> {
  const { resource } = info;
  const { strategy } = context.registry.get(resource)!;
  const tryUpdate = (current: KubeObject) => {
    const prepared = strategy.prepareForUpdate(current, change(current), subresource.name);
    const errors = strategy.validate(prepared);
    if (errors.length > 0) throw invalid(resource, prepared.metadata.name ?? '', errors);
    return prepared;
  };
  return context.storage.update(resource, info.namespace, info.name!, tryUpdate, writeOptions);
}

/** The precondition a body carries, if any, on the parent about to be stored. */
function withPrecondition(parent: KubeObject, body: KubeObject): KubeObject {
  const wanted = body.metadata.resourceVersion;
  if (wanted) parent.metadata.resourceVersion = wanted;
  else delete parent.metadata.resourceVersion;
  return parent;
}

/** What a collaborator is told of the request: the resource, and the clock. */
function contextOf({ context, info }: SubresourceCall): SubresourceContext {
  return { resource: info.resource, clock: context.makers.clock };
}

/** What the subresource shows of a parent: its get, or the parent itself. */
function view(call: SubresourceCall, parent: KubeObject): KubeObject {
  return call.subresource.get ? call.subresource.get(parent, contextOf(call)) : parent;
}

/** GET: what the subresource shows of the parent (405 when it shows nothing). */
export async function getSubresource(call: SubresourceCall): Promise<void> {
  const { context, response, info } = call;
  if (!call.subresource.get) throw methodNotAllowed();
  const parent = await context.storage.get(info.resource, info.namespace, info.name!);
  answer(response, 200, view(call, parent));
}

/** PUT: the parent as subresource.update makes it from the body, stored; answers its view. */
export async function putSubresource(call: SubresourceCall): Promise<void> {
  const { context, request, response, subresource } = call;
  const writeOptions = writeOptionsOf(queryOf(request.originalUrl), 'UpdateOptions');
  const update = subresource.update;
  if (!update) throw methodNotAllowed();
  const body = objectFromBody(bodyOf(context, request));
  const stored = await writeParent(call, writeOptions, (current) =>
    withPrecondition(update(current, body, contextOf(call)), body),
  );
  answer(response, 200, view(call, stored));
}

/** PATCH: what the subresource shows, patched, then written back as a PUT would write it. */
export async function patchSubresource(call: SubresourceCall): Promise<void> {
  const { context, request, response, info, subresource } = call;
  const writeOptions = writeOptionsOf(queryOf(request.originalUrl), 'PatchOptions');
  const { get, update } = subresource;
  if (!get || !update) throw methodNotAllowed();
  const { contentType, patch, patcher } = patchOf(context, request);
  const stored = await writeParent(call, writeOptions, (current) => {
    const shown = get(current, contextOf(call));
    const patched = patcher.apply(contentType, shown, patch, info.resource);
    keepIdentity(patched, shown);
    return withPrecondition(update(current, patched, contextOf(call)), patched);
  });
  answer(response, 200, view(call, stored));
}

/**
 * POST: an acting subresource acts, with the server's verbs (subresourceActions); another one
 * creates, the parent it makes stored. Either answers 201 with what the subresource says.
 */
export async function postSubresource(call: SubresourceCall): Promise<void> {
  const { context, request, response, info } = call;
  const query = queryOf(request.originalUrl);
  const writeOptions = writeOptionsOf(query, 'CreateOptions');
  const { act, create } = call.subresource;
  if (!act && !create) throw methodNotAllowed();
  const body = objectFromBody(bodyOf(context, request));
  if (act) {
    const parent = await context.storage.get(info.resource, info.namespace, info.name!);
    const actions = subresourceActions(context, info, query, body);
    return answer(response, 201, await act(parent, body, actions));
  }
  let reply: KubeObject | Status | undefined;
  await writeParent(call, writeOptions, (current) => {
    const made = create!(current, body, contextOf(call));
    reply = made.answer;
    return withPrecondition(made.parent, body);
  });
  answer(response, 201, reply);
}

/**
 * What an acting subresource (pods/eviction) may do: list objects, write a status, delete its
 * parent, each as the server's own verbs would, and in a dry run when the request is one (its
 * ?dryRun, or the dryRun of the body's deleteOptions).
 */
export function subresourceActions(
  context: ServerContext,
  info: RequestInfo,
  query: URLSearchParams,
  body: KubeObject,
): SubresourceActions {
  const deleteOptions = (body.deleteOptions ?? {}) as DeleteOptions;
  const writeOptions = writeOptionsOf(query, 'CreateOptions', deleteOptions.dryRun);
  const dryRun = writeOptions.dryRun === true;
  return {
    resource: info.resource,
    clock: context.makers.clock,
    dryRun,
    list: async (resource, namespace) => (await context.storage.list(resource, namespace)).items,
    updateStatus: (resource, object) => {
      const { namespace, name } = object.metadata;
      return context.storage.update(resource, namespace, name!, (current) => {
        const next = { ...current, status: structuredClone(object.status) };
        // The object's resourceVersion is the precondition: a status worked out from an older
        // state is a 409, not a lost update.
        next.metadata = { ...current.metadata, resourceVersion: object.metadata.resourceVersion };
        return prepareForUpdate(resource, current, next, 'status');
      });
    },
    deleteParent: (options) => {
      const dryRunQuery = new URLSearchParams(dryRun ? 'dryRun=All' : '');
      return deleteWithOptions(context, { ...info, subresource: undefined }, options, dryRunQuery);
    },
  };
}
