// The cluster DNS server: records.ts on the wire, over UDP and TCP, kept current by informers.
//
// A DNS message is a 12-byte header (an id the answer repeats, flags, four counts) followed by the
// question and three sections of records: answers, authorities, additionals. dns-packet reads and
// writes that layout; this file decides what goes in it.
//
// - UDP first: one datagram a question, one an answer. An answer larger than the client can take
//   (512 bytes, or the size it announced in an EDNS0 OPT record) is cut down to its header with the
//   TC ("truncated") flag set, and the client asks again over TCP.
// - TCP: the same messages, each led by its length in two bytes, several on one connection.
// - Names outside the cluster go to an upstream resolver, when there is one (CoreDNS's forward
//   plugin); without one they are REFUSED. Off by default: a kata machine may have no resolver
//   that answers.
// - A negative answer carries the zone's SOA record, whose minimum says how long it may be cached.
//
// The answers come from the informers' caches, of Services and of EndpointSlices (as CoreDNS
// reads them, not the older Endpoints): a question costs no request to the API server, and a
// Service created is answered as soon as its watch event arrives.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import dnsPacket, { type Answer, type Packet } from 'dns-packet';
import type { EndpointSlice, KubeObject, Service } from '../../harness/api/types.ts';
import type { ApiClient, Informer, Toolkit } from '../../harness/client/types.ts';
import {
  answer,
  endpointsFromSlices,
  serviceNameLabel,
  soaRecord,
  type ClusterObjects,
  type Rcode,
  type Reply,
} from './records.ts';

export interface DnsServerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  /** The IP to listen on, for UDP and TCP: the kube-dns Service's ClusterIP in a cluster. */
  address: string;
  /** The port, for UDP and TCP both: 53 in a cluster; 0 for any free one. */
  port: number;
  /** The cluster domain. cluster.local. */
  zone?: string;
  /** Seconds an answer may be cached. 5, as CoreDNS. */
  ttl?: number;
  /** "ip:port" of a resolver for names outside the cluster; without one they are REFUSED. */
  upstream?: string;
  /** How long an upstream has to answer before the client gets SERVFAIL. 2 s. */
  upstreamTimeoutMs?: number;
}

/** The largest answer over UDP to a client that announced no size of its own (RFC 1035). */
export const classicUdpSize = 512;

/** Response codes as the header's low four bits carry them (RFC 1035 § 4.1.1). */
export const rcodeNumbers: Record<Rcode, number> = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
};

/**
 * The response to `query` from the reply to its question: the query's id and question, QR and AA
 * set (AA only for an authoritative reply), RD copied, the rcode in the low bits; the zone's SOA
 * in the authority section when the reply has no answers; an OPT record when the query had one.
 */
