// Remote command channels: how `kubectl exec` and `kubectl attach` talk to a container once the
// connection is a WebSocket.
//
// kubectl 1.32 asks for the subprotocol v5.channel.k8s.io (client-go's WebSocket executor; SPDY
// is its fallback when the upgrade fails). Every WebSocket message is binary: its first byte names
// a channel, the rest is that channel's bytes.
//
//   0 stdin    client -> server    what the user types
//   1 stdout   server -> client
//   2 stderr   server -> client    (absent with a tty: a terminal has one output)
//   3 error    server -> client    once, at the end: a Status saying how the command ended
//   4 resize   client -> server    {"Width":80,"Height":24} when the terminal changes size
//   255 close  client -> server    [255, 0]: stdin is done (v5's addition: end of input)
//
// The query of the request says what the client wants: `command` (repeated, one per word),
// `container`, and `stdin`, `stdout`, `stderr`, `tty` as booleans.
import type { Status } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Remote command channels';

/** The WebSocket subprotocol kubectl 1.32 asks for first. */
export const remoteCommandProtocol = 'v5.channel.k8s.io';

export const stdinChannel = 0;
export const stdoutChannel = 1;
export const stderrChannel = 2;
export const errorChannel = 3;
export const resizeChannel = 4;
export const closeChannel = 255;

/** One message: the channel byte, then the bytes. */
export function frame(channel: number, bytes: Uint8Array | string): Buffer {
  throw new NotImplemented('frame', section);
}

/** A message read back: its channel and its bytes. An empty message has no channel: an error. */
export function readFrame(message: Buffer): { channel: number; bytes: Buffer } {
  throw new NotImplemented('readFrame', section);
}

/** What an exec or attach asks for, read from its query. */
export interface StreamRequest {
  command: string[];
  container?: string;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/**
 * The request in a query. At least one stream must be asked for; a tty has no stderr (kube
 * rejects both together).
 */
export function streamRequest(query: URLSearchParams): StreamRequest {
  throw new NotImplemented('streamRequest', section);
}

/**
 * The Status the error channel carries when a command has ended: Success for exit code 0; else a
 * Failure with reason NonZeroExitCode and the code as the message of an ExitCode cause, which
 * kubectl turns into "command terminated with exit code N" and its own exit code.
 */
export function exitStatus(exitCode: number): Status {
  throw new NotImplemented('exitStatus', section);
}

/** A terminal's new size, from a resize message's JSON. */
export function readResize(bytes: Buffer): { width: number; height: number } {
  throw new NotImplemented('readResize', section);
}
