// etcd's gRPC API for the kata store and its clients: the .proto files beside this one, loaded
// with @grpc/proto-loader. Chapter 02b serves these services; its tests and the store benchmark
// call them with @grpc/grpc-js clients, as etcdctl calls them with Go's.
//
// How messages look in JavaScript (the loader's options, fixed here for everyone):
//   - field names in lowerCamelCase (create_revision -> createRevision; ID and TTL stay as written);
//   - 64-bit integers as decimal strings, because lease and member IDs use all 64 bits; an answer
//     may give them as numbers or strings;
//   - enums by name ('PUT', 'DELETE', 'EQUAL'); bytes as Buffers;
//   - fields a message did not carry are absent, and a oneof names its field (`requestUnion:
//     'createRequest'`).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** Where the .proto files are. */
export const protoDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'proto');

const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
  includeDirs: [protoDir],
};

let loaded: protoLoader.PackageDefinition | undefined;

/** etcd's API and the kata snapshot file, loaded once. */
export function etcdApi(): protoLoader.PackageDefinition {
  loaded ??= protoLoader.loadSync(['rpc.proto', 'snapshot.proto'], LOADER_OPTIONS);
  return loaded;
}

/** The five services the kata store serves, by their names in rpc.proto. */
export const serviceNames = ['KV', 'Watch', 'Lease', 'Cluster', 'Maintenance'] as const;
export type ServiceName = (typeof serviceNames)[number];

/** One service's definition, to hand to grpc.Server's addService. */
export function serviceDefinition(name: ServiceName): grpc.ServiceDefinition {
  return etcdApi()[`etcdserverpb.${name}`] as grpc.ServiceDefinition;
}

/** A 64-bit integer as the loader hands it over (a decimal string), or as an answer may give it. */
export type Int64 = string | number;

/** etcdserverpb.ResponseHeader on the wire. */
export interface ProtoHeader {
  clusterId?: Int64;
  memberId?: Int64;
  revision?: Int64;
  raftTerm?: Int64;
}

/** mvccpb.KeyValue on the wire. */
export interface ProtoKeyValue {
  key?: Uint8Array;
  createRevision?: Int64;
  modRevision?: Int64;
  version?: Int64;
  value?: Uint8Array;
  lease?: Int64;
}

/** mvccpb.Event on the wire. */
export interface ProtoEvent {
  type?: 'PUT' | 'DELETE';
  kv?: ProtoKeyValue;
  prevKv?: ProtoKeyValue;
}

/** A message on the wire whose fields this file does not spell out. */
export type ProtoMessage = { [field: string]: any };

/**
 * The kata snapshot file's message (kata.Snapshot in snapshot.proto) to and from bytes. The loader
 * gives serializers only to messages that a method carries, so snapshot.proto declares one service
 * nobody serves; its method's serializers are these.
 */
export const snapshotMessage = {
  encode(message: ProtoMessage): Buffer {
    return writeMethod().requestSerialize(message);
  },
  decode(bytes: Buffer): ProtoMessage {
    return writeMethod().requestDeserialize(bytes);
  },
};

function writeMethod(): grpc.MethodDefinition<ProtoMessage, ProtoMessage> {
  const service = etcdApi()['kata.SnapshotFile'] as grpc.ServiceDefinition;
  return service.Write as grpc.MethodDefinition<ProtoMessage, ProtoMessage>;
}

/** gRPC clients of each service at one endpoint, as tests and benchmarks use them. */
export interface EtcdGrpcClients {
  kv: grpc.Client & ProtoMessage;
  watch: grpc.Client & ProtoMessage;
  lease: grpc.Client & ProtoMessage;
  cluster: grpc.Client & ProtoMessage;
  maintenance: grpc.Client & ProtoMessage;
  close(): void;
}

/**
 * Clients of the five services over one plain-text HTTP/2 connection to `endpoint`
 * ("http://127.0.0.1:2379" or "127.0.0.1:2379").
 */
export function etcdGrpcClients(endpoint: string): EtcdGrpcClients {
  const target = endpoint.replace(/^https?:\/\//, '');
  const credentials = grpc.credentials.createInsecure();
  const first = clientOf('KV', target, credentials);
  const share = { channelOverride: first.getChannel() };
  const clients = {
    kv: first,
    watch: clientOf('Watch', target, credentials, share),
    lease: clientOf('Lease', target, credentials, share),
    cluster: clientOf('Cluster', target, credentials, share),
    maintenance: clientOf('Maintenance', target, credentials, share),
  };
  return { ...clients, close: () => first.close() };
}

function clientOf(
  name: ServiceName,
  target: string,
  credentials: grpc.ChannelCredentials,
  options: grpc.ClientOptions = {},
): grpc.Client & ProtoMessage {
  const Client = grpc.makeGenericClientConstructor(serviceDefinition(name), name);
  return new Client(target, credentials, options) as grpc.Client & ProtoMessage;
}

/** A unary call of a client as a promise. */
export function callUnary<Response = ProtoMessage>(
  client: ProtoMessage,
  method: string,
  request: ProtoMessage,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    client[method](request, (error: grpc.ServiceError | null, response: Response) =>
      error ? reject(error) : resolve(response),
    );
  });
}
