// Step e of `kata check`, every test under harness/, as the whole work of a child process, so that
// it runs beside the chapters' checks (its end-to-end suites mostly wait on their clusters, and the
// chapters keep the cores busy meanwhile). Run as
//
//   node --import tsx harness/kata/course-check/harness-child.ts <result.json>
//
// it writes the run's results and its duration to <result.json>, then exits: check.ts reads them.
import { writeFileSync } from 'node:fs';
import { runHarness } from './check.ts';

const resultFile = process.argv[2];
if (!resultFile) {
  console.error('usage: harness-child.ts <result.json>');
  process.exit(2);
}
const { run, took } = await runHarness();
writeFileSync(resultFile, JSON.stringify({ run, took }));
// Exit now: a handle a test left open must not keep the check waiting.
process.exit(0);
