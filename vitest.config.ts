// One Vitest configuration for the whole repository. The kata target plugin decides whether a
// chapter's tests exercise the learner's code (chapters/), the reference (solutions/) or the
// pristine stubs: the tests themselves never change.
import { defineConfig } from 'vitest/config';
import { kataTarget } from './harness/vitest/target.ts';

export default defineConfig({
  plugins: [kataTarget()],
  test: {
    include: ['chapters/**/*.test.ts', 'harness/**/*.test.ts'],
    // Tests in one file run in the order written: a chapter's tests are a sequence of steps.
    sequence: { shuffle: false },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
