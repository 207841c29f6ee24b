// The container shim: one small process per node (per runtime state directory) that starts every
// container's program, writes its output to the log file in the CRI log format, and records how it
// ended.
//
// Why a shim between the runtime and the containers: the runtime (and the kubelet that owns it) may
// stop and start again while containers keep running. Something must still read each container's
// stdout, and still be its parent to learn its exit code; containerd's shim and CRI-O's conmon do
// exactly this, one per container. Here one shim serves all the containers of a node, so that a
// container costs its program and about a hundred KiB of the shim, not a whole Node process more
// (a Node process takes about 40 MiB; see README.md, "The node's shim").
//
// The runtime starts this program detached, with its state directory and a socket path:
//
//   node shim.mjs <stateDir> <socket>
//
// It listens on the socket, writes <stateDir>/shim.json ({ pid, socket }) once it does, and takes
// one request a line, in JSON:
//
//   { "start": "<container dir>" }   start the container described there (once; again is a no-op)
//   { "exit": true }                 kill what still runs, record it, and exit (the runtime
//                                    stopping everything)
//   { "closeStdin": "<container dir>" }  end the container's stdin (an attach with stdinOnce ended)
//
// and tells every connected runtime when a container has ended, one line each, once its exit
// record is written: { "exited": "<container dir>" } (so a kubelet learns it at once, as from the
// CRI's container events, instead of at its next relist).
//
// Everything else goes through files, so a runtime started later reads what an earlier one asked:
//
//   <dir>/spec.json      written by the runtime: { program, argv, env, cwd, logPath, stdin?, tty? }
//   <dir>/stdin          a FIFO, when spec.stdin names it: the container's stdin. The shim holds it
//                        open (read and write) for the program's whole life, so an attach opens it
//                        to write at any time, and the program never reads end of input between
//                        two attaches; what comes in is copied to the program's stdin, a pipe,
//                        which ends only on closeStdin (stdinOnce) or with the program.
//   <dir>/started.json   written here once the program runs: { pid, startedAt }
//   <dir>/exit.json      written here once it has ended:
//                        { exitCode, reason, message, finishedAt } (reason Completed, Error, StartError)
//
// Each program runs in its own process group (its pid is the group id), so the runtime's signals
// reach everything it started, and the shim itself is left to write the exit record. When the
// program ends, the shim ends the rest of its group: nothing a container started outlives it.
//
// The shim ends by itself once no container runs and no runtime is connected: a node whose pods are
// all gone keeps no process.
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { constants as files, writeFileSync, writeSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { constants } from 'node:os';
import { join } from 'node:path';

const [stateDir, socketPath] = process.argv.slice(2);
if (!stateDir || !socketPath) {
  console.error('usage: node shim.mjs <stateDir> <socket>');
  process.exit(2);
}

/** Writes a JSON record whole: readers never see half a file. */
function record(path, value) {
  writeFileSync(`${path}.tmp`, JSON.stringify(value));
  renameSync(`${path}.tmp`, path);
}

// --- The log --------------------------------------------------------------------------------------

/** A line longer than this many characters is written in pieces tagged P (runtimes use 16 KiB). */
const maxLine = 16 * 1024;

/**
 * Writes one stream of a container to its log: full lines F, pieces of long lines P. What one read
 * brings is written at once, its lines stamped with the time it came. With `eager` (a container
 * with a terminal) a line still growing is written too, as a piece P: a shell's prompt has no
 * newline, and an attach should show it before the user types.
 */
function lineWriter(log, stream, eager = false) {
  let pending = '';
  /** `line` as log lines: pieces of maxLine characters tagged P, then the rest tagged F. */
  const format = (time, line) => {
    let text = '';
    while (line.length > maxLine) {
      text += `${time} ${stream} P ${line.slice(0, maxLine)}\n`;
      line = line.slice(maxLine);
    }
    return `${text}${time} ${stream} F ${line}\n`;
  };
  return {
    add(chunk) {
      const time = new Date().toISOString();
      const lines = (pending + chunk).split('\n');
      pending = lines.pop();
      let text = lines.map((line) => format(time, line)).join('');
      // A line still growing: its full pieces can be written now.
      while (pending.length > maxLine) {
        text += `${time} ${stream} P ${pending.slice(0, maxLine)}\n`;
        pending = pending.slice(maxLine);
      }
      if (eager && pending) {
        text += `${time} ${stream} P ${pending}\n`;
        pending = '';
      }
      if (text) writeSync(log, text);
    },
    flush() {
      if (pending) writeSync(log, format(new Date().toISOString(), pending));
      pending = '';
    },
  };
}

// --- Stdin ---------------------------------------------------------------------------------------

/** Opens a container's stdin FIFO read and write: then it never reads as ended by itself. */
function openFifo(path) {
  return openSync(path, files.O_RDWR | files.O_NONBLOCK);
}

/**
 * Copies what is written into the open FIFO `fifo` to `input`, the program's stdin, until
 * close(): that copies what the FIFO still holds (an attach wrote it all before asking to close),
 * then ends the program's stdin.
 */
function stdinRelay(fifo, input) {
  const reader = new Socket({ fd: fifo, readable: true, writable: false });
  input.on('error', () => {});
  reader.on('data', (chunk) => input.write(chunk));
  reader.on('error', () => {});
  let closed = false;
  return {
    close() {
      if (closed) return;
      closed = true;
      const buffer = Buffer.alloc(64 * 1024);
      for (;;) {
        let count = 0;
        try {
          count = readSync(fifo, buffer);
        } catch {
          break; // EAGAIN: nothing left.
        }
        if (count === 0) break;
        input.write(Buffer.from(buffer.subarray(0, count)));
      }
      input.end();
      reader.destroy();
    },
  };
}

// --- The containers -------------------------------------------------------------------------------

/** Container dirs whose program runs (or is being started), each with the pid once known. */
const running = new Map();

/** Starts the container described in `dir`, unless it was started before. */
function startContainer(dir) {
  if (
    running.has(dir) ||
    existsSync(join(dir, 'started.json')) ||
    existsSync(join(dir, 'exit.json'))
  )
    return;
  let spec, log, fifo;
  try {
    spec = JSON.parse(readFileSync(join(dir, 'spec.json'), 'utf8'));
    log = openSync(spec.logPath, 'a');
    if (spec.stdin) fifo = openFifo(spec.stdin);
  } catch (error) {
    if (log !== undefined) closeSync(log);
    const message = `failed to start: ${error.message}`;
    record(join(dir, 'exit.json'), {
      exitCode: 128,
      reason: 'StartError',
      message,
      finishedAt: Date.now(),
    });
    return;
  }
  const stdout = lineWriter(log, 'stdout', spec.tty === true);
  const stderr = lineWriter(log, 'stderr', spec.tty === true);
  const container = { pid: 0, stdin: undefined };
  running.set(dir, container);

  let ended = false;
  const end = (exit) => {
    if (ended) return;
    ended = true;
    stdout.flush();
    stderr.flush();
    closeSync(log);
    container.stdin?.close();
    record(join(dir, 'exit.json'), { ...exit, finishedAt: Date.now() });
    for (const client of clients) client.write(`${JSON.stringify({ exited: dir })}\n`);
    running.delete(dir);
    exitWhenIdle();
  };
  const startError = (error) =>
    end({ exitCode: 128, reason: 'StartError', message: `failed to start: ${error.message}` });

  let child;
  try {
    child = spawn(process.execPath, [spec.program, ...spec.argv], {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: [spec.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    if (fifo !== undefined) container.stdin = stdinRelay(fifo, child.stdin);
  } catch (error) {
    if (fifo !== undefined) closeSync(fifo);
    startError(error);
    return;
  }
  // Output after the end (a background process still writing when the 2 s below ran out) is
  // dropped: the log's file descriptor is closed, and its number may be another container's log now.
  child.stdout.setEncoding('utf8').on('data', (chunk) => ended || stdout.add(chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => ended || stderr.add(chunk));
  child.on('spawn', () => {
    container.pid = child.pid;
    record(join(dir, 'started.json'), { pid: child.pid, startedAt: Date.now() });
  });
  child.on('error', startError);
  child.on('exit', (code, signal) => {
    // A container ends with its main process: what it started in the background ends too, as the
    // processes of a container's PID namespace do when its first process exits.
    killGroup(child.pid);
    const exitCode = code ?? 128 + (constants.signals[signal] ?? 0);
    const exit = {
      exitCode,
      reason: exitCode === 0 ? 'Completed' : 'Error',
      message: signal ? `killed by ${signal}` : '',
    };
    // Wait for the last output (what is in the pipes is still read after its writers are gone).
    child.on('close', () => end(exit));
    setTimeout(() => end(exit), 2000).unref();
  });
}

function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Nothing of it is left.
  }
}

// --- Requests, and when to end --------------------------------------------------------------------

const clients = new Set();
/** Set by an exit request: from then on the shim ends as soon as its containers have. */
let exiting = false;

function exitWhenIdle() {
  if (running.size > 0 || (clients.size > 0 && !exiting)) return;
  // shim.json goes first (if it is still this shim's): a runtime that reads it afterwards starts
  // a new shim instead.
  const file = join(stateDir, 'shim.json');
  try {
    if (JSON.parse(readFileSync(file, 'utf8')).pid === process.pid) rmSync(file);
  } catch {
    // Not there any more.
  }
  server.close();
  process.exit(0);
}

function handle(request) {
  if (typeof request.start === 'string' && !exiting) startContainer(request.start);
  if (typeof request.closeStdin === 'string') running.get(request.closeStdin)?.stdin?.close();
  if (request.exit === true) {
    exiting = true;
    for (const container of running.values()) if (container.pid) killGroup(container.pid);
    exitWhenIdle();
  }
}

const server = createServer((socket) => {
  clients.add(socket);
  let pending = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => {
    pending += chunk;
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      try {
        handle(JSON.parse(line));
      } catch (error) {
        console.error(`shim: request ${line}: ${error.message}`);
      }
    }
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    clients.delete(socket);
    exitWhenIdle();
  });
});

server.on('error', (error) => {
  console.error(`shim: cannot listen on ${socketPath}: ${error.message}`);
  process.exit(1);
});
// A socket left by a shim that was killed is in the way; nothing listens on it any more.
rmSync(socketPath, { force: true });
server.listen(socketPath, () => {
  // Started for a runtime that never connected (it stopped meanwhile): nothing to wait for.
  setTimeout(exitWhenIdle, 10_000);
  record(join(stateDir, 'shim.json'), { pid: process.pid, socket: socketPath });
});

// The shim outlives the runtime and its programs, never the other way round: signals a terminal
// or a process manager sends are ignored, and an error in one container's handling is written to
// the shim's log (shim.log in the state directory) rather than ending every container.
process.on('SIGTERM', () => {});
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
process.on('uncaughtException', (error) => console.error(`shim: ${error.stack ?? error}`));
