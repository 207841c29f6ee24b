// etcd's Watch service on a replicated member, over its own store's JSON watch stream: a member
// serves watches from its store, as its JSON gateway does (member-server.ts hands POST /v3/watch
// to the store). One gRPC Watch stream is one POST /v3/watch on the store: each WatchRequest the
// client sends (create, cancel, progress) is written to the request body as gateway JSON, and each
// {"result":...} line of the answer goes back as a WatchResponse; an {"error":...} line ends the
// call with its status. A stream that ends from the store's side (the member loaded a snapshot,
// which replaced its store) ends the call Unavailable, and the client watches again, as it does
// when an etcd member goes away.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type * as grpc from '@grpc/grpc-js';
import { gatewayBody, protoMessageOf } from './grpc-json.ts';
import type { ProtoMessage } from './grpc.ts';

/** gRPC's Unavailable: the member's store cannot be reached, the client may try again. */
const UNAVAILABLE = 14;

/** One line of the store's watch answer. */
interface WatchLine {
  result?: unknown;
  error?: { grpc_code?: number; message?: string };
}

/** The Watch method: each call bridged to a watch stream on the store at `storeUrl()`. */
export function watchOnStore(
  storeUrl: () => string,
): grpc.handleBidiStreamingCall<ProtoMessage, ProtoMessage> {
  return (call) => {
    const upstream = httpRequest(new URL('/v3/watch', storeUrl()), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    const fail = (details: string, code = UNAVAILABLE) => call.emit('error', { code, details });
    upstream.on('response', (reply) => relayAnswer(reply, call, fail));
    upstream.on('error', (error) => fail(`etcdserver: ${error.message}`));
    call.on('data', (request: ProtoMessage) => upstream.write(gatewayBody(request)));
    // As etcd does, the watches stay after the client ends its side; the call ends when it leaves.
    call.on('end', () => upstream.end());
    call.on('close', () => upstream.destroy());
    call.on('error', () => undefined);
    upstream.flushHeaders();
  };
}

/** Passes the store's answer to the call: its lines as messages, a refusal as the call's status. */
function relayAnswer(
  reply: IncomingMessage,
  call: grpc.ServerDuplexStream<ProtoMessage, ProtoMessage>,
  fail: (details: string, code?: number) => void,
): void {
  reply.setEncoding('utf8');
  let text = '';
  reply.on('data', (chunk: string) => {
    text += chunk;
    const lines = text.split('\n');
    text = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      if (reply.statusCode !== 200) return fail(refusal(line), codeOf(line));
      const parsed = JSON.parse(line) as WatchLine;
      if (parsed.error) {
        return fail(parsed.error.message ?? 'etcdserver: watch failed', parsed.error.grpc_code);
      }
      call.write(protoMessageOf(parsed.result));
    }
  });
  reply.on('end', () => {
    if (reply.statusCode !== 200 && text.trim()) return fail(refusal(text), codeOf(text));
    fail('etcdserver: the member ended the watch stream; watch again');
  });
  reply.on('error', (error) => fail(`etcdserver: ${error.message}`));
}

/** The message of a JSON error body ({"error","code","message"}), or the text itself. */
function refusal(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: string };
    return parsed.message ?? body;
  } catch {
    return body;
  }
}

function codeOf(body: string): number {
  try {
    return (JSON.parse(body) as { code?: number }).code ?? UNAVAILABLE;
  } catch {
    return UNAVAILABLE;
  }
}
