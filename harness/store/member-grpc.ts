// The gRPC a replicated member answers on its client port, beside its JSON gateway: etcd's cluster
// calls, which etcdctl needs to see and steer a cluster (Maintenance.Status for `endpoint status`,
// Maintenance.MoveLeader for `move-leader`, Cluster.MemberList for `member list`). Each call is
// answered by the same code as its JSON route (member-server.ts), its JSON answer turned into the
// proto message. The KV, Watch and Lease services are not served here yet: gRPC answers them
// Unimplemented, and clients of a replicated store use the JSON gateway.
//
// One port, two protocols, as etcd's cmux does it: a connection that opens with HTTP/2's preface
// goes to the gRPC server, any other to the HTTP server, with the bytes read so far put back.
import net from 'node:net';
import type { Server } from 'node:http';
import type * as grpc from '@grpc/grpc-js';
import type { Applied } from '../contracts/raft-server.ts';
import { addService, createGrpcServer, type GrpcServer, type MethodTable } from './grpc-server.ts';
import { serviceDefinition, type ProtoMessage } from './grpc.ts';

/** The bytes every HTTP/2 connection starts with (RFC 9113, section 3.4). */
const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** What the member answers, each as its JSON route answers it. */
export interface MemberCalls {
  status(): Promise<Applied>;
  memberList(): Promise<Applied>;
  moveLeader(targetId: string): Promise<Applied>;
}

/** etcd's JSON header (cluster_id, member_id, raft_term) in the proto's field names. */
function protoHeader(header: Record<string, string> | undefined): ProtoMessage | undefined {
  if (!header) return undefined;
  return {
    clusterId: header.cluster_id,
    memberId: header.member_id,
    raftTerm: header.raft_term,
    revision: header.revision ?? '0',
  };
}

/** A JSON answer as a unary call's result: the message on success, the gRPC status otherwise. */
function answerCall(
  applied: Applied,
  callback: grpc.sendUnaryData<ProtoMessage>,
  toMessage: (body: ProtoMessage) => ProtoMessage,
): void {
  const body = JSON.parse(applied.body) as ProtoMessage;
  if (applied.status === 200) return callback(null, toMessage(body));
  callback({ code: body.code ?? 2, details: body.message ?? body.error ?? 'etcdserver: error' });
}

/** A unary handler over one of the member's JSON answers. */
function unary(
  answer: (request: ProtoMessage) => Promise<Applied>,
  toMessage: (body: ProtoMessage) => ProtoMessage = (body) => ({
    ...body,
    header: protoHeader(body.header),
  }),
): grpc.handleUnaryCall<ProtoMessage, ProtoMessage> {
  return (call, callback) => {
    answer(call.request).then(
      (applied) => answerCall(applied, callback, toMessage),
      (error: Error) => callback({ code: 14, details: error.message }),
    );
  };
}

/** The member's gRPC server: the calls above, every other one Unimplemented. */
export function createMemberGrpcServer(calls: MemberCalls): GrpcServer {
  const methods: MethodTable = new Map();
  addService(methods, serviceDefinition('Maintenance'), {
    Status: unary(() => calls.status()),
    MoveLeader: unary((request) => calls.moveLeader(String(request.targetID ?? '0'))),
  });
  addService(methods, serviceDefinition('Cluster'), {
    MemberList: unary(() => calls.memberList()),
  });
  return createGrpcServer(methods);
}

/**
 * A listener that sorts its connections by their first bytes: HTTP/2's preface to `grpcServer`,
 * anything else to `httpServer` (which never listens itself).
 */
export function sharedClientPort(httpServer: Server, grpcServer: GrpcServer): net.Server {
  return net.createServer((socket) => {
    let start = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      start = Buffer.concat([start, chunk]);
      const compared = Math.min(start.length, HTTP2_PREFACE.length);
      const isGrpc = start.subarray(0, compared).equals(HTTP2_PREFACE.subarray(0, compared));
      if (isGrpc && compared < HTTP2_PREFACE.length) return;
      socket.off('data', onData);
      socket.pause();
      socket.unshift(start);
      if (isGrpc) grpcServer.serveConnection(socket);
      else {
        httpServer.emit('connection', socket);
        socket.resume(); // the HTTP server reads only a flowing socket
      }
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
  });
}
