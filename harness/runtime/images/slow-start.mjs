// kata/slow-start: kata/echo that starts listening only after a delay, so a readiness or startup
// probe fails for a while first. Flags: --delay=SECONDS (default $START_DELAY_SECONDS, else 5), and
// kata/echo's flags.
import { flags, serveEcho } from './serve.mjs';

const argv = process.argv.slice(2);
const delay = Number(flags(argv).get('delay')?.[0] ?? process.env.START_DELAY_SECONDS ?? 5);
console.log(`starting in ${delay} s`);
const timer = setTimeout(() => serveEcho(argv), delay * 1000);
process.on('SIGTERM', () => {
  clearTimeout(timer);
  process.exit(0);
});
