// The course manifest: the one place that says which chapters exist, in what order, what each is
// called, and the hints for its tests. The `kata` CLI, the integrity check and the docs check all
// read it; nothing else lists chapters.

export interface Chapter {
  /** Two digits, stable once published: "01". Parts of a long chapter are "03a", "03b". */
  id: string;
  /** The folder name after the id: chapters/01-store. */
  slug: string;
  title: string;
  /** One line: what the learner builds. */
  builds: string;
  /** Roughly how long a learner needs, for instructors planning a day. */
  minutes: number;
  /** The `kata run` component this chapter provides, if it provides one. */
  component?: string;
  /**
   * Hints, keyed by a test's full name: its lesson section (the top-level `describe`), " > ", then
   * the test's name. Shown when that test is the learner's next failing one.
   */
  hints: Record<string, string>;
}

/**
 * Headings every lesson has, besides one heading per test section. The integrity check enforces
 * them; docs/authoring.md explains what goes under each.
 */
export const requiredLessonSections = [
  'What you will build',
  'Certification notes',
  'Try it',
  'Review questions',
];

export const course: Chapter[] = [
  {
    id: '01',
    slug: 'store',
    title: 'The store',
    builds:
      'an MVCC key-value store with etcd semantics: revisions, ranges, transactions, watches, leases',
    minutes: 180,
    hints: {},
  },
];

export function folderOf(chapter: Chapter): string {
  return `${chapter.id}-${chapter.slug}`;
}

/** Finds a chapter by id ("01", "1"), folder ("01-store") or slug ("store"). */
export function findChapter(name: string): Chapter | undefined {
  const wanted = name.toLowerCase();
  return course.find(
    (chapter) =>
      chapter.id === wanted ||
      chapter.id === wanted.padStart(2, '0') ||
      chapter.slug === wanted ||
      folderOf(chapter) === wanted,
  );
}
