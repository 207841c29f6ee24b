// How a process reaches an API server that serves TLS: the cluster's CA to trust its serving
// certificate, and a client certificate to say who the process is (kubectl reads both from the
// kubeconfig's certificate-authority-data, client-certificate-data and client-key-data). Every
// client in kubekata, the learner's chapter 04 client among them, sends its requests with Node's
// fetch, which takes no CA or certificate per request; so the credentials are kept here, by the
// server's origin ("https://127.0.0.1:6443"), and fetch is given a dispatcher (the object that
// opens its connections) that opens a connection to that origin with them. Requests anywhere else
// connect as before. Several clusters in one process (the end-to-end suites) each keep their own.
//
// Node's fetch is undici's, and finds its dispatcher under a well-known global symbol (undici's
// setGlobalDispatcher writes it). Node does not export undici's Agent, the dispatcher that holds
// the connection options; the one fetch made for itself is of that class, so new ones are made
// with its constructor, and nothing outside Node is needed.

/** What a client presents to one API server: the CA it trusts and, optionally, its own certificate. */
export interface TlsCredentials {
  /** The cluster CA's certificate, PEM: the only issuer trusted for this server. */
  ca: string;
  /** The client certificate and its private key, PEM. */
  cert?: string;
  key?: string;
}

/** What fetch hands a dispatcher for one request (the parts read here and by tracing). */
export interface DispatchOptions {
  origin?: string | URL;
  method?: string;
  path?: string;
  headers?: Record<string, string> | string[] | null;
  body?: unknown;
}

/** The part of undici's Dispatcher that fetch uses. */
interface Dispatcher {
  dispatch(options: DispatchOptions, handler: unknown): boolean;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

type AgentClass = new (options: { connect: TlsCredentials }) => Dispatcher;

const globalDispatcher = Symbol.for('undici.globalDispatcher.1');

/** The credentials per origin, and the connection pool (an Agent) made for each. */
const credentialsByOrigin = new Map<string, TlsCredentials>();
const agents = new Map<string, Dispatcher>();
let fallback: Dispatcher | undefined;
let Agent: AgentClass | undefined;

/** An origin as fetch names it: "https://host:port" with the port always written. */
function originOf(url: string | URL): string {
  const parsed = new URL(String(url));
  const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
  return `${parsed.protocol}//${parsed.hostname}:${port}`;
}

/**
 * The dispatcher fetch is given: a request to an origin with credentials goes through that
 * origin's Agent, any other through the dispatcher fetch had before.
 */
const routing: Dispatcher = {
  dispatch(options, handler) {
    return observer ? observer(options, handler, send) : send(options, handler);
  },
  async close() {
    await Promise.all([...agents.values(), fallback!].map((agent) => agent.close()));
  },
  async destroy() {
    await Promise.all([...agents.values(), fallback!].map((agent) => agent.destroy()));
  },
};

/** Sends one request through the Agent of its origin, or the dispatcher fetch had before. */
function send(options: DispatchOptions, handler: unknown): boolean {
  const origin = options.origin === undefined ? undefined : originOf(options.origin);
  const agent = (origin && agents.get(origin)) || fallback!;
  return agent.dispatch(options, handler);
}

/**
 * What sees every request of this process before it goes, and sends it on (tracing adds its
 * `traceparent` header and watches the answer: ../trace/client-spans.ts).
 */
export type RequestObserver = (
  options: DispatchOptions,
  handler: unknown,
  send: (options: DispatchOptions, handler: unknown) => boolean,
) => boolean;

let observer: RequestObserver | undefined;

/** From now on every fetch of this process goes through `next` (one observer per process). */
export function observeRequests(next: RequestObserver): void {
  installRouting();
  observer = next;
}

/**
 * Puts the routing dispatcher in fetch's place, once. fetch makes its own Agent when it is first
 * called (synchronously, before it reads anything), so a call that reads nothing makes it.
 */
function installRouting(): void {
  if (Agent) return;
  const store = globalThis as unknown as Record<symbol, Dispatcher | undefined>;
  if (!store[globalDispatcher]) void fetch('data:,').catch(() => {});
  const current = store[globalDispatcher];
  if (!current) throw new Error('this Node has no undici dispatcher to give TLS credentials to');
  fallback = current;
  Agent = current.constructor as AgentClass;
  store[globalDispatcher] = routing;
}

/**
 * From now on, this process's fetch requests to `server`'s origin trust `credentials.ca` and
 * present the client certificate. Registering the same credentials again changes nothing.
 */
export function presentCredentials(server: string, credentials: TlsCredentials): void {
  const origin = originOf(server);
  const known = credentialsByOrigin.get(origin);
  if (
    known?.ca === credentials.ca &&
    known.cert === credentials.cert &&
    known.key === credentials.key
  )
    return;
  installRouting();
  credentialsByOrigin.set(origin, credentials);
  const previous = agents.get(origin);
  agents.set(origin, new Agent!({ connect: credentials }));
  void previous?.close().catch(() => {});
}

/** The credentials this process presents to `server`, if any were registered. */
export function credentialsFor(server: string): TlsCredentials | undefined {
  return credentialsByOrigin.get(originOf(server));
}
