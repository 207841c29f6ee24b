// Served versions: one resource at more than one API version, as kube-apiserver serves
// HorizontalPodAutoscalers at autoscaling/v2 and autoscaling/v1. Objects are stored at one
// version (the *stored* version, which the server's resource table serves); another version is
// a view of the same objects, converted on the way in and on the way out, as kube-apiserver's
// codec converts between the version a client speaks and the one it keeps in etcd.
//
// A VersionConversion names the resource as served at the other version and gives the two
// conversions (a chapter writes them: chapter 14's versions.ts for autoscaling/v1). The API
// server's named extension point for it is ApiServerOptions.conversions: routeRequest hands every
// request to serveOtherVersions first, and one under a converted version goes to serveConverted,
// which
//
//   1. reads the body, if it is an object of the served kind, and converts it to the stored
//      version (a body of another version is a 400, in kube's words);
//   2. routes the request again, at the stored version's path, down the server's usual pipeline
//      (authorization, admission, validation and storage all see the stored version);
//   3. converts what the pipeline answers back: one object, a list's items, each watch event's
//      object, a Table's rows. Statuses and anything else pass unchanged.
//
// Discovery lists the served versions beside the server's own (withServedVersions), after them,
// so the stored version stays the group's preferred one. A PATCH is applied to the served
// version's view of the object (get, convert, patch, convert back, update with the object's
// resourceVersion), as kube applies a patch in the version the client speaks.
import type http from 'node:http';
import { ApiError } from './errors.ts';
import { serveAggregated, type AggregationHooks, type ApiAggregator } from './aggregation.ts';
import type { BodyDecoder, Discovery, Patcher } from './machinery.ts';
import { apiVersionOf, type ResourceType } from './resources.ts';
import type { KubeObject } from './types.ts';

export interface VersionConversion {
  /** The resource as served at this version: its group, version, resource and kind. */
  served: ResourceType;
  /** The version its objects are stored at, which the server serves itself ("v2"). */
  storedVersion: string;
  /** An object of the served version, as the stored version (for a write). */
  toStored(object: KubeObject): KubeObject;
  /** A stored object, as the served version (for an answer). */
  fromStored(object: KubeObject): KubeObject;
}

/**
 * The conversion of a version that differs from the stored one only by name (a custom resource's
 * `conversion: None`, as kube-apiserver's nop converter): apiVersion changed both ways.
 */
export function renamingConversion(served: ResourceType, storedVersion: string): VersionConversion {
  const at = (version: string) => (object: KubeObject) => ({
    ...object,
    apiVersion: `${served.group}/${version}`,
  });
  return { served, storedVersion, toStored: at(storedVersion), fromStored: at(served.version) };
}

/** What the server lends serveConverted for one request. */
export interface ConversionHooks {
  /** The path without its query, and the whole target with it. */
  path: string;
  target: string;
  /** Routes a request down the server's pipeline, as routeRequest does. */
  route(request: http.IncomingMessage, response: http.ServerResponse): Promise<void>;
}

/** The server's options serveConverted reads: the conversions, its patcher and body decoders. */
export interface ConversionOptions {
  conversions?: VersionConversion[];
  patcher?: Patcher;
  bodyDecoders?: BodyDecoder[];
  aggregator?: ApiAggregator;
}

/**
 * The API server's one call for what is not its own resources at their own version: a served
 * version (serveConverted), then an aggregated group version (serveAggregated). Returns whether
 * one of them answered.
 */
export async function serveOtherVersions(
  options: ConversionOptions,
  request: http.IncomingMessage,
  response: http.ServerResponse,
  hooks: AggregationHooks & ConversionHooks,
): Promise<boolean> {
  if (options.conversions && (await serveConverted(options, request, response, hooks))) {
    return true;
  }
  return options.aggregator ? serveAggregated(options.aggregator, request, response, hooks) : false;
}

/**
 * A request's body as an object, when it is JSON or in a decoder's format (kubectl's protobuf);
 * undefined otherwise (no body, or YAML, which kubectl never sends: it goes on unconverted).
 */
export function requestObject(
  request: http.IncomingMessage,
  decoders: BodyDecoder[] = [],
): unknown {
  const raw = (request as { body?: unknown }).body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) return undefined;
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
  const decoder = decoders.find((each) => each.mediaType === mediaType);
  if (decoder) return decoder.decode(raw);
  if (mediaType !== '' && mediaType !== 'application/json') return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** The conversion whose served version a path names, and the path at the stored version. */
