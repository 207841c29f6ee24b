// One client port for two protocols, as etcd serves gRPC and its JSON gateway on 2379.
//
// Every HTTP/2 connection opens with the same 24 bytes, the connection preface
// "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"; an HTTP/1.1 request opens with a method ("POST /v3/kv/put ...").
// So the listener reads a connection's first bytes and knows: the preface goes to the gRPC server,
// anything else to the HTTP server, with the bytes already read handed over with it. (etcd does the
// same with its cmux package, which matches the preface and the content-type.) gRPC clients such as
// etcdctl speak HTTP/2 without TLS from their first byte ("prior knowledge"), so the preface is
// always there.
import { NotImplemented } from '../../harness/not-implemented.ts';
import net from 'node:net';
import type { Duplex } from 'node:stream';

/** The bytes every HTTP/2 connection starts with (RFC 9113, section 3.4). */
export const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/**
 * Which protocol a connection speaks, from its first bytes: 'grpc' once the whole preface is
 * there, 'http' as soon as a byte differs from it, undefined while more bytes are needed.
 */
export function protocolOf(start: Uint8Array): 'grpc' | 'http' | undefined {
  throw new NotImplemented('protocolOf', '§ One port, two protocols');
}

/** Where the listener hands each connection. */
export interface ClientPortHandlers {
  grpc(connection: Duplex): void;
  http(connection: Duplex): void;
}

/**
 * Reads a connection's first bytes until protocolOf decides, then puts them back (unshift) and
 * hands the connection over, paused: the server that takes it reads them again.
 */
export function sniffConnection(socket: net.Socket, handlers: ClientPortHandlers): void {
  throw new NotImplemented('sniffConnection', '§ One port, two protocols');
}

/** The listening port. */
export interface ClientPort {
  /** The URL clients use, e.g. http://127.0.0.1:2379. */
  url: string;
  /** Stops listening and ends every connection it accepted. */
  close(): Promise<void>;
}

/** Listens on one address and sorts every connection it accepts. */
export function listenClientPort(
  port: number,
  host: string,
  handlers: ClientPortHandlers,
): Promise<ClientPort> {
  throw new NotImplemented('listenClientPort', '§ One port, two protocols');
}
