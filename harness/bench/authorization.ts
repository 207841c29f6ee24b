// Benchmark of authentication and RBAC on the API server's hottest request (chapter 11b's
// reference), run with `npx kata bench authorization`: single-object GETs per second with a
// bearer token and RBAC on, as a ratio to the same GET on the same server code with neither, in
// the same run (target: at least 0.8x). 1,000 RoleBindings are stored first, spread over 100
// namespaces and 1,000 users, so an authorizer that scanned the bindings would show it: RBAC
// indexes them by subject and looks only at the requesting user's.
//
// The load comes from a worker thread, so client and server do not share one event loop.
import { examplePod } from '../api/examples.ts';
import { accessResources, builtinResources } from '../api/resources.ts';
import { loadReference } from '../components/implementation.ts';
import type { SecurityOptions } from '../contracts/security.ts';
import { startApiServer, type RunningApiServer } from '../testing/apiserver.ts';
import { requestsPerSecond } from './programs/get-load.ts';

const GET_SECONDS = 2;
const CONCURRENCY = 32;
const load = { seconds: GET_SECONDS, concurrency: CONCURRENCY };
const BINDINGS = 1_000;
const NAMESPACES = 100;
const TOKEN = 'bench-reader-token';
const ADMIN_TOKEN = 'bench-admin-token';

/** POSTs an object as `token`; throws on anything but 201. */
async function create(server: RunningApiServer, path: string, object: object, token?: string) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(object),
  });
  if (response.status !== 201) throw new Error(`POST ${path}: ${await response.text()}`);
}

/** A RoleBinding of the ClusterRole view to one user in one namespace. */
function viewBinding(name: string, user: string) {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
  };
}

/**
 * The same objects in a server: 100 namespaces, 1,000 RoleBindings (the last one the reader's, in
 * default) and the pod, created with `token` (none for the open server). Both servers hold them,
 * so the ratio is what authentication and authorization cost, not a larger store.
 */
async function populate(server: RunningApiServer, token?: string): Promise<void> {
  for (let n = 0; n < NAMESPACES; n++) {
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `team-${n}` } };
    await create(server, '/api/v1/namespaces', namespace, token);
  }
  for (let n = 0; n < BINDINGS - 1; n++) {
    const path = `/apis/rbac.authorization.k8s.io/v1/namespaces/team-${n % NAMESPACES}/rolebindings`;
    await create(server, path, viewBinding(`user-${n}`, `user-${n}`), token);
  }
  const path = '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings';
  await create(server, path, viewBinding('reader', 'reader'), token);
  await create(server, '/api/v1/namespaces/default/pods', examplePod('web'), token);
}

/** The security the secured server runs with, kept to time its decisions on their own. */
let security: SecurityOptions | undefined;

/** The server with a token file and Node,RBAC, populated. */
async function securedServer(): Promise<RunningApiServer> {
  const { createAuthorization } = await loadReference('11b', 'authorization.ts');
  const { parseTokenFile, tokenFileAuthenticator } = await loadReference('11b', 'tokens.ts');
  const users = parseTokenFile(
    `${ADMIN_TOKEN},admin,0,"system:masters"\n${TOKEN},reader,1,"readers"\n`,
  );
  const server = await startApiServer({
    compactionIntervalMs: 0,
    resources: [...builtinResources, ...accessResources],
    security: (security = {
      authenticator: tokenFileAuthenticator(users),
      ...createAuthorization({ modes: ['Node', 'RBAC'] }),
    }),
  });
  await populate(server, ADMIN_TOKEN);
  return server;
}

// ----------------------------------------------------------------------------------------------

const open = await startApiServer({
  compactionIntervalMs: 0,
  resources: [...builtinResources, ...accessResources],
});
await populate(open);
const secured = await securedServer();
const podPath = '/api/v1/namespaces/default/pods/web';
// The reader's GET must be allowed by its one binding among the thousand before it is timed.
const check = await fetch(`${secured.url}${podPath}`, {
  headers: { authorization: `Bearer ${TOKEN}` },
});
if (check.status !== 200) throw new Error(`the reader's GET answered ${check.status}`);

// Each measured three times, alternating, and the better kept: a busy moment should not decide.
let openRate = 0;
let securedRate = 0;
for (let round = 0; round < 3; round++) {
  openRate = Math.max(openRate, await requestsPerSecond(`${open.url}${podPath}`, load));
  securedRate = Math.max(
    securedRate,
    await requestsPerSecond(`${secured.url}${podPath}`, {
      ...load,
      headers: { authorization: `Bearer ${TOKEN}` },
    }),
  );
}
// The decision alone, in process: what RBAC adds to each request, whatever the machine's load.
const reader = security!.authenticator!.authenticate({ authorization: `Bearer ${TOKEN}` })!;
const asked = { user: reader, verb: 'get', resourceRequest: true, apiGroup: '', resource: 'pods' };
const decisions = 100_000;
const started = performance.now();
for (let n = 0; n < decisions; n++) {
  security!.authorizer!.authorize({ ...asked, namespace: 'default', name: 'web' });
}
const microseconds = ((performance.now() - started) * 1000) / decisions;
await open.close();
await secured.close();

const row = (what: string, figure: string, note: string) =>
  console.log(`${what.padEnd(52)} ${figure.padStart(14)}   ${note}`);
row(
  'single-object GET, no authentication, AlwaysAllow',
  `${Math.round(openRate)} req/s`,
  'the baseline',
);
row(
  `the same GET, bearer token + Node,RBAC, ${BINDINGS} RoleBindings`,
  `${Math.round(securedRate)} req/s`,
  `${(securedRate / openRate).toFixed(2)}x the baseline (target: at least 0.8x)`,
);
row(
  'one Node,RBAC decision, in process',
  `${microseconds.toFixed(2)} µs`,
  `${((microseconds / (1e6 / openRate)) * 100).toFixed(1)}% of a baseline GET's time`,
);