export function conversionFor(
  conversions: VersionConversion[],
  path: string,
): { conversion: VersionConversion; storedPath: string } | undefined {
  const match =
    /^\/apis\/([^/]+)\/([^/]+)\/(?:namespaces\/[^/]+\/)?([^/]+)(?:\/[^/]+){0,2}\/?$/.exec(path);
  if (!match) return undefined;
  const [, group, version, resource] = match;
  const conversion = conversions.find(
    ({ served }) =>
      served.group === group && served.version === version && served.resource === resource,
  );
  if (!conversion) return undefined;
  const prefix = `/apis/${group}/${version}/`;
  const storedPath = `/apis/${group}/${conversion.storedVersion}/${path.slice(prefix.length)}`;
  return { conversion, storedPath };
}

/**
 * What the pipeline answered, at the served version: an object of the kind, a list's items, a
 * watch event's object, a Table's row objects. Anything else (a Status, a Scale) as it is.
 */
export function convertAnswer(conversion: VersionConversion, body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return body;
  const { served } = conversion;
  const stored = `${served.group}/${conversion.storedVersion}`;
  const value = body as Record<string, unknown>;
  if (value.kind === served.kind && value.apiVersion === stored) {
    return conversion.fromStored(value as unknown as KubeObject);
  }
  if (value.kind === `${served.kind}List` && Array.isArray(value.items)) {
    const items = value.items.map((item: KubeObject) =>
      conversion.fromStored({ apiVersion: stored, kind: served.kind, ...item }),
    );
    return { ...value, apiVersion: apiVersionOf(served), items };
  }
  if (typeof value.type === 'string' && typeof value.object === 'object') {
    return { ...value, object: convertAnswer(conversion, value.object) };
  }
  if (value.kind === 'Table' && Array.isArray(value.rows)) {
    const rows = value.rows.map((row: Record<string, unknown>) =>
      row.object ? { ...row, object: convertAnswer(conversion, row.object) } : row,
    );
    return { ...value, rows };
  }
  return body;
}

/**
 * A request's body at the stored version: an object of the served kind and version converted,
 * one of another version of the kind refused as kube-apiserver refuses it (400), anything else
 * (DeleteOptions) undefined: the body stays as it came.
 */
export function convertRequestBody(
  conversion: VersionConversion,
  body: unknown,
): KubeObject | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { served } = conversion;
  const object = body as KubeObject;
  if (object.kind !== served.kind) return undefined;
  const expected = apiVersionOf(served);
  if (object.apiVersion !== undefined && object.apiVersion !== expected) {
    throw new ApiError(
      400,
      'BadRequest',
      `the API version in the data (${String(object.apiVersion)}) does not match the expected ` +
        `API version (${expected})`,
    );
  }
  return conversion.toStored({ ...object, apiVersion: expected });
}

/**
 * Serves a request if its path is under a served version: its body converted to the stored
 * version, routed again at the stored version's path, and its answer converted back. Returns
 * whether it was one.
 */
export async function serveConverted(
  options: ConversionOptions,
  request: http.IncomingMessage,
  response: http.ServerResponse,
  hooks: ConversionHooks,
): Promise<boolean> {
  const found = conversionFor(options.conversions ?? [], hooks.path);
  if (!found) return false;
  const { conversion, storedPath } = found;
  const storedTarget = storedPath + hooks.target.slice(hooks.path.length);
  if (request.method === 'PATCH') {
    await patchServedVersion(conversion, request, response, storedTarget, hooks, options.patcher);
    return true;
  }
  const converted = convertRequestBody(conversion, requestObject(request, options.bodyDecoders));
  if (converted) replaceBody(request, converted);
  retarget(request, storedTarget);
  convertAnswers(response, (body) => convertAnswer(conversion, body));
  await hooks.route(request, response);
  return true;
}

/** Points a request at another target (Express reads originalUrl, node:http url). */
function retarget(request: http.IncomingMessage, target: string): void {
  request.url = target;
  (request as { originalUrl?: string }).originalUrl = target;
}

/** Gives a request a JSON body in place of the one it came with. */
function replaceBody(request: http.IncomingMessage, object: unknown): void {
  (request as { body?: unknown }).body = Buffer.from(JSON.stringify(object));
  request.headers['content-type'] = 'application/json';
}

/**
 * Makes `response` convert the JSON written to it: each newline-ended line of a watch as it
 * comes, and whatever is left when it ends (one object). The length changes, so
 * Content-Length is dropped; a body that is not JSON passes as it is.
 */