export function responseFor(query: Packet, reply: Reply, zone: string, ttl: number): Packet {
  let flags = rcodeNumbers[reply.rcode];
  if (reply.authoritative) flags |= dnsPacket.AUTHORITATIVE_ANSWER;
  flags |= (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
  const negative = reply.authoritative && reply.answers.length === 0;
  const additionals: Answer[] = [...reply.additionals];
  if (ednsOf(query)) additionals.push(optRecord());
  return {
    id: query.id,
    type: 'response',
    flags,
    questions: query.questions,
    answers: reply.answers,
    authorities: negative ? [soaRecord(zone, ttl)] : [],
    additionals,
  };
}

/** The query's EDNS0 OPT record, if it has one. */
function ednsOf(query: Packet): { udpPayloadSize: number } | undefined {
  const opt = (query.additionals ?? []).find((record) => record.type === 'OPT');
  return opt as { udpPayloadSize: number } | undefined;
}

/** The OPT record this server answers with: EDNS0, 1232-byte UDP answers (the DNS flag day's size). */
function optRecord(): Answer {
  return {
    name: '.',
    type: 'OPT',
    udpPayloadSize: 1232,
    extendedRcode: 0,
    ednsVersion: 0,
    flags: 0,
    flag_do: false,
    options: [],
  };
}

/** The largest UDP answer the client takes: the size in its OPT record (at least 512), else 512. */
export function udpLimit(query: Packet): number {
  const edns = ednsOf(query);
  return Math.max(classicUdpSize, edns?.udpPayloadSize ?? classicUdpSize);
}

/**
 * A response as a UDP datagram: whole when it fits in `limit` bytes; else its header and question
 * only, TC set, so that the client asks again over TCP.
 */
export function encodeForUdp(response: Packet, limit: number): Buffer {
  const whole = dnsPacket.encode(response);
  if (whole.length <= limit) return whole;
  return dnsPacket.encode({
    ...response,
    flags: (response.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE,
    answers: [],
    authorities: [],
    additionals: [],
  });
}

/**
 * Splits a TCP byte stream into DNS messages: each is led by its length, two bytes big-endian.
 * Chunks may end anywhere, inside the length too; push each as it comes and get the messages it
 * completed.
 */
export class TcpFramer {
  private pending = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    const messages: Buffer[] = [];
    while (this.pending.length >= 2) {
      const length = this.pending.readUInt16BE(0);
      if (this.pending.length < 2 + length) break;
      messages.push(this.pending.subarray(2, 2 + length));
      this.pending = this.pending.subarray(2 + length);
    }
    return messages;
  }
}

/** A message as TCP sends it: its length in two bytes, then the message. */
export function frameForTcp(message: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(message.length);
  return Buffer.concat([length, message]);
}

/** A FORMERR answer to a message that could not be read; undefined when not even its id came. */
export function formatErrorFor(message: Buffer): Buffer | undefined {
  if (message.length < 2) return undefined;
  const id = message.readUInt16BE(0);
  return dnsPacket.encode({ id, type: 'response', flags: rcodeNumbers.FORMERR });
}

/** A reply with only a response code: a question this server cannot answer at all. */
function failure(rcode: Rcode): Reply {
  return { rcode, answers: [], additionals: [], authoritative: false };
}

/** The key of a slice's Service, "namespace/name", from its label; none for a slice without one. */
function sliceService(slice: KubeObject): string[] {
  const name = slice.metadata.labels?.[serviceNameLabel];
  return name ? [`${slice.metadata.namespace}/${name}`] : [];
}

/** "127.0.0.53:53" as its host and port; 53 when no port is given. */
function splitHostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  if (colon < 0) return { host: address, port: 53 };
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

export class DnsServer {
  private readonly options: DnsServerOptions;
  readonly zone: string;
  readonly ttl: number;
  private readonly services: Informer<Service>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly stop = new AbortController();
  private udp?: UdpSocket;
  private tcp?: Server;
  /** Open TCP connections, ended by close(). */
  private readonly connections = new Set<Socket>();

  constructor(options: DnsServerOptions) {
    this.options = options;
    this.zone = options.zone ?? 'cluster.local';
    this.ttl = options.ttl ?? 5;
    const { toolkit, client } = options;
    this.services = toolkit.createInformer(client.resource<Service>('services'));
    this.slices = toolkit.createInformer(client.resource<EndpointSlice>('endpointslices'), {
      indexers: { service: sliceService },
    });
  }

  /**
   * What the server knows of the cluster, as records.ts reads it: the informers' caches, a
   * Service's endpoints made from its slices (found by the "service" index) at each question.
   */
  objects(): ClusterObjects {
    const endpoints = (namespace: string, name: string) =>
      endpointsFromSlices(namespace, name, this.slices.byIndex('service', `${namespace}/${name}`));
    return {
      service: (namespace, name) => this.services.get(`${namespace}/${name}`),
      endpoints,
      services: () => this.services.list(),
      allEndpoints: () => {
        const keys = new Set(this.slices.list().flatMap(sliceService));
        return [...keys].map((key) => {
          const [namespace, name] = key.split('/') as [string, string];
          return endpoints(namespace, name)!;
        });
      },
    };
  }

  /**
   * The answer to one message, as the bytes to send back over `transport`; undefined when nothing
   * should be sent (an answer, not a question, or a message too short to have an id).
   */
  async handle(message: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    let query: Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return formatErrorFor(message);
    }
    if (query.type === 'response') return undefined;
    const opcode = ((query.flags ?? 0) >> 11) & 0xf;
    const questions = query.questions ?? [];
    let reply: Reply;
    if (opcode !== 0) reply = failure('NOTIMP');
    else if (questions.length !== 1) reply = failure('FORMERR');
    else reply = answer(questions[0]!, this.objects(), this);
    if (
      !reply.authoritative &&
      reply.rcode !== 'NOTIMP' &&
      reply.rcode !== 'FORMERR' &&
      this.options.upstream
    )
      return this.forward(message, query);
    const response = responseFor(query, reply, this.zone, this.ttl);
    return transport === 'udp'
      ? encodeForUdp(response, udpLimit(query))
      : dnsPacket.encode(response);
  }

  /** Sends the message as it came to the upstream resolver, and its answer back; SERVFAIL when none comes. */
  forward(message: Buffer, query: Packet): Promise<Buffer> {
    const { host, port } = splitHostPort(this.options.upstream!);
    return new Promise((resolve) => {
      const socket = createSocket('udp4');
      const finish = (answer: Buffer) => {
        clearTimeout(timer);
        socket.close();
        resolve(answer);
      };
      const servfail = () =>
        finish(dnsPacket.encode(responseFor(query, failure('SERVFAIL'), this.zone, this.ttl)));
      const timer = setTimeout(servfail, this.options.upstreamTimeoutMs ?? 2000);
      socket.on('message', finish);
      socket.on('error', servfail);
      socket.send(message, port, host);
    });
  }

  /**
   * Starts the informers and waits for their first list (a server that answered before would say
   * NXDOMAIN for Services that exist), then listens on the address for UDP, and for TCP on the
   * same port. Resolves with that port. Asked for any port (0), it tries again when the port UDP
   * got is taken for TCP by another program: the kernel picks the two kinds of port apart.
   */
  async start(): Promise<number> {
    this.services.run(this.stop.signal);
    this.slices.run(this.stop.signal);
    await Promise.all([
      this.services.waitForSync(this.stop.signal),
      this.slices.waitForSync(this.stop.signal),
    ]);
    for (let attempt = 1; ; attempt++) {
      const port = await this.listenUdp(this.options.port);
      try {
        await this.listenTcp(port);
        return port;
      } catch (error) {
        this.udp?.close();
        if (this.options.port !== 0 || attempt === 10) throw error;
      }
    }
  }

  /** Binds a UDP socket to the address and `port` (0: any free one); each datagram answered to its sender. */
  async listenUdp(port: number): Promise<number> {
    const udp = createSocket('udp4');
    this.udp = udp;
    await listening(this.options.address, port, (done) => {
      udp.once('error', done);
      udp.bind(port, this.options.address, () => done());
    });
    udp.on('error', () => {});
    udp.on('message', (message, from) => {
      void this.handle(message, 'udp').then((reply) => {
        if (reply) udp.send(reply, from.port, from.address);
      });
    });
    return udp.address().port;
  }

  /** Listens for TCP on the address and `port`; each connection served by serveConnection. */
  async listenTcp(port: number): Promise<void> {
    const tcp = createServer((socket) => this.serveConnection(socket));
    this.tcp = tcp;
    await listening(this.options.address, port, (done) => {
      tcp.once('error', done);
      tcp.listen(port, this.options.address, () => done());
    });
  }

  /** One TCP connection: every message framed in it is answered, in order, on it. */
  serveConnection(socket: Socket): void {
    this.connections.add(socket);
    socket.once('close', () => this.connections.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(30_000, () => socket.destroy());
    const framer = new TcpFramer();
    let answered = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      for (const message of framer.push(chunk)) {
        const reply = this.handle(message, 'tcp');
        answered = answered.then(async () => {
          const bytes = await reply;
          if (bytes && !socket.destroyed) socket.write(frameForTcp(bytes));
        });
      }
    });
  }

  /** Stops answering: the informers, both sockets and every open connection. Twice is once. */
  async close(): Promise<void> {
    this.stop.abort();
    for (const socket of this.connections) socket.destroy();
    const { udp, tcp } = this;
    this.udp = undefined;
    this.tcp = undefined;
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (tcp) await new Promise<void>((resolve) => tcp.close(() => resolve()));
  }
}

/**
 * Runs `listen` (which calls `done` with the error, if any) and says clearly why it failed: a port
 * below 1024 needs privileges, and a port in use names itself.
 */
async function listening(
  address: string,
  port: number,
  listen: (done: (error?: Error) => void) => void,
): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) =>
      listen((error) => (error ? reject(error) : resolve())),
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' && port < 1024)
      throw new Error(
        `cannot listen on ${address}:${port}: ports below 1024 need privileges (root, or the sysctl net.ipv4.ip_unprivileged_port_start); use a port above 1023`,
      );
    if (code === 'EADDRINUSE')
      throw new Error(`cannot listen on ${address}:${port}: the address is in use`);
    throw error;
  }
}

/** A DNS server for the cluster; `start()` runs it. */
export function createDnsServer(options: DnsServerOptions): DnsServer {
  return new DnsServer(options);
}
