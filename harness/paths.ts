// Where the repository's rooms are on disk: the repository itself, the learner's chapters/ and the
// reference solutions/. Every part of the harness (the CLI, the components, the test helpers, the
// Vitest plugin) finds files from here, so none of them leans on another for a path.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root: the folder holding chapters/, solutions/ and harness/. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The learner's chapters (stubs until they write them). */
export const chaptersDir = path.join(repoRoot, 'chapters');

/** The reference implementation of every chapter. */
export const solutionsDir = path.join(repoRoot, 'solutions');
