// Watches on a replicated member, over its own store's JSON watch stream: a member serves watches
// from its store. One gRPC Watch stream is one POST /v3/watch on the store: each WatchRequest the
// client sends (create, cancel, progress) is written to the request body as gateway JSON, and each
// {"result":...} line of the answer goes back as a WatchResponse; an {"error":...} line ends the
// call with its status. A stream that ends from the store's side (the member loaded a snapshot,
// which replaced its store) ends the call Unavailable, and the client watches again, as it does
// when an etcd member goes away. The member's JSON gateway relays POST /v3/watch the same way
// (pipeWatch), line by line as the store writes them. On both, each answer carries the member's
// header (its cluster, member and raft term, the store's revision kept), as etcd's members answer,
// not the single store's own.
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type * as grpc from '@grpc/grpc-js';
import { gatewayBody, protoMessageOf } from './grpc-json.ts';
import type { ProtoMessage } from './grpc.ts';
import { onLines } from '../lines.ts';

/** gRPC's Unavailable: the member's store cannot be reached, the client may try again. */
const UNAVAILABLE = 14;

/** One line of the store's watch answer. */
interface WatchLine {
  result?: unknown;
  error?: { grpc_code?: number; message?: string };
}

/** The member's header fields: cluster_id, member_id, raft_term. */
type MemberHeader = () => Record<string, string>;

/** A watch answer (a line's result) under the member's header, the store's revision kept. */
export function underMemberHeader(result: unknown, header: MemberHeader): unknown {
  const answer = result as { header?: { revision?: string } } | undefined;
  if (!answer?.header) return result;
  const { cluster_id, member_id, raft_term } = header();
  const revision = answer.header.revision ?? '0';
  return { ...answer, header: { cluster_id, member_id, revision, raft_term } };
}

/** The Watch method: each call bridged to a watch stream on the store at `storeUrl()`. */
export function watchOnStore(
  storeUrl: () => string,
  header: MemberHeader,
): grpc.handleBidiStreamingCall<ProtoMessage, ProtoMessage> {
  return (call) => {
    const upstream = httpRequest(new URL('/v3/watch', storeUrl()), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    const fail = (details: string, code = UNAVAILABLE) => call.emit('error', { code, details });
    upstream.on('response', (reply) => relayAnswer(reply, call, fail, header));
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
  header: MemberHeader,
): void {
  onLines(
    reply,
    (lines) => {
      for (const line of lines) {
        if (line.trim() === '') continue;
        if (reply.statusCode !== 200) return fail(refusal(line), codeOf(line));
        const parsed = JSON.parse(line) as WatchLine;
        if (parsed.error) {
          return fail(parsed.error.message ?? 'etcdserver: watch failed', parsed.error.grpc_code);
        }
        call.write(protoMessageOf(underMemberHeader(parsed.result, header)));
      }
    },
    (rest) => {
      if (reply.statusCode !== 200 && rest.trim()) return fail(refusal(rest), codeOf(rest));
      fail('etcdserver: the member ended the watch stream; watch again');
    },
  );
  reply.on('error', (error) => fail(`etcdserver: ${error.message}`));
}

/**
 * The JSON gateway's POST /v3/watch on a member: the request streamed to the store's watch route,
 * each {"result":...} line of its answer written back under the member's header as it comes; any
 * other line (an error), and a refusal, as the store wrote it.
 */
export function pipeWatch(
  storeUrl: string,
  request: IncomingMessage,
  response: ServerResponse,
  header: MemberHeader,
): void {
  const upstream = httpRequest(
    new URL(request.url ?? '/v3/watch', storeUrl),
    { method: 'POST', headers: request.headers },
    (reply) => {
      const { 'content-length': _length, ...headers } = reply.headers;
      response.writeHead(
        reply.statusCode ?? 502,
        reply.statusCode === 200 ? headers : reply.headers,
      );
      if (reply.statusCode !== 200) return void reply.pipe(response);
      relayLines(reply, response, header);
    },
  );
  upstream.on('error', (error) => {
    if (response.headersSent) return void response.destroy();
    const message = `etcdserver: ${error.message}`;
    response.writeHead(503, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: message, code: UNAVAILABLE, message }));
  });
  response.on('close', () => upstream.destroy());
  request.pipe(upstream);
}

/** Copies the store's watch lines to `response`, each result under the member's header. */
function relayLines(reply: IncomingMessage, response: ServerResponse, header: MemberHeader): void {
  onLines(
    reply,
    (lines) => {
      let out = '';
      for (const line of lines) out += `${underMemberHeaderLine(line, header)}\n`;
      if (out) response.write(out);
    },
    (rest) => response.end(rest),
  );
  reply.on('error', () => response.destroy());
}

/** One line of the store's watch answer, its result (if any) under the member's header. */
function underMemberHeaderLine(line: string, header: MemberHeader): string {
  let parsed: WatchLine;
  try {
    parsed = JSON.parse(line) as WatchLine;
  } catch {
    return line;
  }
  if (parsed.result === undefined) return line;
  return JSON.stringify({ ...parsed, result: underMemberHeader(parsed.result, header) });
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
