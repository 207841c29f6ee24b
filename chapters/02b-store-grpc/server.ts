// The store's gRPC server: etcd's KV, Watch, Lease, Cluster and Maintenance services, on the
// harness's gRPC server (harness/store/grpc-server.ts), which takes handlers written for
// @grpc/grpc-js and speaks HTTP/2 on the connection itself, at less CPU per call than
// @grpc/grpc-js's own server. It never listens by itself. Connections come to it from the client port
// (client-port.ts), which hands it those that open with HTTP/2's preface and gives the others to
// the JSON gateway of chapter 02: one port, two protocols, one store.
import type { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import type { Durability } from '../../harness/contracts/store-server.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import { addService, createGrpcServer, type MethodTable } from '../../harness/store/grpc-server.ts';
import {
  serviceDefinition,
  serviceNames,
  type ProtoMessage,
  type ServiceName,
} from '../../harness/store/grpc.ts';
import { memberIds } from '../../harness/store/member.ts';
import type { MvccStore } from '../../harness/store/types.ts';
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
  /** How often a watch with progress_notify hears the current revision. etcd: 10 minutes. */
  progressNotifyIntervalMs?: number;
  /** Where the server says what it did that a client cannot see (a defragment that had no work). */
  log?: (line: string) => void;
}

export interface GrpcStoreServer {
  /** Serves one connection that opened with HTTP/2's preface (already read and put back). */
  serveConnection(connection: Duplex): void;
  /**
   * Listens on its own port, for gRPC only: for tests and tools. The store program shares its
   * port with the JSON gateway instead (client-port.ts).
   */
  listen(port?: number, host?: string): Promise<string>;
  /** Ends every stream and connection. */
  close(): Promise<void>;
}

/**
 * The server, with every service over one state. Given: the services are yours to write, in
 * services.ts and watch.ts.
 */
export function createGrpcStoreServer(options: GrpcStoreServerOptions): GrpcStoreServer {
  const name = options.name ?? 'default';
  const state: ServiceState = {
    store: options.store,
    durability: options.durability,
    member: memberIds(name),
    name,
    clientUrls: options.clientUrls ?? ['http://localhost:2379'],
    peerUrls: options.peerUrls ?? ['http://localhost:2380'],
    progressNotifyIntervalMs: options.progressNotifyIntervalMs ?? 10 * 60 * 1000,
    alarms: new Set(),
    log: options.log ?? (() => undefined),
  };
  const streams = new Set<grpc.ServerDuplexStream<ProtoMessage, ProtoMessage>>();
  const methods: MethodTable = new Map();
  const services: Record<ServiceName, () => grpc.UntypedServiceImplementation> = {
    KV: () => kvService(state),
    Watch: () => watchService(state, streams),
    Lease: () => leaseService(state),
    Cluster: () => clusterService(state),
    Maintenance: () => maintenanceService(state),
  };
  for (const name of serviceNames) {
    try {
      addService(methods, serviceDefinition(name), services[name]());
    } catch (error) {
      // A service not written yet is left out: gRPC answers its calls Unimplemented.
      if (!(error instanceof NotImplemented)) throw error;
    }
  }
  const server = createGrpcServer(methods);

  return {
    serveConnection: (connection) => server.serveConnection(connection),
    listen: (port = 0, host = '127.0.0.1') => server.listen(port, host),
    async close() {
      for (const call of streams) call.end();
      await server.close();
    },
  };
}
