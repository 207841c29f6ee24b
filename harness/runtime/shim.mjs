// The container shim: one small process per container that starts the container's program, writes
// its output to the log file in the CRI log format, and records how it ended.
//
// Why a shim between the runtime and the container: the runtime (and the kubelet that owns it) may
// stop and start again while containers keep running. Something must still read the container's
// stdout, and still be its parent to learn its exit code; containerd's shim and CRI-O's conmon do
// exactly this. The runtime starts this program detached, then only reads the files it writes:
//
//   <dir>/spec.json      written by the runtime: { program, argv, env, cwd, logPath }
//   <dir>/started.json   written here once the program runs: { pid, startedAt }
//   <dir>/exit.json      written here once it has ended:
//                        { exitCode, reason, message, finishedAt } (reason Completed, Error, StartError)
//
// The program runs in its own process group (its pid is the group id), so the runtime's signals
// reach everything it started, and the shim itself is left to write the exit record. When the
// program ends, the shim ends the rest of its group: nothing a container started outlives it.
import { spawn } from 'node:child_process';
import { openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';

const dir = process.argv[2];
const spec = JSON.parse(readFileSync(join(dir, 'spec.json'), 'utf8'));

/** Writes a JSON record whole: readers never see half a file. */
function record(name, value) {
  const path = join(dir, name);
  writeFileSync(`${path}.tmp`, JSON.stringify(value));
  renameSync(`${path}.tmp`, path);
}

// --- The log --------------------------------------------------------------------------------------

const log = openSync(spec.logPath, 'a');
/** A line longer than this many characters is written in pieces tagged P (runtimes use 16 KiB). */
const maxLine = 16 * 1024;

function writeLine(stream, partial, content) {
  writeSync(log, `${new Date().toISOString()} ${stream} ${partial ? 'P' : 'F'} ${content}\n`);
}

/** Writes a long text's leading pieces as P; returns what is left (at most maxLine). */
function writePieces(stream, text) {
  while (text.length > maxLine) {
    writeLine(stream, true, text.slice(0, maxLine));
    text = text.slice(maxLine);
  }
  return text;
}

/** Cuts a stream into lines; what is left without a newline waits for more, or for `flush`. */
function lineWriter(stream) {
  let pending = '';
  return {
    add(chunk) {
      pending += chunk;
      let newline;
      while ((newline = pending.indexOf('\n')) >= 0) {
        writeLine(stream, false, writePieces(stream, pending.slice(0, newline)));
        pending = pending.slice(newline + 1);
      }
      // A line still growing: its full pieces can be written now.
      pending = writePieces(stream, pending);
    },
    flush() {
      if (pending) writeLine(stream, false, writePieces(stream, pending));
      pending = '';
    },
  };
}

// --- The program ----------------------------------------------------------------------------------

const child = spawn(process.execPath, [spec.program, ...spec.argv], {
  cwd: spec.cwd,
  env: spec.env,
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
});
const stdout = lineWriter('stdout');
const stderr = lineWriter('stderr');
child.stdout.setEncoding('utf8').on('data', (chunk) => stdout.add(chunk));
child.stderr.setEncoding('utf8').on('data', (chunk) => stderr.add(chunk));

let ended = false;
function end(exit) {
  if (ended) return;
  ended = true;
  stdout.flush();
  stderr.flush();
  record('exit.json', { ...exit, finishedAt: Date.now() });
  process.exit(0);
}

child.on('spawn', () => record('started.json', { pid: child.pid, startedAt: Date.now() }));
child.on('error', (error) =>
  end({ exitCode: 128, reason: 'StartError', message: `failed to start: ${error.message}` }),
);
child.on('exit', (code, signal) => {
  // A container ends with its main process: what it started in the background ends too, as the
  // processes of a container's PID namespace do when its first process exits.
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Nothing of it is left.
  }
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

// The shim outlives its program, never the other way round: signals to the shim are ignored.
process.on('SIGTERM', () => {});
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
