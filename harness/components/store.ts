// `npx kata run store`: the kata store as a program, with etcd's flag names.
//
//   npx kata run store --data-dir ./demo.etcd --listen-client-urls http://127.0.0.1:23790
//
// It loads chapter 01's store and chapter 02's durable store and server: the reference
// (--use solutions), the learner's own (--use mine), or by default the learner's for each of the two
// chapters whose tests all pass and the reference otherwise (--use auto). It opens the data directory and serves etcd's
// JSON API and, with chapter 02b, etcd's gRPC API (what etcdctl speaks) on every --listen-client-urls
// address, one port for both. --restore-from starts a new data directory from a snapshot file
// that `etcdctl snapshot save` took of a kata store. Port 2380 (--listen-peer-urls) is where etcd
// members talk to each other; it is reserved for the replicated store of a later chapter and
// nothing listens there yet. It can also run on its own, for tests that need a real process:
//   node --import tsx harness/components/store.ts --data-dir /tmp/x --listen-client-urls http://127.0.0.1:0
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DurableStore } from '../contracts/store-server.ts';
import type { MvccStore, StoreSnapshot } from '../store/types.ts';
import {
  chapterSource,
  describeSource,
  isUse,
  loadModule,
  uses,
  type Use,
} from './implementation.ts';
import { parseComponentFlags, UsageError } from './flags.ts';
import { serveUntilSignal } from './process.ts';
import { serveStoreMetrics } from './store-metrics.ts';
import { startMember } from '../store/member-server.ts';
import { hasGatewayExports, inProcessGateway } from '../store/in-process-gateway.ts';

export interface StoreFlags {
  name: string;
  dataDir: string;
  listenClientUrls: URL[];
  advertiseClientUrls: URL[];
  listenPeerUrls: URL[];
  /** etcd's --listen-metrics-urls: /metrics (and /health) apart from the client URLs; none by default. */
  listenMetricsUrls?: URL[];
  /** A kata snapshot file (etcdctl snapshot save) to start a new data directory from. */
  restoreFrom?: string;
  /** etcd's --initial-cluster, `s1=http://127.0.0.1:2380,...`: with more than one member, Raft (chapter 16b). */
  initialCluster?: string;
  initialAdvertisePeerUrls?: URL[];
  initialClusterState?: 'new' | 'existing';
  initialClusterToken?: string;
  /** etcd's --heartbeat-interval in milliseconds: one Raft tick. */
  heartbeatInterval?: number;
  /** etcd's --snapshot-count: applied entries between two snapshots of a replicated member. */
  snapshotCount?: number;
  use: Use;
}

const USAGE = `usage: kata run store [--name NAME] [--data-dir DIR] [--listen-client-urls URLS]
                      [--advertise-client-urls URLS] [--listen-peer-urls URLS] [--restore-from FILE]
                      [--listen-metrics-urls URLS]
                      [--initial-cluster NAME=URL,...] [--initial-advertise-peer-urls URLS]
                      [--initial-cluster-state new|existing] [--initial-cluster-token TOKEN]
                      [--heartbeat-interval MS] [--snapshot-count N] [--use solutions|mine|auto]`;

