// The server: first the message handling on its own (headers, sizes, TCP framing), then the whole
// server on real sockets, over the reference API server, with Services and EndpointSlices written
// by hand (no allocator or EndpointSlice controller runs here, so each Service names its own
// ClusterIP).
import { createSocket } from 'node:dgram';
import { createConnection } from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket, type Packet, type Question } from 'dns-packet';
import { describe, expect, test } from 'vitest';
import type { Endpoint, EndpointSlice, Service } from '../../harness/api/types.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import type { Reply } from './records.ts';
import {
  classicUdpSize,
  createDnsServer,
  encodeForUdp,
  formatErrorFor,
  frameForTcp,
  responseFor,
  TcpFramer,
  udpLimit,
  type DnsServerOptions,
} from './server.ts';

/** A record's data (an OPT record, the one kind without, has none). */
const dataOf = (record: Answer) => (record as { data?: unknown }).data;

const scope = testScope();

/** A query for one question, recursion desired, as resolvers send it; with an OPT record when `edns` is a size. */
function query(name: string, type: Question['type'] = 'A', edns?: number): Packet {
  return {
    id: 4242,
    type: 'query',
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type, class: 'IN' }],
    additionals: edns
      ? [
          {
            name: '.',
            type: 'OPT',
            udpPayloadSize: edns,
            extendedRcode: 0,
            ednsVersion: 0,
            flags: 0,
            flag_do: false,
            options: [],
          },
        ]
      : [],
  };
}

const noAnswer: Reply = { rcode: 'NXDOMAIN', answers: [], additionals: [], authoritative: true };

