// Benchmark of the ValidatingAdmissionWebhook plugin (chapter 11c's reference), run with
// `npx kata bench webhooks`: pod creates per second on a server with the plugin and 100
// ValidatingWebhookConfigurations whose webhooks want pods only in namespaces labelled
// `webhooks=on`, into a namespace without that label, as a ratio to the same creates through a
// plugin that lets everything pass, in the same run (target: at least 0.9x: the plugin decides
// from memory which webhooks want a write, and calls none here). A third row shows what one
// webhook that does want the write costs: an HTTPS round trip per create.
//
// On a shared machine one pair of 2-second runs swung from 0.74x to 1.19x, so the two servers are
// measured in ROUNDS short paired rounds, their order alternating (ABBA), and the figure is the
// median of the rounds' ratios, printed with the lowest and highest: load that lands on one round
// moves one ratio, not the median.
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createCertificateAuthority, issueCertificate } from '../api/certificates.ts';
import { accessResources, builtinResources } from '../api/resources.ts';
import { loadReference } from '../components/implementation.ts';
import { startApiServer, type RunningApiServer } from '../testing/apiserver.ts';

const SECONDS = 1;
const ROUNDS = 9;
const CONCURRENCY = 16;
const CONFIGURATIONS = 100;

/** POSTs an object; throws on anything but 201. */
async function create(server: RunningApiServer, path: string, object: object): Promise<void> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(object),
  });
  if (response.status !== 201) throw new Error(`POST ${path}: ${await response.text()}`);
}

/** Pod creates per second into `namespace`, CONCURRENCY at a time, for SECONDS. */
async function createsPerSecond(server: RunningApiServer, namespace: string): Promise<number> {
  let done = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const loop = async (worker: number) => {
    for (let n = 0; performance.now() < deadline; n++) {
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `p-${worker}-${n}-${Math.random().toString(36).slice(2, 8)}` },
        spec: { containers: [{ name: 'app', image: 'kata/echo' }] },
      };
      await create(server, `/api/v1/namespaces/${namespace}/pods`, pod);
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, worker) => loop(worker)));
  return done / ((performance.now() - started) / 1000);
}

/** An HTTPS webhook that allows everything; its port and the caBundle that trusts it. */
async function allowingWebhook() {
  const ca = await createCertificateAuthority('bench-webhook-ca');
  const serving = await issueCertificate(ca, {
    commonName: 'w',
    hosts: ['127.0.0.1'],
    usage: 'server',
  });
  const server = createServer(serving, (request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const review = JSON.parse(body) as { request: { uid: string } };
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({ ...review, response: { uid: review.request.uid, allowed: true } }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, port, caBundle: Buffer.from(ca.cert).toString('base64') };
}

/** A configuration with one webhook on pod creates in namespaces labelled `labels`. */
function configuration(
  name: string,
  url: string,
  caBundle: string,
  labels: Record<string, string>,
) {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name },
    webhooks: [
      {
        name: `${name}.example.com`,
        clientConfig: { url, caBundle },
        rules: [
          { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] },
        ],
        namespaceSelector: { matchLabels: labels },
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
      },
    ],
  };
}

const namespace = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});

// ----------------------------------------------------------------------------------------------

