// Chapter 02b's modules, as the harness uses them: the store's gRPC server (server.ts), the client
// port that shares one listener between gRPC and chapter 02's JSON gateway (client-port.ts), and
// the kata snapshot file that `etcdctl snapshot save` writes and `kata run store --restore-from`
// reads (snapshot-file.ts). `kata run store` composes them with chapters 01 and 02.
import type { Duplex } from 'node:stream';
import type { MvccStore, StoreSnapshot } from '../store/types.ts';
import type { Durability } from './store-server.ts';

export interface GrpcStoreServerOptions {
  store: MvccStore;
  durability?: Durability;
  name?: string;
  clientUrls?: string[];
  peerUrls?: string[];
  log?: (line: string) => void;
}

export interface GrpcStoreServer {
  /** Serves one connection that opened with HTTP/2's preface. */
  serveConnection(connection: Duplex): void;
  /** Listens on its own port, gRPC only; resolves with its URL. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

/** server.ts. */
export interface GrpcServerModule {
  createGrpcStoreServer: (options: GrpcStoreServerOptions) => GrpcStoreServer;
}

export interface ClientPort {
  url: string;
  close(): Promise<void>;
}

/** client-port.ts. */
export interface ClientPortModule {
  listenClientPort: (
    port: number,
    host: string,
    handlers: { grpc(connection: Duplex): void; http(connection: Duplex): void },
  ) => Promise<ClientPort>;
}

/** snapshot-file.ts. */
export interface SnapshotFileModule {
  readSnapshotFile: (file: Uint8Array) => StoreSnapshot;
  writeSnapshotFile: (snapshot: StoreSnapshot) => Uint8Array;
}
