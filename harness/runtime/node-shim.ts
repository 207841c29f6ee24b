// The runtime's side of the node's container shim (shim.mjs): finding the shim that runs for a
// state directory or starting one, handing it containers, and telling it to end.
//
// One shim serves every container of a node, so that a container costs its own program and about
// a hundred KiB of the shim, not a whole Node process more (README.md, "The node's shim"). The shim
// runs detached and outlives the runtime that started it; a runtime opened later on the same
// directory (a restarted kubelet) finds it through <stateDir>/shim.json, { pid, socket }, and
// connects to its Unix socket. A request is one line of JSON: { start: <container dir> },
// { closeStdin: <container dir> } or { exit: true }; everything the shim answers it writes to the container's files.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RuntimeError } from './cri.ts';

/** <stateDir>/shim.json, written by the shim once it listens. */
interface ShimFile {
  pid: number;
  socket: string;
}

/** A connection to the shim, and the shim's pid. */
interface Connection {
  pid: number;
  socket: Socket;
}

const shimProgram = fileURLToPath(new URL('./shim.mjs', import.meta.url));
/**
 * The shim's young generation kept small (V8's default lets it grow to tens of MiB): every line a
 * container writes passes through it as a short-lived string, and with several containers logging
 * hard it would otherwise keep 30 MiB or more it no longer needs.
 */
const shimFlags = ['--max-semi-space-size=1'];
/** How long a shim may take to start, to start a program, or to report an exit after SIGKILL. */
export const shimDeadlineMs = 10_000;
/** How often a wait looks at the files and processes it waits on. */
const pollMs = 10;

export class NodeShim {
  /** The connection, shared by every start, made at the first. */
  private connection: Promise<Connection> | undefined;
  /** That connection once open, until it closes. */
  private open: Connection | undefined;

  private readonly stateDir: string;
  private readonly beforeStart: () => void;
  private readonly exited: (containerDir: string) => void;

  /**
   * @param stateDir the runtime's state directory
   * @param beforeStart runs before a new shim starts: what a shim that is gone left behind (its
   *   containers) is the runtime's to end first
   * @param exited runs when the shim says a container ended (its exit record is written), while
   *   this runtime is connected to it
   */
  constructor(
    stateDir: string,
    beforeStart: () => void,
    exited: (containerDir: string) => void = () => {},
  ) {
    this.stateDir = stateDir;
    this.beforeStart = beforeStart;
    this.exited = exited;
  }

  /** The pid of the shim running for this directory, started now if none is. */
  async pid(): Promise<number> {
    return (await this.connect()).pid;
  }

  /** Asks the shim to start the container whose files are in `dir`; the shim's pid. */
  async start(dir: string): Promise<number> {
    const connection = await this.connect();
    connection.socket.write(`${JSON.stringify({ start: dir })}\n`);
    return connection.pid;
  }

  /** Asks the shim to end the stdin of the container in `dir` (an attach with stdinOnce ended). */
  async closeStdin(dir: string): Promise<void> {
    const connection = await this.connect();
    connection.socket.write(`${JSON.stringify({ closeStdin: dir })}\n`);
  }

  /** Lets go of the shim: it runs on while it has containers, and ends once it has none. */
  letGo(): void {
    void this.connection?.then(
      ({ socket }) => socket.destroy(),
      () => {},
    );
    this.connection = undefined;
  }

  /** Tells the shim to end (killing what still runs), and waits until it has. */
  async stop(): Promise<void> {
    // A shim being started right now is waited for, and stopped too.
    const starting = await this.connection?.catch(() => undefined);
    const running = this.shimFile();
    if (!starting && (!running || !isAlive(running.pid))) return;
    const connection = starting ?? (await this.connect().catch(() => undefined));
    if (!connection) return;
    connection.socket.end(`${JSON.stringify({ exit: true })}\n`);
    this.connection = undefined;
    await waitUntil(() => !isAlive(connection.pid), shimDeadlineMs);
  }

  private connect(): Promise<Connection> {
    this.connection ??= this.openOrStart().catch((error: unknown) => {
      this.connection = undefined;
      throw error;
    });
    return this.connection;
  }

  private async openOrStart(): Promise<Connection> {
    const running = this.shimFile();
    if (running && isAlive(running.pid)) {
      const socket = await connectTo(running.socket).catch(() => undefined);
      if (socket) return this.attach(socket, running.pid);
    }
    this.beforeStart();
    rmSync(join(this.stateDir, 'shim.json'), { force: true });
    const log = openSync(join(this.stateDir, 'shim.log'), 'a');
    const socketPath = shimSocket(this.stateDir);
    const child = spawn(process.execPath, [...shimFlags, shimProgram, this.stateDir, socketPath], {
      detached: true,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    child.unref();
    child.on('error', () => {});
    const pid = child.pid;
    if (pid === undefined) throw new RuntimeError('Unknown', 'the container shim could not start');
    const listening = () => this.shimFile()?.pid === pid;
    await waitUntil(() => listening() || !isAlive(pid), shimDeadlineMs);
    const socket = listening() ? await connectTo(socketPath).catch(() => undefined) : undefined;
    if (!socket)
      throw new RuntimeError(
        'Unknown',
        `the container shim did not start (see ${join(this.stateDir, 'shim.log')})`,
      );
    return this.attach(socket, pid);
  }

  /** Keeps a connection without keeping this program alive; forgets it once it closes. */
  private attach(socket: Socket, pid: number): Connection {
    socket.unref();
    const connection = { socket, pid };
    this.open = connection;
    socket.on('error', () => {});
    let pending = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        try {
          const said = JSON.parse(line) as { exited?: string };
          if (said.exited) this.exited(said.exited);
        } catch {
          // Not a line of ours: the exit is learnt at the next relist all the same.
        }
      }
    });
    socket.on('close', () => {
      if (this.open !== connection) return;
      this.open = undefined;
      this.connection = undefined;
    });
    return connection;
  }

  private shimFile(): ShimFile | undefined {
    try {
      return JSON.parse(readFileSync(join(this.stateDir, 'shim.json'), 'utf8')) as ShimFile;
    } catch {
      return undefined;
    }
  }
}

/**
 * Where a state directory's shim listens: a Unix socket in the system's temporary folder, named
 * after the directory. Not in the directory itself: its path may be too long for a socket (macOS
 * allows 104 bytes), or on a file system without sockets (WSL's /mnt/c).
 */
function shimSocket(stateDir: string): string {
  const name = `kata-shim-${createHash('sha256').update(stateDir).digest('hex').slice(0, 16)}.sock`;
  const inTemporary = join(tmpdir(), name);
  return Buffer.byteLength(inTemporary) <= 100 ? inTemporary : join('/tmp', name);
}

/** A connection to a Unix socket, once it is open. */
function connectTo(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Polls `condition` until it holds or `timeoutMs` has passed. */
export async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, pollMs));
}

/** Whether a process exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
