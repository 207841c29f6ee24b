// kata/job: does its work and exits 0, like a Job's pod. Prints each argument that is not a flag
// (or "working"), and its index when it is one of an Indexed Job's pods (JOB_COMPLETION_INDEX),
// works for --seconds=N (default $WORK_SECONDS, else 0), then prints "done". --code=N exits with
// N instead (default $EXIT_CODE, else 0).
import { flags } from './serve.mjs';

const argv = process.argv.slice(2);
const options = flags(argv);
const words = argv.filter((argument) => !argument.startsWith('--'));
for (const word of words.length ? words : ['working']) console.log(word);
if (process.env.JOB_COMPLETION_INDEX !== undefined) {
  console.log(`index ${process.env.JOB_COMPLETION_INDEX}`);
}
const seconds = Number(options.get('seconds')?.[0] ?? process.env.WORK_SECONDS ?? 0);
setTimeout(() => {
  console.log('done');
  process.exitCode = Number(options.get('code')?.[0] ?? process.env.EXIT_CODE ?? 0);
}, seconds * 1000);
