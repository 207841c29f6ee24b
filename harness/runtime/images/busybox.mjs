// busybox, minimal: the applets everyday examples and `kubectl exec`, `kubectl cp` use. The first
// argument names the applet:
//   sleep N | sleep infinity    sleeps (exits 0 on SIGTERM)
//   echo WORDS...               prints them
//   true | false                exits 0 | 1
//   env                         prints the environment
//   sh -c SCRIPT                runs SCRIPT with this machine's /bin/sh (so `sleep`, `echo`, loops
//                               and redirects come from the host, not from busybox)
//   sh                          a shell reading its commands from stdin; interactive (a prompt)
//                               when the runtime says a terminal is attached (KATA_TTY=1)
//   cat [FILE...]               prints files, or stdin without any (or for "-")
//   ls [-a] [PATH...]           lists directories one name a line, sorted
//   test -e|-f|-d PATH          exits 0 when PATH exists | is a file | is a directory, else 1
//   mkdir [-p] DIR...           makes directories
//   pwd, hostname               the working directory, $HOSTNAME
//   tar ...                     this machine's tar, on the container's paths (kubectl cp runs
//                               `tar cf - PATH` and `tar -xmf - -C DIR` here)
//   wget [-q] [-O FILE|-] URL   fetches URL over HTTP to FILE, stdout (-O -) or its base name
// Paths are as the container names them: each resolves under its KATA_ROOT first, where the
// runtime mounts its volumes (container-files.mjs). Anything else prints an error and exits 127,
// as a shell does for an unknown command.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, relative } from 'node:path';
import { hostPathForWrite, hostPathOf, readOnlyMountOf } from './container-files.mjs';

const [applet = 'sh', ...rest] = process.argv.slice(2);
const name = applet.split('/').pop();

/** Prints a busybox-style error for this applet and sets the exit code. */
function fail(message, code = 1) {
  console.error(`${name}: ${message}`);
  process.exitCode = code;
}

/** Runs a host program with our stdio, and exits as it exits. */
function runHost(program, args) {
  const child = spawn(program, args, { stdio: 'inherit' });
  child.on('error', (error) => fail(`${program}: ${error.message}`, 127));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)));
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  // ^C reaches the whole process group (the runtime's interrupt), the host program too. Passing it
  // on again would give that program a second SIGINT, late, which an interactive sh takes as ^C
  // typed at its next line and throws that line away. So this process only survives it.
  process.on('SIGINT', () => {});
}

function cat(files) {
  if (files.length === 0 || (files.length === 1 && files[0] === '-')) {
    process.stdin.pipe(process.stdout);
    return;
  }
  for (const file of files) {
    try {
      process.stdout.write(readFileSync(hostPathOf(file)));
    } catch {
      fail(`can't open '${file}': No such file or directory`);
    }
  }
}

function ls(args) {
  const all = args.includes('-a');
  const paths = args.filter((arg) => !arg.startsWith('-'));
  for (const path of paths.length > 0 ? paths : ['.']) {
    const onHost = hostPathOf(path);
    if (!existsSync(onHost)) {
      fail(`${path}: No such file or directory`);
      continue;
    }
    if (!statSync(onHost).isDirectory()) {
      console.log(path);
      continue;
    }
    if (paths.length > 1) console.log(`${path}:`);
    const names = readdirSync(onHost).filter((entry) => all || !entry.startsWith('.'));
    for (const entry of names.sort()) console.log(entry);
  }
}

function test([flag, path]) {
  const onHost = path === undefined ? undefined : hostPathOf(path);
  const exists = onHost !== undefined && existsSync(onHost);
  const checks = {
    '-e': () => exists,
    '-f': () => exists && statSync(onHost).isFile(),
    '-d': () => exists && statSync(onHost).isDirectory(),
  };
  const check = checks[flag];
  if (!check) return fail(`unknown operator: ${flag ?? '(none)'}`, 2);
  process.exitCode = check() ? 0 : 1;
}

/**
 * The host's tar, with the container's paths: a `-C DIR` becomes the directory on the host, and
 * each absolute path to archive is taken relative to the root it lives under (KATA_ROOT or /), so
 * the archive names the files as the container does (`etc/app/greeting`).
 */
