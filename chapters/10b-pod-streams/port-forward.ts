// Port forwarding: one SPDY connection from kubectl, many TCP connections to the pod.
//
// For each connection made to its local port, kubectl opens two SPDY streams that share a
// `requestid` header: an error stream (streamtype: error) and a data stream (streamtype: data),
// both naming the pod's `port`. The kubelet answers each SYN_STREAM with a SYN_REPLY; once it has
// both streams of a request it connects to the pod's IP on that port, and copies bytes both ways
// in data frames. When the pod's side ends, the data stream ends (a data frame with FIN), then the
// error stream, which carries a message first if the connection failed. kubectl resets a data
// stream (RST_STREAM) when it is done with it, and pings the connection now and then.
import type { Duplex } from 'node:stream';
import {
  controlFrame,
  dataFrame,
  flagFin,
  FrameReader,
  frameTypes,
  HeaderCompression,
  readSynStream,
  rstStatus,
  rstStream,
  streamIdOf,
  synReply,
  type SpdyFrame,
  type SpdyHeaders,
} from './spdy.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Port forwarding';

/** What a session needs of the world: a way to send bytes back, and to reach the pod's ports. */
export interface PortForwardEnds {
  /** Sends bytes to kubectl (a WebSocket message, or a write on the upgraded socket). */
  send(bytes: Buffer): void;
  /** Connects to the pod on `port`. */
  dial(port: number): Duplex;
  /** Names the pod and its address in messages: `default/web (127.244.0.5)`. */
  pod: string;
}

/** The two streams of one forwarded connection, as they arrive. */
interface ForwardRequest {
  port: number;
  errorStream?: number;
  dataStream?: number;
  connection?: Duplex;
}

export class PortForwardSession {
  constructor(ends: PortForwardEnds) {
    void ends;
  }

  /** Bytes from kubectl, in any pieces. */
  receive(bytes: Buffer): void {
    throw new NotImplemented('PortForwardSession.receive', section);
  }

  /** Ends every forwarded connection. */
  close(): void {
    throw new NotImplemented('PortForwardSession.close', section);
  }
}