const webhook = await allowingWebhook();
const url = `https://127.0.0.1:${webhook.port}/validate`;
// The baseline runs the same admission path with a plugin that lets everything pass, so the ratio
// is what ValidatingAdmissionWebhook itself adds.
const passAll = { name: 'PassAll', admit: async () => {} };
const plain = await startApiServer({
  compactionIntervalMs: 0,
  resources: [...builtinResources, ...accessResources],
  security: { admission: [passAll] },
});
const { createValidatingWebhooks } = await loadReference('11c', 'webhooks.ts');
const plugin = createValidatingWebhooks();
const hooked = await startApiServer({
  compactionIntervalMs: 0,
  resources: [...builtinResources, ...accessResources],
  security: { admission: [plugin.admission], controllers: [plugin.controller] },
});
for (const server of [plain, hooked]) {
  await create(server, '/api/v1/namespaces', namespace('quiet'));
  await create(server, '/api/v1/namespaces', namespace('checked', { webhooks: 'on' }));
}
const configurations = '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations';
for (let n = 0; n < CONFIGURATIONS; n++) {
  await create(
    hooked,
    configurations,
    configuration(`hook-${n}`, url, webhook.caBundle, { webhooks: 'on' }),
  );
}
// The plugin follows the configurations; wait until a create in `checked` reaches the webhook.
const reached = new Promise<void>((resolve) => webhook.server.once('request', () => resolve()));
await create(hooked, '/api/v1/namespaces/checked/pods', {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'first' },
  spec: { containers: [{ name: 'app', image: 'kata/echo' }] },
});
await Promise.race([
  reached,
  new Promise((_, reject) =>
    setTimeout(() => reject(new Error('the webhook was never called')), 10_000),
  ),
]);
// Only one webhook wants `checked` for the third row: the others move to a label nobody has.
for (let n = 1; n < CONFIGURATIONS; n++) {
  await fetch(`${hooked.url}${configurations}/hook-${n}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json' },
    body: JSON.stringify({
      webhooks: [
        { ...configuration(`hook-${n}`, url, webhook.caBundle, { webhooks: 'never' }).webhooks[0] },
      ],
    }),
  });
}

/** The middle value of a list (the mean of the two middle ones for an even length). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

await createsPerSecond(plain, 'quiet'); // warm both up: the first round pays for compilation
await createsPerSecond(hooked, 'quiet');
const plainRates: number[] = [];
const quietRates: number[] = [];
const ratios: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const plainFirst = round % 2 === 0;
  const first = await createsPerSecond(plainFirst ? plain : hooked, 'quiet');
  const second = await createsPerSecond(plainFirst ? hooked : plain, 'quiet');
  const [plainOne, quietOne] = plainFirst ? [first, second] : [second, first];
  plainRates.push(plainOne);
  quietRates.push(quietOne);
  ratios.push(quietOne / plainOne);
}
const plainRate = median(plainRates);
const quietRate = median(quietRates);
const ratio = median(ratios);
const calledRate = await createsPerSecond(hooked, 'checked');
// The plugin's decision alone, in process: which of the 100 webhooks want a create in `quiet`.
const pods = builtinResources.find((each) => each.resource === 'pods')!;
const quietCreate = {
  operation: 'CREATE' as const,
  resource: pods,
  namespace: 'quiet',
  object: { metadata: { name: 'x' } },
  user: { username: 'bench', groups: [] },
};
const decisions = 100_000;
const started = performance.now();
for (let n = 0; n < decisions; n++) await plugin.admission.admit(quietCreate, undefined as never);
const microseconds = ((performance.now() - started) * 1000) / decisions;
await plain.close();
await hooked.close();
webhook.server.closeAllConnections();
webhook.server.close();

const row = (what: string, figure: string, note: string) =>
  console.log(`${what.padEnd(60)} ${figure.padStart(12)}   ${note}`);
row(
  'pod creates, an admission plugin that lets all pass',
  `${Math.round(plainRate)} /s`,
  'the baseline (median of the rounds)',
);
row(
  `the same, ValidatingAdmissionWebhook with ${CONFIGURATIONS} configurations, none wanted`,
  `${Math.round(quietRate)} /s`,
  `${ratio.toFixed(2)}x the baseline (target: at least 0.9x; median of ${ROUNDS} paired rounds, ` +
    `${Math.min(...ratios).toFixed(2)}x to ${Math.max(...ratios).toFixed(2)}x)`,
);
row(
  'pod creates one webhook wants (an HTTPS call each)',
  `${Math.round(calledRate)} /s`,
  `${(calledRate / plainRate).toFixed(2)}x the baseline (for scale: what a call costs)`,
);
row(
  `one decision among ${CONFIGURATIONS} configurations, in process`,
  `${microseconds.toFixed(2)} µs`,
  `${((microseconds / (1e6 / plainRate)) * 100).toFixed(1)}% of a baseline create's time`,
);
