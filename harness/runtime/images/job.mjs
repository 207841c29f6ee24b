// kata/job: does its work and exits 0, like a Job's pod. Prints each argument that is not a flag
// (or "working"), then "done". Flag: --code=N exits with N instead (default $EXIT_CODE, else 0).
import { flags } from './serve.mjs';

const argv = process.argv.slice(2);
const words = argv.filter((argument) => !argument.startsWith('--'));
for (const word of words.length ? words : ['working']) console.log(word);
console.log('done');
process.exitCode = Number(flags(argv).get('code')?.[0] ?? process.env.EXIT_CODE ?? 0);
