// The API server's side of chapter 11, given to chapter 03a: how its named stages (authenticate,
// authorize, admit in solutions/03a-apiserver/filters.ts) call what chapter 11 hands it in
// options.security (harness/contracts/security.ts), and how the server feeds chapter 11 the
// objects it decides from. Without options.security nothing here changes a request: everyone is
// system:anonymous and may do everything, as in the early chapters.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { ApiError } from './errors.ts';
import type { ObjectEvent, WatchSource } from './object-watch.ts';
import { resourceForKind, type ResourceType } from './resources.ts';
import type { KubeObject } from './types.ts';
import type {
  AdmissionStore,
  Credentials,
  ObjectFeed,
  RequestAttributes,
  SecurityOptions,
  UserInfo,
} from '../contracts/security.ts';
import { tracedAuthentication, tracedListener, userOfRequest } from '../trace/apiserver-spans.ts';
import { observedListener } from '../components/apiserver-endpoints.ts';

/** The user of a request that proves no identity. */
export const anonymous: UserInfo = {
  username: 'system:anonymous',
  groups: ['system:unauthenticated'],
};

/**
 * The server a request handler listens with: HTTPS with the serving certificate when chapter 11
 * gives one (asking clients for a certificate when a client CA is given, and leaving the verdict
 * to authentication), plain HTTP otherwise. (An https.Server is used as an http.Server: the
 * same listen, close and closeAllConnections.)
 */
export function createServer(
  security: SecurityOptions | undefined,
  handler: http.RequestListener,
): http.Server {
  const tls = security?.tls;
  // While tracing is on, each request is a span (harness/trace/apiserver-spans.ts).
  handler = tracedListener(handler);
  // Counted and timed, and /metrics and health beside (harness/components/apiserver-endpoints.ts);
  // /metrics only for those RBAC lets get it, as kube-apiserver does.
  handler = observedListener(handler, (request) => authorizePath(security, request, '/metrics'));
  if (!tls) return http.createServer({ requestTimeout: 0 }, handler);
  const options = { cert: tls.cert, key: tls.key, requestTimeout: 0 };
  const clients = tls.clientCa
    ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: false }
    : {};
  const server = https.createServer({ ...options, ...clients }, handler);
  return answeringPlainHttp(server) as unknown as http.Server;
}

/** What Go's server (kube-apiserver's, the kubelet's) answers plain HTTP on a TLS port. */
export const PLAIN_HTTP_ANSWER =
  'HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n';

/** The first bytes of a plain HTTP request, as Go's server recognizes one (looksLikeHTTP). */
const HTTP_STARTS = ['GET /', 'HEAD ', 'POST ', 'PUT /', 'OPTIO'];

/**
 * A TLS server that answers a plain HTTP request as Go's servers do (400, "Client sent an HTTP
 * request to an HTTPS server."), where Node would close the connection without a word. Each
 * connection's first bytes are read before TLS starts: a request line gets the answer; anything
 * else (a ClientHello) is put back and handed to the TLS server's own connection listener.
 */
export function answeringPlainHttp<T extends https.Server>(server: T): T {
  const startTls = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    socket.once('error', () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      if (HTTP_STARTS.includes(chunk.subarray(0, 5).toString('latin1'))) {
        socket.end(PLAIN_HTTP_ANSWER);
        return;
      }
      socket.unshift(chunk);
      for (const listener of startTls) listener.call(server, socket);
    });
  });
  return server;
}

/** "https" when the server serves TLS, "http" otherwise. */
export function schemeOf(security: SecurityOptions | undefined): string {
  return security?.tls ? 'https' : 'http';
}

/**
 * The Authorization header and the client certificate of a request: its subject when the
 * client CA verified it, the reason when it did not.
 */
