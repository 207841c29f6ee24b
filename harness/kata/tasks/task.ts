// A task on a running cluster, as an exam or a break-fix drill sets it: a statement in the exam's
// words, a way to set the scene, and a check of the cluster's state (never of how the learner got
// there). `kata drill` and `kata exam` both run tasks of this shape, so a drill and an exam task are
// written, verified and tested the same way.
import type { ApiClient } from '../../client/types.ts';
import type { ClusterState } from '../../cluster/state.ts';

/** The exam domains a task counts toward (CKA and CKAD curricula). */
export type ExamDomain =
  | 'CKA: Troubleshooting'
  | 'CKA: Cluster Architecture, Installation and Configuration'
  | 'CKA: Services and Networking'
  | 'CKA: Workloads and Scheduling'
  | 'CKA: Storage'
  | 'CKAD: Application Design and Build'
  | 'CKAD: Application Deployment'
  | 'CKAD: Application Observability and Maintenance'
  | 'CKAD: Application Environment, Configuration and Security'
  | 'CKAD: Services and Networking';

/** What a task is given: the running cluster (as `kata up` recorded it) and a client for it. */
export interface TaskScene {
  cluster: ClusterState;
  client: ApiClient;
  /** Where the cluster's data lives (`kata up --data-dir`), for kill/restart through its control. */
  dataDir: string;
}

/** What `verify` found: passed, or the reasons it did not, each one line a learner can act on. */
export interface Verdict {
  passed: boolean;
  reasons: string[];
}

export interface Task {
  /** A short, kebab-case name: `kata drill start service-selector`. */
  name: string;
  /** The task as an exam would state it: the symptom or the goal, never the cause. */
  statement: string;
  domain: ExamDomain;
  difficulty: 'easy' | 'medium' | 'hard';
  /** The exam's pace for it, in minutes. */
  minutes: number;
  /** Sets the scene: creates what the task is about and, for a drill, breaks it. */
  prepare(scene: TaskScene): Promise<void>;
  /** Checks the cluster's state. */
  verify(scene: TaskScene): Promise<Verdict>;
  /** A nudge, not the answer. */
  hint: string;
  /** After a pass or a reveal: what happened, and which chapter's code did it. */
  explanation: string;
  /** The intended fix, as a learner would apply it (kubectl or kata): tests use it. */
  fix(scene: TaskScene): Promise<void>;
  /** Undoes the scene, so the next task starts from a clean cluster. */
  cleanUp(scene: TaskScene): Promise<void>;
}
