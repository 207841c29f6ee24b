// The course manifest: the one place that says which chapters exist, in what order, what each is
// called, and the hints for its tests. The `kata` CLI, the integrity check and the docs check all
// read it; nothing else lists chapters. Each chapter's entry (its stages and hints) is a file of its
// own in harness/course/, named as the chapter's folder; the order is the `course` list below.

import { chapter1 } from './course/01-store.ts';
import { chapter2 } from './course/02-store-server.ts';
import { chapter2B } from './course/02b-store-grpc.ts';
import { chapter3A } from './course/03a-apiserver.ts';
import { chapter3B } from './course/03b-api-machinery.ts';
import { chapter4 } from './course/04-client.ts';
import { chapter5 } from './course/05-scheduler.ts';
import { chapter6 } from './course/06-kubelet.ts';
import { chapter7 } from './course/07-controllers.ts';
import { chapter8 } from './course/08-deployments.ts';
import { chapter9 } from './course/09-services.ts';
import { chapter9B } from './course/09b-iptables.ts';
import { chapter10A } from './course/10a-pod-config.ts';
import { chapter10B } from './course/10b-pod-streams.ts';
import { chapter11A } from './course/11a-service-accounts.ts';
import { chapter11B } from './course/11b-authorization.ts';
import { chapter11C } from './course/11c-webhooks.ts';
import { chapter11D } from './course/11d-pod-tokens.ts';
import { chapter12 } from './course/12-dns.ts';
import { chapter13A } from './course/13a-jobs.ts';
import { chapter13B } from './course/13b-daemonsets-statefulsets.ts';
import { chapter13C } from './course/13c-storage.ts';
import { chapter16A } from './course/16a-raft.ts';
import { chapter16B } from './course/16b-raft-server.ts';
import { chapter14 } from './course/14-autoscaling.ts';
import { chapter15B } from './course/15b-ingress.ts';
import { chapter17 } from './course/17-operators.ts';
import { chapter18A } from './course/18a-static-pods.ts';
import { chapter18B } from './course/18b-join.ts';
import { chapter15A } from './course/15a-cloud.ts';

/**
 * A stage: a unit of progress and of time a learner can finish in one sitting. Its id is the
 * chapter's id and its place, counted from 1: "01.3". Its tests are a run of the chapter's tests in
 * the chapter's order (test files by name, tests as written): from its first test up to the next
 * stage's first.
 */
export interface Stage {
  /** What the learner has working once it passes: "Revisions and ranges". */
  title: string;
  /** The full name ("Section > test name") of the stage's first test. */
  from: string;
  /**
   * The stub functions this stage asks for, named as their NotImplemented names them ("Store.put",
   * "encode"), when the stage covers only part of a lesson section. A function no stage names
   * belongs to the first stage that covers the lesson section its NotImplemented names.
   */
  functions?: string[];
  /**
   * Why this stage runs past a sitting, when it cannot be cut: the functions behind its first test
   * pass nothing until all of them are written. The integrity check accepts a long stage only
   * with its reason.
   */
  long?: string;
}

export interface Chapter {
  /** Two digits, stable once published: "01". Parts of a long chapter are "03a", "03b". */
  id: string;
  /** The folder name after the id: chapters/01-store. */
  slug: string;
  title: string;
  /** One line: what the learner builds. */
  builds: string;
  /**
   * The chapter cut into stages, in order: each one sitting for a newcomer (30 to 60 minutes). How
   * long each takes is computed from the work behind it (harness/kata/course/stages.ts), never typed.
   */
  stages: Stage[];
  /**
   * Hints, keyed by a test's full name: its lesson section (the top-level `describe`), " > ", then
   * the test's name. Shown when that test is the learner's next failing one.
   */
  hints: Record<string, string>;
  /**
   * The rare tests allowed to pass on the pristine stubs, keyed by full name like `hints`, each with
   * the reason it checks something anyway. The integrity check fails any other test that passes
   * on a stub.
   */
  passOnStubs?: Record<string, string>;
}

/**
 * Headings every lesson has, besides one heading per test section. The integrity check enforces
 * them; docs/authoring.md explains what goes under each.
 */
export const requiredLessonSections = [
  'What you will build',
  'In Kubernetes',
  'Certification notes',
  'Try it',
  'Review questions',
];

export const course: Chapter[] = [
  chapter1,
  chapter2,
  chapter2B,
  chapter3A,
  chapter3B,
  chapter4,
  chapter5,
  chapter6,
  chapter7,
  chapter8,
  chapter9,
  chapter9B,
  chapter10A,
  chapter10B,
  chapter11A,
  chapter11B,
  chapter11C,
  chapter11D,
  chapter12,
  chapter13A,
  chapter13B,
  chapter13C,
  chapter14,
  chapter15A,
  chapter15B,
  chapter16A,
  chapter16B,
  chapter17,
  chapter18A,
  chapter18B,
];

/**
 * The components of a cluster, each a `kata run` program (harness/components/<kind>.ts), in the
 * order `kata up` starts them: the store, the API server, the control loops, the cluster DNS, then
 * per node a kubelet and a kube-proxy.
 */
export const componentKinds = [
  'store',
  'apiserver',
  'controller-manager',
  'scheduler',
  'dns',
  'kubelet',
  'proxy',
  'metrics-server',
  'cloud-controller-manager',
  'ingress',
] as const;

export type ComponentKind = (typeof componentKinds)[number];

/**
 * The chapters whose code each component runs: the one component → chapter map, which `kata run`,
 * `kata up`'s banner and `kata components` read. Chapter 04, the controller toolkit, runs inside
 * every component that talks to the API server and is listed for none.
 */
export const componentChapters: Record<ComponentKind, readonly string[]> = {
  store: ['01', '02', '02b', '16a', '16b'],
  apiserver: ['03a', '03b', '09', '10a', '10b', '11a', '11b', '11c', '11d', '14', '17', '18b'],
  'controller-manager': ['03b', '07', '08', '09b', '11b', '13a', '13b', '13c', '14', '15a', '18b'],
  scheduler: ['05', '13c'],
  dns: ['12'],
  kubelet: ['06', '10a', '10b', '11d', '12', '13c', '14', '18a'],
  proxy: ['09', '09b'],
  'metrics-server': ['03b', '14'],
  'cloud-controller-manager': ['15a'],
  ingress: ['15b'],
};

/** The components in course order: first the one whose chapter comes first. */
export function componentsInCourseOrder(): ComponentKind[] {
  const kinds = course.flatMap((chapter) =>
    componentKinds.filter((kind) => componentChapters[kind].includes(chapter.id)),
  );
  return [...new Set(kinds)];
}

export function folderOf(chapter: Chapter): string {
  return `${chapter.id}-${chapter.slug}`;
}

/** Finds a chapter by id ("01", "1"), folder ("01-store") or slug ("store"). */
/**
 * The parts of a chapter taught in parts (16a and 16b for "16"), in course order; none when
 * `name` is not the number of such a chapter.
 */
export function chapterParts(name: string): Chapter[] {
  if (!/^\d+$/.test(name)) return [];
  const number = name.padStart(2, '0');
  return course.filter((chapter) => new RegExp(`^${number}[a-z]$`).test(chapter.id));
}

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
