#!/usr/bin/env node
// The `kata` command. The CLI is written in TypeScript; tsx lets Node run it directly, so there is
// no build step between editing the course and using it.
//
// Nothing is imported before the dependencies are known to be installed: in a fresh clone, before
// `npm install`, one line says what to do, instead of a stack trace about a module not found.
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const missing = Object.keys(manifest.dependencies ?? {}).filter((name) => {
  try {
    import.meta.resolve(name);
    return false;
  } catch {
    return true;
  }
});
if (missing.length > 0) {
  console.error(
    `kata: the dependencies are not installed (${missing.join(', ')} not found): run \`npm install\` first`,
  );
  process.exit(1);
}

const { register } = await import('tsx/esm/api');
register();
await import('../kata/main.ts');
