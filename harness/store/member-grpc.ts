// The gRPC a replicated member answers on its client port, beside its JSON gateway: etcd's KV,
// Lease and Watch services (what etcdctl get, put, del, txn, compaction, lease and watch send),
// the cluster calls etcdctl needs to see and steer a cluster (Maintenance.Status for `endpoint
// status`, Maintenance.MoveLeader for `move-leader`, Cluster.MemberList for `member list`) and the
// rest of Maintenance (Alarm, Defragment, HashKV and Snapshot, for `alarm list`, `defrag`,
// `endpoint hashkv` and `snapshot save`). Each unary call goes exactly where its JSON route goes
// (member-server.ts: writes through the log, linearizable ranges after the read index, serializable
// ones local, Alarm, Defragment and HashKV answered by the member for itself in
// member-maintenance.ts): its request turned into the gateway's JSON body, the JSON answer turned
// back into the proto message (grpc-json.ts), an error answer into the gRPC status with etcd's code
// and message. LeaseKeepAlive renews each lease as the JSON keep-alive stream does; Watch is served
// from the member's own store under the member's header (member-grpc-watch.ts); Snapshot sends
// chapter 02b's snapshot file of the member's store in pieces. Every answer carries the member's
// header: cluster, member, raft term.
//
// One port, two protocols, as etcd's cmux does it: a connection that opens with HTTP/2's preface
// goes to the gRPC server, any other to the HTTP server, with the bytes read so far put back.
import net from 'node:net';
import type { Server } from 'node:http';
import type * as grpc from '@grpc/grpc-js';
import type { Applied } from '../contracts/raft-server.ts';
import { addService, createGrpcServer, type GrpcServer, type MethodTable } from './grpc-server.ts';
import { gatewayBody, protoMessageOf } from './grpc-json.ts';
import { serviceDefinition, type ProtoMessage } from './grpc.ts';
import { watchOnStore } from './member-grpc-watch.ts';
import type { MemberSnapshot } from './member-maintenance.ts';

/** The bytes every HTTP/2 connection starts with (RFC 9113, section 3.4). */
const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** What the member answers, each as its JSON route answers it. */
export interface MemberCalls {
  status(): Promise<Applied>;
  memberList(): Promise<Applied>;
  moveLeader(targetId: string): Promise<Applied>;
  /** A unary request on its JSON route (`/v3/kv/put`), as the gateway runs it. */
  client(path: string, body: string): Promise<Applied | undefined>;
  /** One renewal of a lease (the ID as a decimal string), as the JSON keep-alive stream renews it. */
  leaseKeepAlive(id: string): Promise<Applied>;
  /** The member's store now, whose watches the member serves. */
  storeUrl(): string;
  /** The member's header fields: cluster_id, member_id, raft_term. */
  header(): Record<string, string>;
  /** The member's store as a snapshot file, or the JSON refusal when it cannot make one. */
  snapshot(): Promise<MemberSnapshot | Applied>;
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

/** A unary call answered by the JSON route at `path`, its request and answer converted. */
function viaRoute(
  calls: MemberCalls,
  path: string,
): grpc.handleUnaryCall<ProtoMessage, ProtoMessage> {
  return unary(async (request) => {
    const applied = await calls.client(path, gatewayBody(request));
    if (!applied) throw new Error(`etcdserver: no route for ${path}`);
    return applied;
  }, protoMessageOf);
}

/** gRPC's NotFound: the code of etcd's "requested lease not found". */
const NOT_FOUND = 5;

/**
 * LeaseKeepAlive: each request renews one lease and is answered with its TTL, in the order asked;
 * the call ends when the client's does. A lease that is gone is answered TTL 0, not an error, as
 * etcd's server answers it: one stream renews all of a client's leases, and must outlive one of
 * them. Any other failure ends the call with its status.
 */
function leaseKeepAlive(
  calls: MemberCalls,
): grpc.handleBidiStreamingCall<ProtoMessage, ProtoMessage> {
  return (call) => {
    let renewing: Promise<void> = Promise.resolve();
    call.on('data', (request: ProtoMessage) => {
      const id = String(request.ID ?? '0');
      renewing = renewing.then(async () => {
        const applied = await calls.leaseKeepAlive(id).catch((error: Error) => ({
          status: 503,
          body: JSON.stringify({ code: 14, message: error.message }),
        }));
        const body = JSON.parse(applied.body) as ProtoMessage;
        if (applied.status === 200) call.write(protoMessageOf(body));
        else if (body.code === NOT_FOUND) call.write({ ID: id, TTL: '0' });
        else
          call.emit('error', {
            code: body.code ?? 2,
            details: body.message ?? 'etcdserver: error',
          });
      });
    });
    call.on('end', () => void renewing.then(() => call.end()));
    call.on('error', () => undefined); // the client went away; nothing to clean up
  };
}

/** The Snapshot stream sends the file in pieces of this many bytes, as etcd does. */
const SNAPSHOT_CHUNK_BYTES = 32 * 1024;

/**
 * Snapshot: the member's store as one file, sent in pieces that each say how many bytes are still
 * to come. The store holds only what the log applied, and the log is on disk before it applies.
 */
function snapshot(calls: MemberCalls): grpc.handleServerStreamingCall<ProtoMessage, ProtoMessage> {
  return (call) => {
    calls.snapshot().then(
      (taken) => {
        if (!('file' in taken)) {
          const body = JSON.parse(taken.body) as ProtoMessage;
          return call.emit('error', { code: body.code ?? 2, details: body.message });
        }
        const { file } = taken;
        const header = protoHeader(taken.header);
        for (let at = 0; at < file.length; at += SNAPSHOT_CHUNK_BYTES) {
          const blob = file.subarray(at, at + SNAPSHOT_CHUNK_BYTES);
          call.write({ header, remainingBytes: String(file.length - at - blob.length), blob });
        }
        call.end();
      },
      (error: Error) => call.emit('error', { code: 14, details: error.message }),
    );
  };
}

/** The member's gRPC server: the calls above, every other one Unimplemented. */
export function createMemberGrpcServer(calls: MemberCalls): GrpcServer {
  const methods: MethodTable = new Map();
  addService(methods, serviceDefinition('KV'), {
    Range: viaRoute(calls, '/v3/kv/range'),
    Put: viaRoute(calls, '/v3/kv/put'),
    DeleteRange: viaRoute(calls, '/v3/kv/deleterange'),
    Txn: viaRoute(calls, '/v3/kv/txn'),
    Compact: viaRoute(calls, '/v3/kv/compaction'),
  });
  addService(methods, serviceDefinition('Lease'), {
    LeaseGrant: viaRoute(calls, '/v3/lease/grant'),
    LeaseRevoke: viaRoute(calls, '/v3/lease/revoke'),
    LeaseTimeToLive: viaRoute(calls, '/v3/lease/timetolive'),
    LeaseLeases: viaRoute(calls, '/v3/lease/leases'),
    LeaseKeepAlive: leaseKeepAlive(calls),
  });
  addService(methods, serviceDefinition('Watch'), {
    Watch: watchOnStore(
      () => calls.storeUrl(),
      () => calls.header(),
    ),
  });
  addService(methods, serviceDefinition('Maintenance'), {
    Status: unary(() => calls.status()),
    MoveLeader: unary((request) => calls.moveLeader(String(request.targetID ?? '0'))),
    Alarm: viaRoute(calls, '/v3/maintenance/alarm'),
    Defragment: viaRoute(calls, '/v3/maintenance/defragment'),
    HashKV: viaRoute(calls, '/v3/maintenance/hashkv'),
    Snapshot: snapshot(calls),
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
