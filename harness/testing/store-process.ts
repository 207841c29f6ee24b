// The kata store as a child process, for tests that kill it: chapter 02's code from the folder
// under test (the learner's, the reference or the pristine stubs), chapter 01's from solutions/,
// so a chapter's tests never depend on an earlier chapter of the learner's.
//
//   node --import tsx harness/testing/store-process.ts <02-store-server folder> [store flags...]
import path from 'node:path';
import { chapterSource } from '../components/implementation.ts';
import { main } from '../components/store.ts';

const [serverDir, ...flags] = process.argv.slice(2);
if (!serverDir) {
  console.error('usage: store-process.ts <02-store-server folder> [store flags...]');
  process.exit(2);
}
process.exitCode = await main(flags, {
  storeDir: chapterSource('01', 'solutions'),
  serverDir: path.resolve(serverDir),
});
