// The store's gRPC server: etcd's KV, Watch, Lease, Cluster and Maintenance services, on a
// @grpc/grpc-js server that never listens by itself. Connections come to it from the client port
// (client-port.ts), which hands it those that open with HTTP/2's preface and gives the others to
// the JSON gateway of chapter 02: one port, two protocols, one store.
import type { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import type { Durability } from '../../harness/contracts/store-server.ts';
import { serviceDefinition, type ProtoMessage } from '../../harness/store/grpc.ts';
import { memberIds } from '../../harness/store/member.ts';
import type { MvccStore } from '../../harness/store/types.ts';
import { listenClientPort, type ClientPort } from './client-port.ts';
import {
  clusterService,
  kvService,
  leaseService,
  maintenanceService,
  type ServiceState,
} from './services.ts';
import { watchService } from './watch.ts';

export interface GrpcStoreServerOptions {
  store: MvccStore;
  /** When the store is durable: answers wait for the disk. */
  durability?: Durability;
  /** The member's name (etcd's --name); the cluster and member IDs are derived from it. */
  name?: string;
  /** What MemberList reports: the client URLs (--advertise-client-urls) and peer URLs. */
  clientUrls?: string[];
  peerUrls?: string[];
  /** Where the server says what it did that a client cannot see (a defragment that had no work). */
  log?: (line: string) => void;
}

export interface GrpcStoreServer {
  /** Serves one connection that opened with HTTP/2's preface (already read and put back). */
  serveConnection(connection: Duplex): void;
  /**
   * Listens on its own port, for gRPC only (connections that are not HTTP/2 are closed): for
   * tests and tools; the store program shares its port with the JSON gateway instead.
   */
  listen(port?: number, host?: string): Promise<string>;
  /** Ends every stream and connection. */
  close(): Promise<void>;
}

export function createGrpcStoreServer(options: GrpcStoreServerOptions): GrpcStoreServer {
  const name = options.name ?? 'default';
  const state: ServiceState = {
    store: options.store,
    durability: options.durability,
    member: memberIds(name),
    name,
    clientUrls: options.clientUrls ?? ['http://localhost:2379'],
    peerUrls: options.peerUrls ?? ['http://localhost:2380'],
    alarms: new Set(),
    log: options.log ?? (() => undefined),
  };
  const streams = new Set<grpc.ServerDuplexStream<ProtoMessage, ProtoMessage>>();
  const server = new grpc.Server();
  server.addService(serviceDefinition('KV'), kvService(state));
  server.addService(serviceDefinition('Watch'), watchService(state, streams));
  server.addService(serviceDefinition('Lease'), leaseService(state));
  server.addService(serviceDefinition('Cluster'), clusterService(state));
  server.addService(serviceDefinition('Maintenance'), maintenanceService(state));
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const ports: ClientPort[] = [];

  return {
    serveConnection: (connection) => injector.injectConnection(connection),
    async listen(port = 0, host = '127.0.0.1') {
      const clientPort = await listenClientPort(port, host, {
        grpc: (connection) => injector.injectConnection(connection),
        http: (connection) => connection.destroy(),
      });
      ports.push(clientPort);
      return clientPort.url;
    },
    async close() {
      for (const call of streams) call.end();
      await Promise.all(ports.map((clientPort) => clientPort.close()));
      injector.destroy();
      server.forceShutdown();
    },
  };
}
