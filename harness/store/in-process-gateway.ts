// Runs one unary request of etcd's JSON gateway (a put, a range, a lease grant) on a member's own
// store in this process, through chapter 02's serveUnary and errorAnswer, with no loopback socket
// between them. It is the state machine's apply of the replicated store (chapter 16b): every member
// applies every entry, one after another, and a round trip through a socket and the event loop per
// entry capped a member at a few hundred writes a second. The answer is byte for byte the one the
// store's own port gives. A chapter 02 without those exports is reached over its port instead.
import { Readable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Applied } from '../contracts/raft-server.ts';
import type { MvccStore } from './types.ts';

/** What this needs of chapter 02's server.ts, beyond its contract. */
export interface GatewayExports {
  serveUnary(
    state: unknown,
    path: string,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void>;
  errorAnswer(error: unknown): { status: number; code: number; message: string };
  memberHeader(name: string): (revision: number) => unknown;
}

/** Whether a loaded server.ts has what an in-process gateway needs. */
export function hasGatewayExports(module: object): module is GatewayExports {
  const exports = module as Partial<GatewayExports>;
  return (
    typeof exports.serveUnary === 'function' &&
    typeof exports.errorAnswer === 'function' &&
    typeof exports.memberHeader === 'function'
  );
}

/** A response that keeps what serveUnary writes: the status, then the body. */
function capture(resolve: (applied: Applied) => void): ServerResponse {
  let status = 200;
  const response = {
    headersSent: false,
    setHeader() {},
    writeHead(code: number) {
      status = code;
      response.headersSent = true;
      return response;
    },
    end(body?: string) {
      resolve({ status, body: body ?? '' });
      return response;
    },
  };
  return response as unknown as ServerResponse;
}

/**
 * The store's unary endpoints as a function, for a store named `name` (its header's IDs, which
 * the member server replaces with the cluster's). Errors come back as the port answers them.
 */
export function inProcessGateway(
  server: GatewayExports,
  store: MvccStore,
  name: string,
): (command: { path: string; body: string }) => Promise<Applied> {
  const state = {
    store,
    durability: undefined,
    maxRequestBytes: 1.5 * 1024 * 1024,
    progressNotifyIntervalMs: 10 * 60 * 1000,
    header: server.memberHeader(name),
  };
  return (command) =>
    new Promise<Applied>((resolve) => {
      const request = Readable.from([Buffer.from(command.body)]) as unknown as IncomingMessage;
      server.serveUnary(state, command.path, request, capture(resolve)).catch((error: unknown) => {
        const { status, code, message } = server.errorAnswer(error);
        resolve({ status, body: JSON.stringify({ error: message, message, code }) });
      });
    });
}