/** Sends each message to 127.0.0.1:port over UDP, from one socket, in order; the first datagram back. */
function overUdp(port: number, ...messages: Buffer[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no answer over UDP from port ${port} within 3 s`));
    }, 3000);
    socket.once('message', (answer) => {
      clearTimeout(timer);
      socket.close();
      resolve(answer);
    });
    for (const message of messages) socket.send(message, port, '127.0.0.1');
  });
}

/** Sends `message` framed over TCP; the first framed answer. */
function overTcp(port: number, message: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const framer = new TcpFramer();
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      const [answer] = framer.push(chunk);
      if (answer) {
        socket.destroy();
        resolve(answer);
      }
    });
    socket.write(frameForTcp(message));
  });
}

/** Asks the server at `port` one question over UDP, decoded. */
async function ask(
  port: number,
  name: string,
  type: Question['type'] = 'A',
): Promise<DecodedPacket> {
  return dnsPacket.decode(await overUdp(port, dnsPacket.encode(query(name, type))));
}

/** The rcode of a decoded answer, by name. */
const rcodeOf = (packet: DecodedPacket) => (packet as DecodedPacket & { rcode: string }).rcode;

/** The API server, a DNS server on 127.0.0.1 (a free port) over it, and clients to write objects. */
async function setUp(options: Partial<DnsServerOptions> = {}) {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const dns = createDnsServer({ toolkit, client, address: '127.0.0.1', port: 0, ...options });
  scope.stopper().signal.addEventListener('abort', () => void dns.close().catch(() => {}));
  const port = await dns.start();
  const services = client.resource<Service>('services', 'default');
  const slices = client.resource<EndpointSlice>('endpointslices', 'default');
  return { dns, port, services, slices };
}

/** An EndpointSlice of Service `service` (labelled with its name), with port 80. */
function sliceOf(service: string, name: string, endpoints: Endpoint[]): EndpointSlice {
  return {
    metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints,
    ports: [{ name: '', port: 80, protocol: 'TCP' }],
  };
}

/** A DNS server never started: its informers are empty, and it never calls the API server. */
function unstarted(options: Partial<DnsServerOptions> = {}) {
  const client = toolkit.createClient({ server: 'http://127.0.0.1:1' });
  return createDnsServer({ toolkit, client, address: '127.0.0.1', port: 0, ...options });
}

/** A query's bytes. */
const encoded = (name: string, type: Question['type'] = 'A') => dnsPacket.encode(query(name, type));

/** An upstream resolver on 127.0.0.1 answering every A question with `ip`; it notes the names asked. */
async function fakeUpstream(ip: string) {
  const socket = createSocket('udp4');
  const asked: string[] = [];
  socket.on('message', (message, from) => {
    const question = dnsPacket.decode(message);
    const name = question.questions![0]!.name;
    asked.push(name);
    const answers = [{ name, type: 'A' as const, ttl: 60, data: ip }];
    socket.send(
      dnsPacket.encode({ ...question, type: 'response', answers }),
      from.port,
      from.address,
    );
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  scope.stopper().signal.addEventListener('abort', () => socket.close());
  return { port: socket.address().port, asked };
}

describe('The server', () => {
  test('a response repeats the id and question, sets QR and AA, copies RD and carries the rcode', () => {
    const answers = [
      { name: 'web.default.svc.cluster.local', type: 'A' as const, ttl: 5, data: '127.96.0.20' },
    ];
    const reply: Reply = { rcode: 'NOERROR', answers, additionals: [], authoritative: true };
    const response = dnsPacket.decode(
      dnsPacket.encode(
        responseFor(query('web.default.svc.cluster.local'), reply, 'cluster.local', 5),
      ),
    );
    expect(
      [response.id, response.flag_qr, response.flag_aa, response.flag_rd, rcodeOf(response)],
      'the id, QR, AA, RD and rcode of the response to query 4242 (RD set)',
    ).toEqual([4242, true, true, true, 'NOERROR']);
    expect(response.questions, 'the question, repeated').toEqual(
      query('web.default.svc.cluster.local').questions,
    );
    const refused = responseFor(
      query('example.com'),
      { ...noAnswer, rcode: 'REFUSED', authoritative: false },
      'cluster.local',
      5,
    );
    expect(refused.flags, 'a REFUSED reply that is not authoritative: RD and rcode 5 only').toBe(
      dnsPacket.RECURSION_DESIRED | 5,
    );
  });

  test('a negative answer carries the SOA of the zone; a query with OPT gets OPT back', () => {
    const response = responseFor(
      query('nothing.default.svc.cluster.local', 'A', 1232),
      noAnswer,
      'cluster.local',
      5,
    );
    expect(
      response.authorities?.map((record) => [record.type, record.name]),
      'the authority section of an NXDOMAIN',
    ).toEqual([['SOA', 'cluster.local']]);
    expect(
      response.additionals?.map((record) => record.type),
      'the additional section, for a query with an OPT record',
    ).toEqual(['OPT']);
    const plain = responseFor(
      query('x', 'A'),
      { ...noAnswer, authoritative: false },
      'cluster.local',
      5,
    );
    expect(
      [plain.authorities, plain.additionals],
      'a reply not authoritative, to a query without OPT',
    ).toEqual([[], []]);
  });

  test('UDP answers are at most 512 bytes, or the size the OPT record announced; larger ones are truncated', () => {
    expect(udpLimit(query('x')), 'no OPT record').toBe(classicUdpSize);
    expect(udpLimit(query('x', 'A', 4096)), 'an OPT record announcing 4096').toBe(4096);
    expect(udpLimit(query('x', 'A', 100)), 'an OPT record announcing less than 512').toBe(512);
    const answers = Array.from({ length: 40 }, (_, i) => ({
      name: 'db.default.svc.cluster.local',
      type: 'A' as const,
      ttl: 5,
      data: `127.244.0.${i + 1}`,
    }));
    const response = responseFor(
      query('db.default.svc.cluster.local'),
      { ...noAnswer, rcode: 'NOERROR', answers },
      'cluster.local',
      5,
    );
    const whole = encodeForUdp(response, 4096);
    expect(dnsPacket.decode(whole).answers?.length, '40 A records with room for 4096 bytes').toBe(
      40,
    );
    const cut = dnsPacket.decode(encodeForUdp(response, 512));
    expect(
      [cut.flag_tc, cut.answers?.length, cut.questions?.length],
      '40 A records in 512 bytes: TC, no answers, the question',
    ).toEqual([true, 0, 1]);
  });

  test('TCP messages are led by their length, and may arrive split anywhere or several at once', () => {
    const one = dnsPacket.encode(query('a.cluster.local'));
    const two = dnsPacket.encode(query('b.cluster.local'));
    expect(frameForTcp(one).readUInt16BE(0), 'the first two bytes of a framed message').toBe(
      one.length,
    );
    const stream = Buffer.concat([frameForTcp(one), frameForTcp(two)]);
    const framer = new TcpFramer();
    expect(framer.push(stream.subarray(0, 1)), 'half of the first length').toEqual([]);
    expect(framer.push(stream.subarray(1, 10)), 'the length and a few bytes').toEqual([]);
    expect(framer.push(stream.subarray(10)), 'the rest: both messages').toEqual([one, two]);
  });

  test('a message that cannot be read gets FORMERR with its id; one too short for an id gets nothing', () => {
    const answer = formatErrorFor(Buffer.from([0x12, 0x34, 0xff]));
    expect(
      answer && [dnsPacket.decode(answer).id, rcodeOf(dnsPacket.decode(answer))],
      'three bytes of garbage starting 0x1234',
    ).toEqual([0x1234, 'FORMERR']);
    expect(formatErrorFor(Buffer.from([1])), 'one byte').toBeUndefined();
  });

  test("handle answers a query's bytes with the response's bytes; what the cluster does not hold is NXDOMAIN", async () => {
    const dns = unstarted();
    const version = dnsPacket.decode(
      (await dns.handle(encoded('dns-version.cluster.local', 'TXT'), 'udp'))!,
    );
    expect(
      [version.id, version.answers?.map((record) => String(dataOf(record)))],
      'handle a TXT query (id 4242) for dns-version.cluster.local',
    ).toEqual([4242, ['1.1.0']]);
    const missing = dnsPacket.decode(
      (await dns.handle(encoded('web.default.svc.cluster.local'), 'tcp'))!,
    );
    expect(rcodeOf(missing), 'handle an A query for a Service the server has not seen').toBe(
      'NXDOMAIN',
    );
    expect(
      dns.objects().services(),
      'objects() of a server not started: its informers are empty',
    ).toEqual([]);
  });

  test('handle: garbage is FORMERR, and a response gets no answer at all', async () => {
    const dns = unstarted();
    const garbage = dnsPacket.decode((await dns.handle(Buffer.from([0, 7, 1, 2, 3]), 'udp'))!);
    expect([garbage.id, rcodeOf(garbage)], 'five bytes of garbage starting 0x0007').toEqual([
      7,
      'FORMERR',
    ]);
    const response = dnsPacket.encode({ ...query('x'), type: 'response' });
    expect(await dns.handle(response, 'udp'), 'a response sent to the server').toBeUndefined();
  });

  test('handle: two questions are FORMERR, another opcode than QUERY is NOTIMP', async () => {
    const dns = unstarted();
    const rcode = async (message: Buffer) =>
      rcodeOf(dnsPacket.decode((await dns.handle(message, 'udp'))!));
    const two = {
      ...query('a.cluster.local'),
      questions: [...query('a.cluster.local').questions!, ...query('b.cluster.local').questions!],
    };
    expect(await rcode(dnsPacket.encode(two)), 'a query with two questions').toBe('FORMERR');
    const notify = { ...query('cluster.local'), flags: 4 << 11 };
    expect(await rcode(dnsPacket.encode(notify)), 'opcode 4 (NOTIFY)').toBe('NOTIMP');
  });

  test("over UDP it answers from the Services it watches, and a new Service's name resolves as it is created", async () => {
    const { port, services } = await setUp();
    await services.create({
      metadata: { name: 'web', namespace: 'default' },
      spec: { clusterIP: '127.96.0.20', ports: [{ port: 80 }] },
    });
    await waitFor(
      async () => rcodeOf(await ask(port, 'web.default.svc.cluster.local')) === 'NOERROR',
      'web.default to resolve',
    );
    const answer = await ask(port, 'web.default.svc.cluster.local');
    expect(answer.answers?.map(dataOf), 'A web.default.svc.cluster.local over UDP').toEqual([
      '127.96.0.20',
    ]);
    await services.delete('web');
    await waitFor(
      async () => rcodeOf(await ask(port, 'web.default.svc.cluster.local')) === 'NXDOMAIN',
      'web.default to be NXDOMAIN once deleted',
    );
  });

  test("a headless Service's answer follows its Endpoints as pods become ready and go", async () => {
    const { port, services, slices } = await setUp();
    await services.create({
      metadata: { name: 'db', namespace: 'default' },
      spec: { clusterIP: 'None', ports: [{ port: 80 }] },
    });
    const ips = async () =>
      ((await ask(port, 'db.default.svc.cluster.local')).answers ?? []).map(dataOf).sort();
    const pods = ['127.244.2.1', '127.244.2.2'];
    const setReady = async (ready: string[]) => {
      const endpoints = pods.map((ip) => ({
        addresses: [ip],
        conditions: { ready: ready.includes(ip) },
      }));
      const object = sliceOf('db', 'db-abcde', endpoints);
      const current = await slices.get('db-abcde').catch(() => undefined);
      if (current) await slices.update({ ...object, metadata: current.metadata });
      else await slices.create(object);
    };
    await setReady(pods);
    await waitFor(async () => (await ips()).length === 2, 'db.default to answer with two pods');
    expect(await ips(), 'A db.default with pods 127.244.2.1 and .2 ready').toEqual([
      '127.244.2.1',
      '127.244.2.2',
    ]);
    await setReady(['127.244.2.2']);
    await waitFor(async () => (await ips()).length === 1, 'db.default to answer with one pod');
    expect(await ips(), 'A db.default once 127.244.2.1 is no longer ready').toEqual([
      '127.244.2.2',
    ]);
  });

  test('over UDP, garbage gets FORMERR and a response gets no answer, from the socket', async () => {
    const { port } = await setUp();
    const garbage = dnsPacket.decode(await overUdp(port, Buffer.from([0, 7, 1, 2, 3])));
    expect([garbage.id, rcodeOf(garbage)], 'five bytes of garbage over UDP').toEqual([
      7,
      'FORMERR',
    ]);
    const response = dnsPacket.encode({ ...query('x'), id: 1, type: 'response' });
    const version = dnsPacket.decode(
      await overUdp(port, response, dnsPacket.encode(query('dns-version.cluster.local', 'TXT'))),
    );
    expect(
      version.id,
      'a response, then a query (id 4242), sent from one socket: the first answer',
    ).toBe(4242);
    expect(
      version.answers?.map((record) => String(dataOf(record))),
      'TXT dns-version.cluster.local',
    ).toEqual(['1.1.0']);
  });

  test('a large answer is truncated over UDP and comes whole over TCP', async () => {
    const { port, services, slices } = await setUp();
    await services.create({
      metadata: { name: 'db', namespace: 'default' },
      spec: { clusterIP: 'None', ports: [{ port: 80 }] },
    });
    const endpoints = Array.from({ length: 40 }, (_, i) => ({ addresses: [`127.244.3.${i + 1}`] }));
    await slices.create(sliceOf('db', 'db-first', endpoints.slice(0, 20)));
    await slices.create(sliceOf('db', 'db-second', endpoints.slice(20)));
    await waitFor(
      async () => (await ask(port, 'db.default.svc.cluster.local')).flag_tc,
      'db.default to answer truncated',
    );
    const tcp = dnsPacket.decode(
      await overTcp(port, dnsPacket.encode(query('db.default.svc.cluster.local'))),
    );
    expect(
      tcp.answers?.length,
      'A db.default.svc.cluster.local over TCP, 40 ready endpoints in two slices',
    ).toBe(40);
  });

  test('several questions on one TCP connection are answered in the order asked', async () => {
    const { port } = await setUp();
    const socket = createConnection({ host: '127.0.0.1', port });
    scope.stopper().signal.addEventListener('abort', () => socket.destroy());
    const framer = new TcpFramer();
    const ids: number[] = [];
    const three = new Promise<void>((resolve) =>
      socket.on('data', (chunk: Buffer) => {
        for (const message of framer.push(chunk)) ids.push(dnsPacket.decode(message).id!);
        if (ids.length === 3) resolve();
      }),
    );
    const names = ['dns-version.cluster.local', 'example.com', 'nothing.default.svc.cluster.local'];
    const messages = names.map((name, i) =>
      frameForTcp(dnsPacket.encode({ ...query(name), id: i + 1 })),
    );
    socket.write(Buffer.concat(messages));
    await three;
    expect(ids, 'three queries (ids 1, 2, 3) written at once on one connection').toEqual([1, 2, 3]);
  });

  test('close ends the connections and frees the port', async () => {
    const { dns, port } = await setUp();
    const connection = createConnection({ host: '127.0.0.1', port });
    await new Promise((resolve) => connection.once('connect', resolve));
    const closed = new Promise((resolve) => connection.once('close', resolve));
    await dns.close();
    await closed;
    const again = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.bind(port, '127.0.0.1', resolve);
    });
    again.close();
    expect(connection.destroyed, 'a TCP connection open when the server closed').toBe(true);
  });
  test('names outside the cluster are REFUSED without an upstream, and forwarded to one as they came', async () => {
    const refused = dnsPacket.decode((await unstarted().handle(encoded('example.com'), 'udp'))!);
    expect(rcodeOf(refused), 'A example.com, no upstream').toBe('REFUSED');
    const upstream = await fakeUpstream('203.0.113.7');
    const dns = unstarted({ upstream: `127.0.0.1:${upstream.port}` });
    const answer = dnsPacket.decode((await dns.handle(encoded('example.com'), 'udp'))!);
    expect(
      answer.answers?.map(dataOf),
      'A example.com, forwarded to an upstream answering 203.0.113.7',
    ).toEqual(['203.0.113.7']);
    expect(upstream.asked, 'what the upstream was asked').toEqual(['example.com']);
  });

  test('an upstream that does not answer in time: SERVFAIL', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    scope.stopper().signal.addEventListener('abort', () => silent.close());
    const dns = unstarted({
      upstream: `127.0.0.1:${silent.address().port}`,
      upstreamTimeoutMs: 50,
    });
    const answer = dnsPacket.decode((await dns.handle(encoded('example.com'), 'udp'))!);
    expect(
      [answer.id, rcodeOf(answer)],
      'A example.com (id 4242), the upstream silent for 50 ms',
    ).toEqual([4242, 'SERVFAIL']);
  });
});
