// The real dig against the server: the answers a learner sees with `dig @127.96.0.10 ...` are the
// ones records.ts gives. Skips, saying why, without dig on PATH (Debian: bind9-dnsutils).
import type { Answer, Question } from 'dns-packet';
import { describe, expect, test } from 'vitest';
import type { EndpointSlice, Service } from '../../harness/api/types.ts';
import { dig, hasDig, noDig } from '../../harness/testing/dig.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { answer } from './records.ts';
import { createDnsServer, type DnsServer } from './server.ts';

const scope = testScope();
const it = test.skipIf(!hasDig);

/** A record as `dig +short` prints it. */
function short(record: Answer): string {
  const data = (record as { data?: unknown }).data;
  if (record.type === 'SRV') {
    const srv = data as { priority: number; weight: number; port: number; target: string };
    return `${srv.priority} ${srv.weight} ${srv.port} ${srv.target}.`;
  }
  if (record.type === 'TXT') return (data as string[]).map((text) => `"${text}"`).join(' ');
  if (record.type === 'CNAME' || record.type === 'PTR') return `${String(data)}.`;
  return String(data);
}

/** The DNS server over the API server, with a Service, a headless Service with two ready pods and an ExternalName. */
async function cluster(): Promise<{ dns: DnsServer; port: number }> {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const dns = createDnsServer({ toolkit, client, address: '127.0.0.1', port: 0 });
  scope.stopper().signal.addEventListener('abort', () => void dns.close().catch(() => {}));
  const port = await dns.start();
  const services = client.resource<Service>('services', 'default');
  const ports = [{ name: 'http', port: 80, protocol: 'TCP' as const }];
  await services.create({
    metadata: { name: 'web', namespace: 'default' },
    spec: { clusterIP: '127.96.0.20', ports },
  });
  await services.create({
    metadata: { name: 'db', namespace: 'default' },
    spec: { clusterIP: 'None', ports },
  });
  await services.create({
    metadata: { name: 'search', namespace: 'default' },
    spec: { type: 'ExternalName', externalName: 'search.example.com' },
  });
  await client.resource<EndpointSlice>('endpointslices', 'default').create({
    metadata: {
      name: 'db-abcde',
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': 'db' },
    },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['127.244.0.5'], hostname: 'db-0' }, { addresses: ['127.244.0.6'] }],
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  });
  await waitFor(
    () => dns.objects().endpoints('default', 'db') !== undefined,
    "the server to see db's EndpointSlice",
  );
  return { dns, port };
}

describe('The real dig', () => {
  if (!hasDig) test.skip(noDig, () => {});

  it('dig +short gets the records answer() gives, for every kind of name', async () => {
    const { dns, port } = await cluster();
    const questions: Array<[Question['type'], string]> = [
      ['A', 'web.default.svc.cluster.local'],
      ['A', 'WEB.default.svc.cluster.local'],
      ['A', 'db.default.svc.cluster.local'],
      ['A', 'db-0.db.default.svc.cluster.local'],
      ['SRV', '_http._tcp.web.default.svc.cluster.local'],
      ['SRV', '_http._tcp.db.default.svc.cluster.local'],
      ['CNAME', 'search.default.svc.cluster.local'],
      ['TXT', 'dns-version.cluster.local'],
      ['PTR', '20.0.96.127.in-addr.arpa'],
      ['PTR', '5.0.244.127.in-addr.arpa'],
    ];
    const printed = await Promise.all(
      questions.map(([type, name]) => dig('127.0.0.1', port, '+short', name, type)),
    );
    questions.forEach(([type, name], i) => {
      const expected = answer({ name, type }, dns.objects(), dns).answers.map(short).sort();
      expect(printed[i]!.trim().split('\n').sort(), `dig +short ${name} ${type}`).toEqual(expected);
    });
  });

  it('dig shows NXDOMAIN and NODATA apart, authoritative, with the SOA; and asks over TCP', async () => {
    const { port } = await cluster();
    const missing = await dig('127.0.0.1', port, 'nothing.default.svc.cluster.local');
    expect(missing, 'dig nothing.default.svc.cluster.local').toMatch(/status: NXDOMAIN/);
    expect(missing, 'the same answer: flags and the authority section').toMatch(
      /flags: qr aa rd;[\s\S]*AUTHORITY SECTION:\s*\ncluster\.local\.\s+5\s+IN\s+SOA/,
    );
    const nodata = await dig('127.0.0.1', port, 'web.default.svc.cluster.local', 'AAAA');
    expect(nodata, 'dig web.default.svc.cluster.local AAAA').toMatch(
      /status: NOERROR[\s\S]*ANSWER: 0,/,
    );
    const tcp = await dig('127.0.0.1', port, '+tcp', '+short', 'web.default.svc.cluster.local');
    expect(tcp.trim(), 'dig +tcp +short web.default.svc.cluster.local').toBe('127.96.0.20');
  });
});
