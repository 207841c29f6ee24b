// kata/crash: runs for a while, then exits with a failure, for restart policies and back-off.
// Flags: --after=SECONDS (default $CRASH_AFTER_SECONDS, else 3), --code=N (default $EXIT_CODE, else 1).
import { flags } from './serve.mjs';

const options = flags(process.argv.slice(2));
const after = Number(options.get('after')?.[0] ?? process.env.CRASH_AFTER_SECONDS ?? 3);
const code = Number(options.get('code')?.[0] ?? process.env.EXIT_CODE ?? 1);
console.log(`running; crashing in ${after} s`);
setTimeout(() => {
  console.error(`crashing with exit code ${code}`);
  process.exit(code);
}, after * 1000);
