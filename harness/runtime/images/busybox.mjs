// busybox, minimal: the applets everyday examples use. The first argument names the applet:
//   sleep N | sleep infinity    sleeps (exits 0 on SIGTERM)
//   echo WORDS...               prints them
//   true | false                exits 0 | 1
//   env                         prints the environment
//   sh -c SCRIPT                runs SCRIPT with this machine's /bin/sh (so `sleep`, `echo`, loops
//                               and redirects come from the host, not from busybox)
// Anything else prints an error and exits 127, as a shell does for an unknown command.
import { spawn } from 'node:child_process';

const [applet = 'sh', ...rest] = process.argv.slice(2);
const name = applet.split('/').pop();
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
  case 'sh': {
    const shell = spawn('/bin/sh', rest, { stdio: 'inherit' });
    shell.on('exit', (code, signal) => process.exit(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)));
    process.on('SIGTERM', () => shell.kill('SIGTERM'));
    break;
  }
  default:
    console.error(
      `${name}: applet not found (kata's busybox knows sleep, echo, true, false, env, sh -c)`,
    );
    process.exitCode = 127;
}