function tar(args) {
  const translated = [];
  // The mode is in the first word, as kubectl cp gives it: `-xmf` extracts, `cf` creates.
  const extracting = /^-?[a-z]*x/.test(args[0] ?? '');
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === '-C' && args[index + 1] !== undefined) {
      const dir = args[++index];
      // Extracting (kubectl cp into the pod) into a read-only mount: tar's own complaint.
      if (extracting && readOnlyMountOf(dir))
        return fail(`${dir}: Cannot open: Read-only file system`, 2);
      translated.push('-C', hostPathOf(dir));
    } else if (isAbsolute(arg)) {
      const onHost = hostPathOf(arg);
      const root = onHost === arg ? '/' : onHost.slice(0, onHost.length - arg.length) || '/';
      translated.push('-C', root, relative('/', arg) || '.');
    } else {
      translated.push(arg);
    }
  }
  runHost('tar', translated);
}

async function wget(args) {
  let output;
  let quiet = false;
  const operands = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === '-q') quiet = true;
    else if (arg === '-qO-' || arg === '-O-') [quiet, output] = [quiet || arg === '-qO-', '-'];
    else if (arg === '-O' || arg === '-qO')
      [quiet, output] = [quiet || arg === '-qO', args[++index]];
    else if (arg === '-T') index++;
    else operands.push(arg);
  }
  const [url] = operands;
  if (!url) return fail('missing URL', 1);
  const target = url.includes('://') ? url : `http://${url}`;
  let response;
  try {
    response = await fetch(target);
  } catch (error) {
    const cause = error.cause?.code ?? error.cause?.errors?.[0]?.code ?? error.cause?.message;
    return fail(`can't connect to remote host: ${cause ?? error.message}`);
  }
  if (!response.ok)
    return fail(`server returned error: HTTP/1.1 ${response.status} ${response.statusText}`);
  const body = Buffer.from(await response.arrayBuffer());
  const file = output ?? (basename(new URL(target).pathname) || 'index.html');
  if (file === '-') return void process.stdout.write(body);
  try {
    writeFileSync(hostPathForWrite(file), body);
  } catch (error) {
    return fail(
      `can't open '${file}': ${error.code === 'EROFS' ? 'Read-only file system' : error.message}`,
    );
  }
  if (!quiet) console.error(`saving to '${file}'`);
}

switch (name) {
  case 'sleep': {
    const seconds = rest[0] === 'infinity' ? Infinity : Number(rest[0] ?? 0);
    process.on('SIGTERM', () => process.exit(0));
    if (Number.isFinite(seconds)) setTimeout(() => {}, seconds * 1000);
    else setInterval(() => {}, 60_000);
    break;
  }
  case 'echo':
    console.log(rest.join(' '));
    break;
  case 'true':
    break;
  case 'false':
    process.exitCode = 1;
    break;
  case 'env':
    for (const [key, value] of Object.entries(process.env)) console.log(`${key}=${value}`);
    break;
  case 'sh':
    // Without a script, a shell reads commands from stdin; with a terminal it is interactive.
    // Without job control (+m): the terminal is kubectl's, so there is none here to control, and
    // sh would say so on every start.
    runHost('/bin/sh', rest.length === 0 && process.env.KATA_TTY === '1' ? ['-i', '+m'] : rest);
    break;
  case 'cat':
    cat(rest);
    break;
  case 'ls':
    ls(rest);
    break;
  case 'test':
    test(rest);
    break;
  case 'mkdir':
    for (const dir of rest.filter((arg) => !arg.startsWith('-'))) {
      if (readOnlyMountOf(dir)) {
        fail(`can't create directory '${dir}': Read-only file system`);
        continue;
      }
      mkdirSync(hostPathOf(dir), { recursive: rest.includes('-p') });
    }
    break;
  case 'pwd':
    console.log(process.cwd());
    break;
  case 'hostname':
    console.log(process.env.HOSTNAME ?? '');
    break;
  case 'tar':
    tar(rest);
    break;
  case 'wget':
    await wget(rest);
    break;
  default:
    console.error(
      `${name}: applet not found (kata's busybox knows sleep, echo, true, false, env, sh, cat, ls, test, mkdir, pwd, hostname, tar, wget)`,
    );
    process.exitCode = 127;
}