export function convertAnswers(
  response: http.ServerResponse,
  convert: (body: unknown) => unknown,
): void {
  const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => unknown;
  const write = response.write.bind(response) as (chunk: unknown) => boolean;
  const end = response.end.bind(response) as (chunk?: unknown) => unknown;
  const rewrite = (text: string) => {
    try {
      return JSON.stringify(convert(JSON.parse(text)));
    } catch {
      return text;
    }
  };
  let pending = '';
  response.writeHead = ((code: number, ...rest: unknown[]) => {
    response.removeHeader('content-length');
    const headers = rest.find((each) => typeof each === 'object' && each !== null);
    if (headers) delete (headers as Record<string, unknown>)['content-length'];
    return writeHead(code, ...rest);
  }) as typeof response.writeHead;
  response.write = ((chunk: unknown) => {
    pending += String(chunk);
    const lines = pending.split('\n');
    pending = lines.pop()!;
    return lines.length === 0 ? true : write(lines.map((line) => `${rewrite(line)}\n`).join(''));
  }) as typeof response.write;
  response.end = ((chunk?: unknown) => {
    if (chunk !== undefined && typeof chunk !== 'function') pending += String(chunk);
    const rest = pending === '' ? undefined : rewrite(pending);
    pending = '';
    if (rest !== undefined && !response.headersSent) response.removeHeader('content-length');
    return rest === undefined ? end() : end(rest);
  }) as typeof response.end;
}

/**
 * A PATCH of the served version: the object read at the stored version and converted, the patch
 * applied to that view with the server's patcher, converted back and written with the
 * resourceVersion it was read at (a write in between is a 409 Conflict, as for any update).
 */
async function patchServedVersion(
  conversion: VersionConversion,
  request: http.IncomingMessage,
  response: http.ServerResponse,
  storedTarget: string,
  hooks: ConversionHooks,
  patcher: Patcher | undefined,
): Promise<void> {
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (!patcher || !patcher.contentTypes.includes(contentType)) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${(patcher?.contentTypes ?? []).join(', ')}`,
    );
  }
  const storedPath = storedTarget.split('?')[0]!;
  const current = await routeInside(hooks, request, 'GET', storedPath);
  if (current.code !== 200) return send(response, current.code, current.body);
  const view = conversion.fromStored(current.body as KubeObject);
  const raw = (request as { body?: unknown }).body;
  const patch = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : 'null') as unknown;
  const patched = patcher.apply(contentType, view, patch, conversion.served);
  const stored = conversion.toStored({
    ...patched,
    metadata: { ...patched.metadata, resourceVersion: view.metadata.resourceVersion },
  });
  const written = await routeInside(hooks, request, 'PUT', storedTarget, stored);
  send(response, written.code, convertAnswer(conversion, written.body));
}

/** Answers with a JSON body. */
function send(response: http.ServerResponse, code: number, body: unknown): void {
  const json = JSON.stringify(body);
  response.writeHead(code, { 'content-type': 'application/json' });
  response.end(json);
}

/**
 * Routes a request of the server's own down its pipeline, as the caller (same user, same
 * headers), and collects the answer: for the reads and writes a PATCH is made of.
 */
async function routeInside(
  hooks: ConversionHooks,
  original: http.IncomingMessage,
  method: string,
  target: string,
  object?: unknown,
): Promise<{ code: number; body: unknown }> {
  const request = Object.create(original) as http.IncomingMessage & { body?: unknown };
  request.method = method;
  request.headers = { ...original.headers, 'content-type': 'application/json' };
  request.body = object === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(object));
  retarget(request, target);
  let code = 200;
  let text = '';
  const collector = {
    headersSent: false,
    writeHead(status: number) {
      code = status;
      collector.headersSent = true;
      return collector;
    },
    setHeader: () => collector,
    removeHeader: () => {},
    getHeader: () => undefined,
    on: () => collector,
    once: () => collector,
    write(chunk: unknown) {
      text += String(chunk);
      return true;
    },
    end(chunk?: unknown) {
      if (chunk !== undefined) text += String(chunk);
      return collector;
    },
  };
  await hooks.route(request, collector as unknown as http.ServerResponse);
  return { code, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/**
 * The discovery to hand the server: the given one, with the served versions' resources listed
 * after the server's own (so each group's preferred version stays the stored one).
 */
export function withServedVersions(
  discovery: Discovery,
  conversions: VersionConversion[],
): Discovery {
  const served = conversions.map((conversion) => conversion.served);
  return (path, context) =>
    discovery(path, { ...context, resources: [...context.resources, ...served] });
}