export function credentialsOf(request: http.IncomingMessage): Credentials {
  const credentials: Credentials = {};
  if (request.headers.authorization) credentials.authorization = request.headers.authorization;
  const socket = request.socket as Partial<TLSSocket>;
  const presented = socket.getPeerCertificate?.();
  if (presented && Object.keys(presented).length > 0 && !socket.authorized) {
    credentials.certificateError = String(socket.authorizationError ?? 'not verified');
  }
  if (socket.authorized && socket.getPeerCertificate) {
    const subject = socket.getPeerCertificate().subject as
      { CN?: string | string[]; O?: string | string[] } | undefined;
    const commonName = [subject?.CN ?? []].flat()[0];
    if (commonName) {
      credentials.certificate = { commonName, organizations: [subject?.O ?? []].flat() };
    }
  }
  return credentials;
}

/**
 * Who sends a request: the authenticator's user (401 for a bad credential), the anonymous user
 * for none; then, with Impersonate-* headers, the user they may act as (403 if they may not).
 */
export function authenticateRequest(
  security: SecurityOptions | undefined,
  request: http.IncomingMessage,
): UserInfo {
  if (!security) return anonymous;
  const user = tracedAuthentication(
    request,
    () => security.authenticator?.authenticate(credentialsOf(request)) ?? anonymous,
  );
  const { headers } = request;
  const impersonating =
    headers['impersonate-user'] !== undefined || headers['impersonate-group'] !== undefined;
  // While tracing, a copy for this request alone, by which admission finds the request's span.
  return userOfRequest(
    request,
    impersonating && security.impersonate
      ? security.impersonate(user, request.headersDistinct)
      : user,
  );
}

