import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { anchorOf, commandProblems, linkProblems, stageNameProblems } from './docs-check.ts';
import type { Chapter } from '../../course.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'kata-docs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(path.join(root, 'docs'));
writeFileSync(
  path.join(root, 'package.json'),
  JSON.stringify({ scripts: { test: 'x', bench: 'y' } }),
);
writeFileSync(
  path.join(root, 'docs', 'guide.md'),
  [
    '# Guide',
    '## Getting started',
    'See [the start](#getting-started), [the map](cert-prep.md) and [nothing](missing.md).',
    'And [a heading that is not there](#nowhere).',
    '```bash',
    'npx kata test 01',
    'npx kata frobnicate',
    'npm run bench && npm run deploy',
    '```',
    '```text',
    'npx kata not-checked-here',
    '```',
  ].join('\n'),
);

describe('The documentation check', () => {
  test("anchors are GitHub's: lower case, punctuation gone, spaces as hyphens", () => {
    expect(anchorOf('Chapter 03b: Answering kubectl')).toBe('chapter-03b-answering-kubectl');
    expect(anchorOf('Try it')).toBe('try-it');
  });

  test('a link to a missing file or heading is named with its file and line', () => {
    expect(linkProblems('docs/guide.md', root)).toEqual([
      'docs/guide.md:3: the link cert-prep.md names no file',
      'docs/guide.md:3: the link missing.md names no file',
      'docs/guide.md:4: the link #nowhere names no heading of docs/guide.md',
    ]);
  });

  test('a kata verb or npm script in a shell block must exist; other blocks are not read', () => {
    expect(commandProblems('docs/guide.md', root)).toEqual([
      'docs/guide.md:7: "kata frobnicate" is no kata verb',
      'docs/guide.md:8: "npm run deploy" is no script',
    ]);
  });

  test('a stage named in bold must exist and still be called that, its words possibly cut short', () => {
    writeFileSync(
      path.join(root, 'docs', 'stuck.md'),
      '- **01.1 Revisions** and **01.2 Ranges of keys**, then **01.3 Anything**.\n',
    );
    const stage = (title: string) => ({ title, from: 'x' });
    const chapters = [
      { id: '01', stages: [stage('Revisions and puts'), stage('Ranges')] } as unknown as Chapter,
    ];
    expect(stageNameProblems('docs/stuck.md', root, chapters)).toEqual([
      'docs/stuck.md:1: stage 01.2 is "Ranges", not "Ranges of keys"',
      'docs/stuck.md:1: stage 01.3 does not exist',
    ]);
  });
});
