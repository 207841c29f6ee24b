// The real dig (Debian's bind9-dnsutils), for the suites that check the DNS server against the
// client everyone uses. Without dig on PATH those suites skip, and say why; CI installs it.
import { execFile, spawnSync } from 'node:child_process';

export const hasDig = spawnSync('dig', ['-v'], { encoding: 'utf8' }).status === 0;

/** The name of the one test a suite shows when dig is missing. */
export const noDig = 'skipped: dig is not on PATH (install bind9-dnsutils to run this suite)';

/**
 * Asks the server at `server`:`port` with dig and answers with what it printed on stdout. `args`
 * are dig's own: a name, a type, +short, +tcp. One try, a short timeout, no search list, no
 * retry: a server that does not answer fails at once.
 */
export function dig(server: string, port: number, ...args: string[]): Promise<string> {
  const argv = [`@${server}`, '-p', String(port), '+tries=1', '+time=2', '+nosearch', ...args];
  return new Promise((resolve, reject) => {
    execFile('dig', argv, { timeout: 10_000 }, (error, stdout, stderr) => {
      // dig exits 9 when no answer came, but still prints; its stdout says more than the code.
      if (error && !stdout)
        reject(new Error(`dig ${argv.join(' ')} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}