/** Reads etcd-style flags with the shared parser; URL lists are comma-separated. */
export function parseFlags(argv: string[]): StoreFlags {
  const values = parseComponentFlags(argv, {
    name: 'string',
    'data-dir': 'string',
    'listen-client-urls': 'string',
    'advertise-client-urls': 'string',
    'listen-peer-urls': 'string',
    'listen-metrics-urls': 'string',
    'restore-from': 'string',
    'initial-cluster': 'string',
    'initial-advertise-peer-urls': 'string',
    'initial-cluster-state': 'string',
    'initial-cluster-token': 'string',
    'heartbeat-interval': 'string',
    'snapshot-count': 'string',
    use: 'string',
  });
  const text = (name: string) => values.get(name) as string | undefined;
  const urls = (flag: string, fallback: string) =>
    (text(flag) ?? fallback).split(',').map((entry) => {
      try {
        const url = new URL(entry.trim());
        if (url.protocol !== 'http:') throw new Error('only http:// is served');
        return url;
      } catch (error) {
        throw new UsageError(
          `--${flag}: "${entry}" is not a usable URL (${(error as Error).message})`,
        );
      }
    });
  const use = text('use') ?? 'auto';
  if (!isUse(use)) throw new UsageError(`--use must be one of ${uses.join(', ')}, not "${use}"`);
  const name = text('name') ?? 'default';
  const listenClientUrls = urls('listen-client-urls', 'http://127.0.0.1:2379');
  const state = text('initial-cluster-state') ?? 'new';
  if (state !== 'new' && state !== 'existing') {
    throw new UsageError(`--initial-cluster-state must be new or existing, not "${state}"`);
  }
  const heartbeatInterval = Number(text('heartbeat-interval') ?? '100');
  if (!Number.isInteger(heartbeatInterval) || heartbeatInterval < 1) {
    throw new UsageError(
      `--heartbeat-interval must be a whole number of milliseconds, not "${text('heartbeat-interval')}"`,
    );
  }
  const snapshotCount = Number(text('snapshot-count') ?? '100000');
  if (!Number.isInteger(snapshotCount) || snapshotCount < 1) {
    throw new UsageError(
      `--snapshot-count must be a whole number of entries above 0, not "${text('snapshot-count')}"`,
    );
  }
  return {
    initialCluster: text('initial-cluster'),
    initialAdvertisePeerUrls: values.has('initial-advertise-peer-urls')
      ? urls('initial-advertise-peer-urls', '')
      : undefined,
    initialClusterState: state,
    initialClusterToken: text('initial-cluster-token') ?? 'etcd-cluster',
    heartbeatInterval,
    snapshotCount,
    name,
    dataDir: text('data-dir') ?? `${name}.etcd`,
    listenClientUrls,
    advertiseClientUrls: values.has('advertise-client-urls')
      ? urls('advertise-client-urls', '')
      : listenClientUrls,
    listenPeerUrls: urls('listen-peer-urls', 'http://127.0.0.1:2380'),
    listenMetricsUrls: values.has('listen-metrics-urls') ? urls('listen-metrics-urls', '') : [],
    restoreFrom: text('restore-from'),
    use,
  };
}

/** Where chapter 01's store, chapter 02's server and chapter 02b's gRPC come from. */
export interface ImplementationDirs {
  /** The folder holding store.ts (a 01-store folder). */
  storeDir: string;
  /** The folder holding server.ts and durable-store.ts (a 02-store-server folder). */
  serverDir: string;
  /** The folder holding the gRPC server and the client port (a 02b-store-grpc folder). */
  grpcDir?: string;
}

export function implementationDirs(use: Use): ImplementationDirs {
  return {
    storeDir: chapterSource('01', use),
    serverDir: chapterSource('02', use),
    grpcDir: chapterSource('02b', use),
  };
}

async function loadImplementation({ storeDir, serverDir, grpcDir }: ImplementationDirs) {
  const { Store } = await loadModule('01', 'store.ts', storeDir);
  const durable = await loadModule('02', 'durable-store.ts', serverDir);
  const serverModule = await loadModule('02', 'server.ts', serverDir);
  const { createStoreServer } = serverModule;
  return {
    // The replicated store's members apply entries through it in process (in-process-gateway.ts).
    gateway: hasGatewayExports(serverModule) ? serverModule : undefined,
    createStore: (snapshot?: StoreSnapshot): MvccStore => new Store({ snapshot }),
    DurableStore: durable.DurableStore,
    serializeSnapshot: durable.serializeSnapshot,
    parseSnapshot: durable.parseSnapshot,
    createStoreServer,
    wal: await loadModule('02', 'wal.ts', serverDir),
    grpc: grpcDir
      ? {
          ...(await loadModule('02b', 'server.ts', grpcDir)),
          ...(await loadModule('02b', 'client-port.ts', grpcDir)),
          ...(await loadModule('02b', 'snapshot-file.ts', grpcDir)),
        }
      : undefined,
  };
}

type Implementation = Awaited<ReturnType<typeof loadImplementation>>;