/** What a request on a resource asks, as the authorizer reads it. */
export interface ResourceRequest {
  resource: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** The RequestAttributes of a resource request. */
export function attributesOf(
  user: UserInfo,
  verb: string,
  asked: ResourceRequest,
): RequestAttributes {
  return {
    user,
    verb,
    resourceRequest: true,
    apiGroup: asked.resource.group,
    resource: asked.resource.resource,
    subresource: asked.subresource,
    namespace: asked.namespace,
    name: asked.name,
  };
}

/**
 * Whether `user` may do `verb` on what `asked` names; a 403 Forbidden with kube-apiserver's
 * wording when the authorizer does not allow it. `forbidden` words the message (chapter 11b).
 */
export function authorizeRequest(
  security: SecurityOptions | undefined,
  user: UserInfo,
  verb: string | undefined,
  asked: ResourceRequest,
): void {
  if (!security?.authorizer || verb === undefined) return;
  const attributes = attributesOf(user, verb, asked);
  const decision = security.authorizer.authorize(attributes);
  if (decision.decision === 'allow') return;
  const message = security.forbiddenMessage
    ? security.forbiddenMessage(attributes, decision.reason)
    : `forbidden: ${decision.reason}`;
  throw new ApiError(403, 'Forbidden', message, {
    name: asked.name,
    ...(asked.resource.group ? { group: asked.resource.group } : {}),
    kind: asked.resource.resource,
  });
}

/**
 * Whether the sender of `request` may GET `path`, a URL that is no resource (/metrics): the
 * authorizer decides on the nonResourceURL, as kube-apiserver does (the default ClusterRole
 * system:monitoring grants /metrics to the group system:monitoring). Throws the 401 or 403 to
 * answer; allows everyone without an authorizer.
 */
export function authorizePath(
  security: SecurityOptions | undefined,
  request: http.IncomingMessage,
  path: string,
): void {
  if (!security?.authorizer) return;
  const user = authenticateRequest(security, request);
  const attributes: RequestAttributes = {
    user,
    verb: 'get',
    resourceRequest: false,
    apiGroup: '',
    resource: '',
    path,
  };
  const decision = security.authorizer.authorize(attributes);
  if (decision.decision === 'allow') return;
  const message = security.forbiddenMessage
    ? security.forbiddenMessage(attributes, decision.reason)
    : `forbidden: ${decision.reason}`;
  throw new ApiError(403, 'Forbidden', message, {});
}

/** A resource as chapter 11 names it: `resource` in the core group, `group/resource` else. */
export function findResource(resources: ResourceType[], name: string): ResourceType | undefined {
  const slash = name.lastIndexOf('/');
  const group = slash < 0 ? '' : name.slice(0, slash);
  const resource = slash < 0 ? name : name.slice(slash + 1);
  return resources.find((each) => each.group === group && each.resource === resource);
}

/**
 * The feed chapter 11 follows objects through: a list, each object handed over as ADDED, then
 * the watch from the list's revision. A watch that ends (compacted away) is listed again.
 */
export function objectFeed(source: WatchSource, resources: ResourceType[]): ObjectFeed {
  const follow = async (name: string, onEvent: (event: ObjectEvent) => void): Promise<void> => {
    const resource = findResource(resources, name);
    if (!resource)
      throw new Error(`the API server does not serve ${name}, which chapter 11 follows`);
    const { items, revision } = await source.list(resource);
    for (const object of items) onEvent({ type: 'ADDED', object });
    const watch = source.watch(resource, undefined, revision, {
      onEvent,
      onEnd: ({ error }) => {
        if (!error) void follow(name, onEvent).catch(() => {});
      },
    });
    await watch.created;
  };
  return { follow };
}

/** What AdmissionStore needs of the server's storage (chapter 03a's ObjectStorage). */
export interface StorageForAdmission {
  create(resource: ResourceType, object: KubeObject): Promise<KubeObject>;
  get(resource: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject>;
  list(resource: ResourceType, namespace?: string): Promise<{ items: KubeObject[] }>;
  update(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
    tryUpdate: (current: KubeObject) => KubeObject,
  ): Promise<KubeObject>;
}

/** The server's storage as admission plugins and chapter 11's controllers see it. */
export function admissionStore(
  storage: StorageForAdmission,
  resources: ResourceType[],
  prepare: (resource: ResourceType, object: KubeObject) => KubeObject = (_resource, object) =>
    object,
): AdmissionStore {
  return {
    create: (resource, object) => storage.create(resource, prepare(resource, object)),
    resourceOf: (name) => findResource(resources, name),
    get: (resource, namespace, name) => storage.get(resource, namespace, name),
    list: async (resource, namespace) => (await storage.list(resource, namespace)).items,
    update: (resource, object) =>
      storage.update(resource, object.metadata.namespace, object.metadata.name!, () => object),
  };
}

/**
 * Starts chapter 11's parts on a new server: the objects it creates if missing (the default
 * roles), then the authenticator's and authorizer's feeds, then its controllers.
 */
export async function startSecurity(
  security: SecurityOptions | undefined,
  source: WatchSource,
  storage: StorageForAdmission & {
    create(resource: ResourceType, object: KubeObject): Promise<KubeObject>;
  },
  resources: ResourceType[],
  prepare: (resource: ResourceType, object: KubeObject) => KubeObject,
): Promise<void> {
  if (!security) return;
  for (const object of security.initialObjects ?? []) {
    const resource = resourceForKind(object.apiVersion ?? '', object.kind ?? '', resources);
    if (!resource)
      throw new Error(`the API server does not serve ${object.apiVersion} ${object.kind}`);
    await storage.create(resource, prepare(resource, object)).catch((error: unknown) => {
      if (!(error instanceof ApiError && error.reason === 'AlreadyExists')) throw error;
    });
  }
  const feed = objectFeed(source, resources);
  await security.authenticator?.start?.(feed);
  await security.authorizer?.start(feed);
  const store = admissionStore(storage, resources, prepare);
  for (const controller of security.controllers ?? []) await controller.start(feed, store);
}

/** The review a POST asks for, if the resource (or subresource) is one the server answers itself. */
export function reviewOf(
  security: SecurityOptions | undefined,
  resource: ResourceType,
  subresource?: string,
) {
  const name = resource.group ? `${resource.group}/${resource.resource}` : resource.resource;
  const wanted = subresource ? `${name}/${subresource}` : name;
  return security?.reviews?.find((review) => review.resource === wanted);
}
