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
// The answers come from the informers' caches: a question costs no request to the API server, and
// a Service created is answered as soon as its watch event arrives.
import type { Socket } from 'node:net';
import type { Packet } from 'dns-packet';
import type { ApiClient, Toolkit } from '../../harness/client/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { ClusterObjects, Rcode, Reply } from './records.ts';

const section = '§ The server';

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
 * set (AA only for an authoritative reply: dnsPacket.AUTHORITATIVE_ANSWER), RD copied
 * (dnsPacket.RECURSION_DESIRED), the rcode in the low four bits of the flags; the zone's SOA
 * (soaRecord) in the authority section of an authoritative reply with no answers; after the
 * reply's additionals, an OPT record (EDNS0, udpPayloadSize 1232) when the query had one.
 */
export function responseFor(query: Packet, reply: Reply, zone: string, ttl: number): Packet {
  throw new NotImplemented('responseFor', section);
}

/** The largest UDP answer the client takes: the size in its OPT record (at least 512), else 512. */
export function udpLimit(query: Packet): number {
  throw new NotImplemented('udpLimit', section);
}

/**
 * A response as a UDP datagram: whole (dnsPacket.encode) when it fits in `limit` bytes; else its
 * header and question only, with dnsPacket.TRUNCATED_RESPONSE set, so that the client asks again
 * over TCP.
 */
export function encodeForUdp(response: Packet, limit: number): Buffer {
  throw new NotImplemented('encodeForUdp', section);
}

/**
 * Splits a TCP byte stream into DNS messages: each is led by its length, two bytes big-endian.
 * Chunks may end anywhere, inside the length too; push each as it comes and get the messages it
 * completed.
 */
export class TcpFramer {
  push(chunk: Buffer): Buffer[] {
    throw new NotImplemented('TcpFramer.push', section);
  }
}

/** A message as TCP sends it: its length in two bytes, then the message. */
export function frameForTcp(message: Buffer): Buffer {
  throw new NotImplemented('frameForTcp', section);
}

/** A FORMERR answer to a message that could not be read; undefined when not even its id came. */
export function formatErrorFor(message: Buffer): Buffer | undefined {
  throw new NotImplemented('formatErrorFor', section);
}

export class DnsServer {
  private readonly options: DnsServerOptions;
  readonly zone: string;
  readonly ttl: number;

  /**
   * Keeps the options; the informers on Services and EndpointSlices (all namespaces) are yours to
   * add.
   */
  constructor(options: DnsServerOptions) {
    this.options = options;
    this.zone = options.zone ?? 'cluster.local';
    this.ttl = options.ttl ?? 5;
  }

  /** What the server knows of the cluster, as records.ts reads it: the informers' caches. */
  objects(): ClusterObjects {
    throw new NotImplemented('DnsServer.objects', section);
  }

  /**
   * The answer to one message, as the bytes to send back over `transport`; undefined when nothing
   * should be sent (an answer, not a question, or a message too short to have an id). A message
   * that cannot be decoded gets formatErrorFor; an opcode other than 0 (a query) NOTIMP; not
   * exactly one question FORMERR. A reply that is not authoritative goes to the upstream, when
   * there is one, as the message came; its answer is the answer (SERVFAIL when none comes in
   * upstreamTimeoutMs). Over UDP the response is cut to udpLimit(query).
   */
  async handle(message: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    throw new NotImplemented('DnsServer.handle', section);
  }

  /**
   * Sends `message` as it came, from a new udp4 socket, to options.upstream ("ip:port", port 53
   * when none is given); the first datagram back is the answer. When none comes within
   * upstreamTimeoutMs (2000 by default), the answer is a SERVFAIL response to `query`.
   */
  forward(message: Buffer, query: Packet): Promise<Buffer> {
    throw new NotImplemented('DnsServer.forward', section);
  }

  /**
   * Starts the informers and waits for their first list (a server that answered before would say
   * NXDOMAIN for Services that exist), then listens on the address for UDP (listenUdp, with the
   * port of the options), and for TCP on the port UDP got (listenTcp). Resolves with that port.
   * Asked for any port (0), it tries again (closing the UDP socket) when the port UDP got is taken
   * for TCP: the kernel picks a free UDP port, not one free for both.
   */
  async start(): Promise<number> {
    throw new NotImplemented('DnsServer.start', section);
  }

  /**
   * Binds a udp4 socket to the address and `port` (0: any free one); each datagram goes to
   * handle(message, 'udp') and what it answers back to the sender (nothing for undefined).
   * Resolves with the port bound. A port below 1024 refused for want of privilege says so.
   */
  async listenUdp(port: number): Promise<number> {
    throw new NotImplemented('DnsServer.listenUdp', section);
  }

  /** Listens for TCP on the address and `port`; each connection goes to serveConnection. */
  async listenTcp(port: number): Promise<void> {
    throw new NotImplemented('DnsServer.listenTcp', section);
  }

  /**
   * One TCP connection: its bytes go through a TcpFramer; each message is answered with
   * handle(message, 'tcp'), framed, in the order the messages came (an answer that is ready early
   * waits for the ones before it). Keep the socket, so that close() can end it.
   */
  serveConnection(socket: Socket): void {
    throw new NotImplemented('DnsServer.serveConnection', section);
  }

  /** Stops answering: the informers, both sockets and every open connection. */
  async close(): Promise<void> {
    throw new NotImplemented('DnsServer.close', section);
  }
}

/** A DNS server for the cluster; `start()` runs it. */
export function createDnsServer(options: DnsServerOptions): DnsServer {
  return new DnsServer(options);
}