/**
 * --restore-from: a new data directory whose log starts with the snapshot's store, as `etcdctl
 * snapshot restore` makes a new data directory for etcd. A directory that already holds a store
 * is refused, so a restore never overwrites one.
 */
async function restoreDataDir(implementation: Implementation, file: string, dataDir: string) {
  if (!implementation.grpc) throw new Error('--restore-from needs chapter 02b (snapshot-file.ts)');
  if (existsSync(path.join(dataDir, 'member'))) {
    throw new Error(
      `--restore-from needs a new --data-dir: ${dataDir} already holds a store; choose another`,
    );
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new Error(
      `--restore-from: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  let snapshot: StoreSnapshot;
  try {
    snapshot = implementation.grpc.readSnapshotFile(bytes);
  } catch (error) {
    throw new Error(`--restore-from: ${file} is ${(error as Error).message}`);
  }
  const { log } = await implementation.wal.WriteAheadLog.open(dataDir);
  const json = implementation.serializeSnapshot(snapshot);
  await log.saveSnapshot(Buffer.from(JSON.stringify(json)));
  await log.close();
  return snapshot.revision;
}

export interface RunningStore {
  /** The client URLs actually served (a port of 0 is replaced by the one chosen). */
  urls: string[];
  close(): Promise<void>;
}

/** Why a listen failed, in one line that names the flag to change. */
function listenProblem(url: URL, error: NodeJS.ErrnoException): string {
  if (error.code === 'EADDRINUSE') {
    return `cannot listen on ${url.origin}: the address is already in use; choose another with --listen-client-urls`;
  }
  if (error.code === 'EACCES') {
    return `cannot listen on ${url.origin}: ports below 1024 need privileges; choose a higher port with --listen-client-urls`;
  }
  return `cannot listen on ${url.origin} (${error.code ?? error.message}); check --listen-client-urls`;
}

/** Opens the data directory and starts serving. Throws an Error with a one-line message. */
export async function startStore(
  flags: StoreFlags,
  log: (line: string) => void,
  dirs: ImplementationDirs = implementationDirs(flags.use),
): Promise<RunningStore> {
  const implementation = await loadImplementation(dirs);
  if (flags.initialCluster && flags.initialCluster.includes(',')) {
    return startReplicatedStore(implementation, flags, log, dirs);
  }
  log(`name = ${flags.name}`);
  log(`data dir = ${flags.dataDir}`);
  log(`chapter 01, the store: ${describeSource(dirs.storeDir)}`);
  log(`chapter 02, the server: ${describeSource(dirs.serverDir)}`);
  if (dirs.grpcDir) log(`chapter 02b, gRPC: ${describeSource(dirs.grpcDir)}`);
  if (flags.restoreFrom) {
    const revision = await restoreDataDir(implementation, flags.restoreFrom, flags.dataDir);
    log(`restored ${flags.dataDir} from ${flags.restoreFrom} at revision ${revision}`);
  }
  const store = await implementation.DurableStore.open({
    dataDir: flags.dataDir,
    createStore: implementation.createStore,
  });
  if (store.truncatedBytes > 0) {
    log(
      `cut ${store.truncatedBytes} bytes of a torn write from the end of the log (a crash mid-write)`,
    );
  }
  log(`recovered the store at revision ${store.revision}`);
  const server = implementation.createStoreServer({ store, durability: store, name: flags.name });
  const grpcServer = grpcServerFor(implementation, server, flags, store, log);
  const ports: Array<{ close(): Promise<void> }> = [];
  const closeAll = async () => {
    await Promise.all(ports.map((port) => port.close()));
    await grpcServer?.close();
    await server.close();
    await store.close();
  };
  const urls: string[] = [];
  for (const url of flags.listenClientUrls) {
    const port = Number(url.port || 80);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    try {
      if (grpcServer && server.serveConnection) {
        const serveHttp = server.serveConnection.bind(server);
        const clientPort = await implementation.grpc!.listenClientPort(port, host, {
          grpc: (connection) => grpcServer.serveConnection(connection),
          http: serveHttp,
        });
        ports.push(clientPort);
        urls.push(clientPort.url);
      } else {
        urls.push(await server.listen(port, host));
      }
    } catch (error) {
      await closeAll();
      throw new Error(listenProblem(url, error as NodeJS.ErrnoException));
    }
  }
  const protocols = ports.length > 0 ? 'gRPC and JSON' : 'JSON only';
  for (const url of urls) log(`serving client requests on ${url} (${protocols})`);
  if (flags.listenMetricsUrls?.length) {
    try {
      const metrics = await serveStoreMetrics(flags.listenMetricsUrls, {
        dataDir: flags.dataDir,
        revision: () => store.revision,
      });
      ports.push(metrics);
      for (const url of metrics.urls) log(`serving /metrics on ${url}`);
    } catch (error) {
      await closeAll();
      throw error;
    }
  }
  log(`advertise client URLs = ${flags.advertiseClientUrls.map((url) => url.origin).join(',')}`);
  log(
    `peer URLs ${flags.listenPeerUrls.map((url) => url.origin).join(',')} are reserved for the ` +
      'replicated store (a later chapter); nothing listens there yet',
  );
  return { urls, close: closeAll };
}

/** Where chapter 16a's Raft and chapter 16b's member server come from. */
function raftDirs(use: Use): { raftDir: string; serverDir: string } {
  return { raftDir: chapterSource('16a', use), serverDir: chapterSource('16b', use) };
}

/**
 * A member of a replicated store (chapter 16b): --initial-cluster names several members. Its state
 * machine is chapter 01's store in memory behind chapter 02's server on a loopback port only this
 * member uses, rebuilt at every start from its Raft snapshot (taken every --snapshot-count applied
 * entries) and the Raft log after it, both kept in chapter 02's write-ahead log (member/snap,
 * member/wal). Leases do not expire on the store's own timer (each member's would revoke them out
 * of the log's order): the leader's lessor proposes their revokes (harness/store/member-leases.ts).
 */
async function startReplicatedStore(
  implementation: Implementation,
  flags: StoreFlags,
  log: (line: string) => void,
  dirs: ImplementationDirs,
): Promise<RunningStore> {
  const { raftDir, serverDir } = raftDirs(flags.use);
  const { createRaftNode } = await loadModule('16a', 'raft.ts', raftDir);
  const chapter = {
    ...(await loadModule('16b', 'member.ts', serverDir)),
    ...(await loadModule('16b', 'raft-storage.ts', serverDir)),
    ...(await loadModule('16b', 'routing.ts', serverDir)),
  };
  let peers;
  try {
    peers = chapter.parseInitialCluster(flags.initialCluster!);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  // Before the Raft log moved into chapter 02's write-ahead log, it was one JSON-lines file: a
  // member started on such a directory would come up empty and forget what it acknowledged.
  if (existsSync(path.join(flags.dataDir, 'member', 'raft', 'log.jsonl'))) {
    throw new UsageError(
      `--data-dir ${flags.dataDir} holds a Raft log in the earlier layout (member/raft/log.jsonl), which this member does not read; start it on a new --data-dir (kata up --fresh)`,
    );
  }
  log(`name = ${flags.name}, a member of ${peers.map((peer) => peer.name).join(', ')}`);
  log(`data dir = ${flags.dataDir}`);
  log(`snapshot count = ${flags.snapshotCount ?? 100_000}`);
  log(`chapter 01, the store: ${describeSource(dirs.storeDir)}`);
  log(`chapter 02, the server and the write-ahead log: ${describeSource(dirs.serverDir)}`);
  log(`chapter 16a, Raft: ${describeSource(raftDir)}`);
  log(`chapter 16b, the member: ${describeSource(serverDir)}`);
  const serveStore = (store: MvccStore) =>
    implementation.createStoreServer({
      store,
      name: flags.name,
      leaseExpiryIntervalMs: 2 ** 31 - 1,
    } as Parameters<Implementation['createStoreServer']>[0]);
  let store = implementation.createStore();
  let stateMachine = serveStore(store);
  // Entries are applied in this process (chapter 02's gateway called directly) on the store of the
  // moment: loading a snapshot replaces it.
  const gatewayOf = (current: MvccStore) =>
    implementation.gateway
      ? inProcessGateway(implementation.gateway, current, flags.name)
      : undefined;
  let runOnStore = gatewayOf(store);
  const storeUrl = await stateMachine.listen(0, '127.0.0.1');
  // A snapshot's data is the store as chapter 02's snapshot JSON; loading one starts a new store
  // from it on a new port, and closes the old one (its watches end).
  const snapshots = {
    snapshot: async () => JSON.stringify(implementation.serializeSnapshot(store.snapshot())),
    restore: async (data: string) => {
      const loaded = implementation.createStore(implementation.parseSnapshot(Buffer.from(data)));
      const server = serveStore(loaded);
      const url = await server.listen(0, '127.0.0.1');
      const old = stateMachine;
      [store, stateMachine] = [loaded, server];
      runOnStore = gatewayOf(loaded);
      await old.close();
      return url;
    },
  };
  const peerListen = flags.listenPeerUrls[0]!;
  let member;
  try {
    member = await startMember({
      chapter,
      name: flags.name,
      dataDir: flags.dataDir,
      openLog: (dataDir) => implementation.wal.WriteAheadLog.open(dataDir),
      peers,
      createRaftNode,
      storeUrl,
      stateMachine: snapshots,
      snapshotCount: flags.snapshotCount,
      ...(runOnStore ? { runOnStore: (command) => runOnStore!(command) } : {}),
      localStore: {
        current: () => store,
        ...(implementation.grpc ? { snapshotFile: implementation.grpc.writeSnapshotFile } : {}),
      },
      clientListen: flags.listenClientUrls.map((url) => ({
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: Number(url.port || 80),
      })),
      peerListen: {
        host: peerListen.hostname.replace(/^\[|\]$/g, ''),
        port: Number(peerListen.port || 80),
      },
      advertiseClientUrls: flags.advertiseClientUrls.map((url) => url.origin),
      tickMs: flags.heartbeatInterval ?? 100,
      log,
    });
  } catch (error) {
    await stateMachine.close();
    throw new Error(listenProblem(peerListen, error as NodeJS.ErrnoException));
  }
  for (const url of member.clientUrls)
    log(
      `serving client requests on ${url} (JSON and gRPC: KV, Watch, Lease, Cluster.MemberList, Maintenance)`,
    );
  log(
    `serving peer requests on ${member.peerUrl} (Raft, one tick every ${flags.heartbeatInterval ?? 100} ms)`,
  );
  return {
    urls: member.clientUrls,
    close: async () => {
      await member.close();
      await stateMachine.close();
    },
  };
}

/**
 * Chapter 02b's gRPC server over the same store, when both it and chapter 02's serveConnection
 * are there; otherwise undefined, and the store serves its JSON gateway alone (and says so).
 */
function grpcServerFor(
  implementation: Implementation,
  server: { serveConnection?: unknown },
  flags: StoreFlags,
  store: DurableStore,
  log: (line: string) => void,
) {
  if (!implementation.grpc) return undefined;
  if (!server.serveConnection) {
    log('chapter 02 has no serveConnection: serving the JSON gateway only, without gRPC');
    return undefined;
  }
  return implementation.grpc.createGrpcStoreServer({
    store,
    durability: store,
    name: flags.name,
    clientUrls: flags.advertiseClientUrls.map((url) => url.origin),
    peerUrls: flags.listenPeerUrls.map((url) => url.origin),
    log,
  });
}

/**
 * The program: starts the store, runs until SIGINT or SIGTERM, returns the exit code. `dirs`
 * overrides where the code comes from (tests point chapter 02 at the folder under test).
 */
export async function main(argv: string[], dirs?: ImplementationDirs): Promise<number> {
  const log = (line: string) => console.log(`kata store: ${line}`);
  let flags: StoreFlags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    console.error(`kata store: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  let running: RunningStore;
  try {
    running = await startStore(flags, log, dirs);
  } catch (error) {
    console.error(`kata store: ${(error as Error).message}`);
    return 1;
  }
  return serveUntilSignal('store', running, log);
}

// Run directly (node --import tsx harness/components/store.ts ...), not imported.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
