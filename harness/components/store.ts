// `npx kata run store`: the kata store as a program, with etcd's flag names.
//
//   npx kata run store --data-dir ./demo.etcd --listen-client-urls http://127.0.0.1:23790
//
// It loads chapter 01's store and chapter 02's durable store and server: the reference
// (--use solutions), the learner's own (--use mine), or by default the learner's for each of the two
// chapters whose tests all pass and the reference otherwise (--use auto). It opens the data directory and serves etcd's
// JSON API on every --listen-client-urls address. Port 2380 (--listen-peer-urls) is where etcd
// members talk to each other; it is reserved for the replicated store of a later chapter and
// nothing listens there yet. It can also run on its own, for tests that need a real process:
//   node --import tsx harness/components/store.ts --data-dir /tmp/x --listen-client-urls http://127.0.0.1:0
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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

export interface StoreFlags {
  name: string;
  dataDir: string;
  listenClientUrls: URL[];
  advertiseClientUrls: URL[];
  listenPeerUrls: URL[];
  use: Use;
}

const USAGE = `usage: kata run store [--name NAME] [--data-dir DIR] [--listen-client-urls URLS]
                      [--advertise-client-urls URLS] [--listen-peer-urls URLS] [--use solutions|mine|auto]`;

/** Reads etcd-style flags with the shared parser; URL lists are comma-separated. */
export function parseFlags(argv: string[]): StoreFlags {
  const values = parseComponentFlags(argv, {
    name: 'string',
    'data-dir': 'string',
    'listen-client-urls': 'string',
    'advertise-client-urls': 'string',
    'listen-peer-urls': 'string',
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
  return {
    name,
    dataDir: text('data-dir') ?? `${name}.etcd`,
    listenClientUrls,
    advertiseClientUrls: values.has('advertise-client-urls')
      ? urls('advertise-client-urls', '')
      : listenClientUrls,
    listenPeerUrls: urls('listen-peer-urls', 'http://127.0.0.1:2380'),
    use,
  };
}

/** Where chapter 01's store and chapter 02's server come from. */
export interface ImplementationDirs {
  /** The folder holding store.ts (a 01-store folder). */
  storeDir: string;
  /** The folder holding server.ts and durable-store.ts (a 02-store-server folder). */
  serverDir: string;
}

export function implementationDirs(use: Use): ImplementationDirs {
  return { storeDir: chapterSource('01', use), serverDir: chapterSource('02', use) };
}

async function loadImplementation({ storeDir, serverDir }: ImplementationDirs) {
  const { Store } = await loadModule('01', 'store.ts', storeDir);
  const { DurableStore } = await loadModule('02', 'durable-store.ts', serverDir);
  const { createStoreServer } = await loadModule('02', 'server.ts', serverDir);
  return {
    createStore: (snapshot?: StoreSnapshot): MvccStore => new Store({ snapshot }),
    DurableStore,
    createStoreServer,
  };
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
  log(`name = ${flags.name}`);
  log(`data dir = ${flags.dataDir}`);
  log(`chapter 01, the store: ${describeSource(dirs.storeDir)}`);
  log(`chapter 02, the server: ${describeSource(dirs.serverDir)}`);
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
  const urls: string[] = [];
  for (const url of flags.listenClientUrls) {
    try {
      urls.push(await server.listen(Number(url.port || 80), url.hostname.replace(/^\[|\]$/g, '')));
    } catch (error) {
      await server.close();
      await store.close();
      throw new Error(listenProblem(url, error as NodeJS.ErrnoException));
    }
  }
  for (const url of urls) log(`serving client requests on ${url}`);
  log(`advertise client URLs = ${flags.advertiseClientUrls.map((url) => url.origin).join(',')}`);
  log(
    `peer URLs ${flags.listenPeerUrls.map((url) => url.origin).join(',')} are reserved for the ` +
      'replicated store (a later chapter); nothing listens there yet',
  );
  return {
    urls,
    close: async () => {
      await server.close();
      await store.close();
    },
  };
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
