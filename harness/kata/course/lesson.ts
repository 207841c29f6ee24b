// A chapter's lesson (chapters/NN-slug/README.md) seen as its `##` sections, so that the CLI can
// point a learner at the section a failing test belongs to, line number included, and the
// integrity check can tell whether every section the course needs is there.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../paths.ts';

export interface LessonSection {
  heading: string;
  /** 1-based line of the heading in the lesson file. */
  line: number;
}

export function lessonPath(folder: string): string {
  return `chapters/${folder}/README.md`;
}

/** The `##` headings of a Markdown text, skipping anything inside fenced code blocks. */
export function sectionsOf(markdown: string): LessonSection[] {
  const sections: LessonSection[] = [];
  let fenced = false;
  markdown.split(/\r?\n/).forEach((text, index) => {
    if (/^\s*(```|~~~)/.test(text)) fenced = !fenced;
    const match = /^## +(.+?)\s*#*\s*$/.exec(text);
    if (!fenced && match) sections.push({ heading: match[1]!, line: index + 1 });
  });
  return sections;
}

export function readLesson(folder: string, root = repoRoot): LessonSection[] | undefined {
  const file = path.join(root, lessonPath(folder));
  return existsSync(file) ? sectionsOf(readFileSync(file, 'utf8')) : undefined;
}

/** Where to read about `section`: "chapters/01-store/README.md:65 § Revisions". */
export function sectionReference(folder: string, section: string, root = repoRoot): string {
  const found = readLesson(folder, root)?.find((candidate) => candidate.heading === section);
  const where = found ? `${lessonPath(folder)}:${found.line}` : lessonPath(folder);
  return `${where} § ${section}`;
}
