// Chapter 13a's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter13A: Chapter = {
  id: '13a',
  slug: 'jobs',
  title: 'Jobs and CronJobs',
  builds:
    'a cron schedule parser with time zones, the Job controller (completions, parallelism, Indexed, back-off, deadline, suspend, time to live) and the CronJob controller on an injected clock',
  stages: [
    {
      title: 'Reading a cron schedule',
      from: 'Cron schedules > a part is a number, or a range of numbers; a field is a list of parts',
      functions: ['parsePart', 'parseField', 'parseSchedule', 'dayMatches'],
    },
    {
      title: 'The next time, in a time zone',
      from: 'Cron schedules > the next time is the first matching minute strictly after the one given',
      functions: ['nextAfter', 'checkTimeZone', 'wallClockAt', 'instantOf'],
    },
    {
      title: "How a Job's pods count",
      from: "The pods of a Job > a pod is active until it finishes or is being deleted; it is the Job's by its controller reference",
      functions: [
        'isActive',
        'isOwnedBy',
        'countPods',
        'podsWanted',
        'indexOf',
        'succeededIndexes',
        'formatIndexes',
      ],
    },
    {
      title: 'Indexes, new pods and the back-off',
      from: 'The pods of a Job > an Indexed Job starts the lowest indexes neither done nor running, as parallelism allows',
      functions: [
        'indexesToStart',
        'ownerReferenceTo',
        'podFor',
        'backoffDelay',
        'lastFailureTime',
      ],
    },
    {
      title: 'How a Job ends',
      from: "A Job's status > a Job has finished when its Complete or Failed condition is True",
    },
    {
      title: 'The Job controller: pods until complete',
      from: "Jobs > a pod's events go to its Job's key; creations are expected until the informer shows them",
      functions: [
        'PodExpectations.expectCreations',
        'PodExpectations.creationObserved',
        'PodExpectations.satisfied',
        'jobKeyOf',
        'JobController.run',
        'JobController.reconcile',
        'JobController.startPods',
        'JobController.writeStatus',
      ],
      long: 'the first Job test passes only once run, reconcile, startPods and writeStatus all work: a controller is one loop',
    },
    {
      title: 'Back-off, failure, deadline, suspend and time to live',
      from: 'Jobs > a failed pod is replaced only when the back-off after the failure is over',
      functions: ['JobController.deletePods', 'JobController.expire'],
    },
    {
      title: 'Which run is due, and its Job',
      from: "CronJobs > a run's Job is named after the CronJob and the minute; it is referred to, and mapped back, by its owner",
      functions: [
        'jobNameFor',
        'referenceTo',
        'cronJobKeyOf',
        'mostRecentSchedule',
        'missedStart',
        'rfc1123z',
        'jobFor',
        'historyToDelete',
      ],
    },
    {
      title: 'The CronJob controller',
      from: 'CronJobs > each time the minute turns, a Job; the CronJob lists it as active and says when it ran',
      functions: [
        'CronJobController.run',
        'CronJobController.reconcile',
        'CronJobController.runDue',
        'CronJobController.deleteJobs',
        'CronJobController.writeStatus',
      ],
      long: 'the first CronJob controller test passes only once run, reconcile, runDue and writeStatus all work: a controller is one loop',
    },
  ],
  hints: {
    'Cron schedules > a part is a number, or a range of numbers; a field is a list of parts':
      'Split the part on "/" (the step) and its first half on "-" (the range); a lone number is a range of one. parseField is the union of parsePart over the comma-separated parts. Lesson: § Cron schedules.',
    'Cron schedules > a star is the whole range; a step takes every n-th value of a range, or of the rest':
      '"*" and "?" are range.min to range.max; with a step, a lone start runs to range.max; count up from the start by the step. Lesson: § Cron schedules.',
    'Cron schedules > months and days of the week may be named, in any case':
      'Look the upper-cased text up in range.names: its position plus range.min is the value (JAN is 1, SUN is 0). Lesson: § Cron schedules.',
    "Cron schedules > a bad part is an error in robfig/cron's words":
      'Check in this order: too many slashes or hyphens, a value that is not a number or a name, start below min, end above max, start beyond end, a step of 0. Copy the messages from the test. Lesson: § Cron schedules.',
    'Cron schedules > a schedule is five fields or a macro; anything else is an error':
      'Trim; empty is "empty spec string"; an unknown @word is "unrecognized descriptor"; replace a macro by its five fields (macros); split on whitespace; not five is "expected exactly 5 fields, found N: [the fields]". Remember whether each day field was "*" or "?". Lesson: § Cron schedules.',
    'Cron schedules > a day matches both day fields when either is a star, and either of them otherwise':
      'getUTCDate() against daysOfMonth, getUTCDay() against daysOfWeek; AND when anyDayOfMonth or anyDayOfWeek, OR otherwise. Lesson: § Cron schedules.',
    'Cron schedules > the next time is the first matching minute strictly after the one given':
      'Start one minute after the wall clock of `after` (truncated to the minute); a month that does not match jumps to the 1st of the next, a day to the next midnight, an hour to the next hour, a minute by one. Lesson: § Cron schedules.',
    'Cron schedules > months and days that cannot match are skipped; a date that never comes gives nothing':
      'Date.UTC rolls over month and day overflows for you (month 12 is next January). Stop after five years of wall time and return undefined. Lesson: § Cron schedules.',
    'Cron schedules > a time zone moves the schedule to its wall clock':
      'wallClockAt: Intl.DateTimeFormat with timeZone and hourCycle h23, formatToParts, then Date.UTC of the parts. instantOf: wall minus the offset (wallClockAt(x) - x) found at wall, then again at that guess. checkTimeZone: Intl throws a RangeError for an unknown zone. Lesson: § Cron schedules.',
    "The pods of a Job > a pod is active until it finishes or is being deleted; it is the Job's by its controller reference":
      "Active: no deletionTimestamp and a phase other than Succeeded and Failed. Owned: an ownerReference with controller true and the Job's uid. Lesson: § The pods of a Job.",
    'The pods of a Job > counting: active (and of them ready), succeeded and failed pods':
      'One pass: Succeeded and Failed by phase; the rest, if active, count as active, and ready when their Ready condition is True. Lesson: § The pods of a Job.',
    'The pods of a Job > with restartPolicy OnFailure, each container restart is a failure too':
      'For a pod whose spec.restartPolicy is OnFailure, add the restartCount of each of its containerStatuses to failed. Lesson: § The pods of a Job.',
    'The pods of a Job > a NonIndexed Job wants up to parallelism pods, never more than the successes missing':
      'missing = completions - succeeded (without completions: 0 after a success, parallelism before); wanted = min(parallelism, missing) - active, never below 0. Lesson: § The pods of a Job.',
    'The pods of a Job > an Indexed pod carries its index; the indexes done are written as ranges':
      'indexOf reads the batch.kubernetes.io/job-completion-index annotation (digits only). succeededIndexes: a Set of the indexes below completions of Succeeded pods, sorted. formatIndexes: walk runs of consecutive numbers. Lesson: § The pods of a Job.',
    'The pods of a Job > an Indexed Job starts the lowest indexes neither done nor running, as parallelism allows':
      'taken = succeeded indexes plus the indexes of active pods; room = parallelism - active pods; walk 0..completions-1 collecting free ones until room is filled. Lesson: § The pods of a Job.',
    'The pods of a Job > a pod is made from the template, named after the Job, labelled with its uid and name, controlled by it':
      'structuredClone the template; generateName "<job>-"; labels: the template\'s plus batch.kubernetes.io/controller-uid and job-name; ownerReferences: [ownerReferenceTo(job)]. Lesson: § The pods of a Job.',
    'The pods of a Job > an Indexed pod is named with its index, carries it, and reads it as JOB_COMPLETION_INDEX':
      "With an index: generateName \"<job>-<index>-\", the index as annotation and label, and each container's env gets JOB_COMPLETION_INDEX with valueFrom.fieldRef metadata.annotations['batch.kubernetes.io/job-completion-index']. Lesson: § The pods of a Job.",
    'The pods of a Job > after a failure the back-off doubles from 10 s, up to 10 minutes, from the last failure':
      'backoffDelay: 0 for no failure, else min(10 minutes, 10 s * 2^(failures-1)). lastFailureTime: the latest finishedAt of a terminated container state (state or lastState) with a non-zero exitCode. Lesson: § The pods of a Job.',
    "A Job's status > a Job has finished when its Complete or Failed condition is True":
      "hasCondition: some condition of that type with status 'True'. isFinished: Complete or Failed. Lesson: § A Job's status.",
    "A Job's status > more failed pods than backoffLimit fail the Job: BackoffLimitExceeded":
      'counts.failed > (backoffLimit ?? 6): reason BackoffLimitExceeded, message "Job has reached the specified backoff limit". Lesson: § A Job\'s status.',
    "A Job's status > a Job active for activeDeadlineSeconds fails: DeadlineExceeded":
      'now - startTime >= activeDeadlineSeconds * 1000: reason DeadlineExceeded, message "Job was active longer than specified deadline"; check the back-off limit first. Lesson: § A Job\'s status.',
    "A Job's status > complete: completions successes; each index for an Indexed Job; or, without completions, a success and nothing running":
      "No completions: succeeded > 0 and active 0. Indexed: succeededIndexes(pods, completions).length >= completions. Otherwise succeeded >= completions. Lesson: § A Job's status.",
    "A Job's status > setting a condition replaces the one of its type, and keeps its transition time when the status is the same":
      "Find the condition of the same type; lastProbeTime is rfc3339(now); lastTransitionTime is now when the status changed (or there was none), the old one otherwise; filter the old out and append. Lesson: § A Job's status.",
    "A Job's status > the counters come from the pods; zeros are left out but ready; an Indexed Job lists its indexes done":
      "countPods, then { ready } plus active, succeeded and failed when not 0; Indexed: completedIndexes = formatIndexes(succeededIndexes(...)) when not empty. Lesson: § A Job's status.",
    "A Job's status > a finished Job with ttlSecondsAfterFinished expires that long after it finished":
      "Only when ttl is set and isFinished: the finish time is completionTime, else the True Complete or Failed condition's lastTransitionTime; add ttl * 1000. Lesson: § A Job's status.",
    "Jobs > a pod's events go to its Job's key; creations are expected until the informer shows them":
      'jobKeyOf: the controller ownerReference of kind Job gives "<pod\'s namespace>/<owner name>". PodExpectations: a Map of key to count; creationObserved deletes the key at 0; satisfied is !has(key). Lesson: § Jobs.',
    'Jobs > a Job gets a pod labelled with its generated selector; the pod succeeds, the Job is Complete':
      'Informers on jobs and pods (ownerUid index), a queue on the clock, a controller watching both (pods through jobKeyOf). reconcile: the owned pods, startPods when not complete, Complete with completionTime once isComplete, writeStatus. Lesson: § Jobs.',
    'Jobs > completions 5, parallelism 2: never more than 2 pods at once, and 5 successes complete it':
      'Count before creating, and expect creations first (expectCreations): until the informer has shown them, reconcile must not count again, or it would create twice. Lesson: § Jobs.',
    'Jobs > an Indexed Job runs one pod per index, each told its index, and lists the indexes done':
      'For an Indexed Job, startPods creates podFor(job, index) for each of indexesToStart; podStatus gives completedIndexes. Lesson: § Jobs.',
    'Jobs > a pod deleted before it finished is made again; one that finished is not':
      'Count from the pods the informer holds now: a deleted pod is no longer active, so podsWanted asks for one more; a Succeeded pod counts as a success, not as active. Lesson: § Jobs.',
    'Jobs > a failed pod is replaced only when the back-off after the failure is over':
      'startPods: while lastFailureTime + backoffDelay(failed) is after now, create nothing and requeue the key for the rest (queue.addAfter on the clock). Lesson: § Jobs.',
    'Jobs > more failures than backoffLimit: Failed, BackoffLimitExceeded, and its running pods are deleted':
      'failureOf before isComplete: delete the active pods, set Failed True with the reason and message, and record a Warning event with recordEvent. Lesson: § Jobs.',
    'Jobs > past activeDeadlineSeconds: Failed, DeadlineExceeded, its pods deleted':
      'Set startTime on the first reconcile; while the Job runs, requeue the key for startTime + activeDeadlineSeconds * 1000 - now, so it comes back when the deadline passes. Lesson: § Jobs.',
    'Jobs > a suspended Job runs no pods and says Suspended; resumed, it runs them':
      'spec.suspend: delete the active pods, Suspended True JobSuspended, no startTime. Not suspended but the condition still True: Suspended False JobResumed and a fresh startTime. Lesson: § Jobs.',
    'Jobs > ttlSecondsAfterFinished: a finished Job is deleted that long after, and its pods with it':
      'A finished Job goes to expire: at expiresAt delete it with propagationPolicy Foreground; before, requeue the key for then. Lesson: § Jobs.',
    "CronJobs > a run's Job is named after the CronJob and the minute; it is referred to, and mapped back, by its owner":
      'jobNameFor: "<name>-<Math.floor(time / 60000)>". referenceTo: apiVersion, kind, name, namespace, uid. cronJobKeyOf: the controller ownerReference of kind CronJob. Lesson: § CronJobs.',
    'CronJobs > the most recent scheduled time since the last run, and how many were passed over':
      'earliest = lastScheduleTime, else creationTimestamp; step with nextAfter from there while the time is <= now, keeping the last and counting the ones before it. Lesson: § CronJobs.',
    'CronJobs > with startingDeadlineSeconds, a time missed by longer is not due':
      'With startingDeadlineSeconds, earliest = max(earliest, now - startingDeadlineSeconds * 1000) before stepping. Lesson: § CronJobs.',
    'CronJobs > the run a deadline put out of reach is the latest scheduled time no later than now minus the deadline':
      'No deadline: undefined. reach = now - deadline * 1000; from max(last run, reach - look-back) step nextAfter while the time is <= reach and keep the last; none found and the look-back did not reach the last run: look further back. rfc1123z: toUTCString with GMT as +0000. Lesson: § CronJobs.',
    "CronJobs > in a time zone, the schedule runs on that zone's wall clock":
      'Pass spec.timeZone to nextAfter at each step of mostRecentSchedule: the wall clock of the zone is what the schedule names. Lesson: § CronJobs.',
    "CronJobs > a run's Job: the template's labels and spec, the scheduled time, controlled by the CronJob":
      'structuredClone(jobTemplate); metadata: its metadata, the name from jobNameFor, the namespace, the annotation batch.kubernetes.io/cronjob-scheduled-timestamp = rfc3339(time), a controller ownerReference with blockOwnerDeletion. Lesson: § CronJobs.',
    'CronJobs > history keeps the newest 3 completed and 1 failed Jobs (or as the limits say); older ones go, oldest first':
      'Completed and failed separately: sort by status.startTime (else creationTimestamp), oldest first, and keep all but the last `limit`. Lesson: § CronJobs.',
    'CronJobs > each time the minute turns, a Job; the CronJob lists it as active and says when it ran':
      'The queue runs on the clock: runDue asks for the key back at the next scheduled time + 100 ms, then creates jobFor the most recent due time and sets active and lastScheduleTime. Lesson: § CronJobs.',
    'CronJobs > Forbid skips a run while a Job is active; Replace deletes the active Job and makes the new one':
      'Before creating: a Job of that name already active means done (the cache may lag); Forbid with active Jobs: done; Replace: delete the unfinished ones (Background), then create. Lesson: § CronJobs.',
    'CronJobs > finished Jobs beyond the history limit are deleted; lastSuccessfulTime follows the completed ones':
      'reconcile: deleteJobs(historyToDelete(cronJob, its Jobs)) each time; lastSuccessfulTime is the latest completionTime of a completed Job (or the old value). Watch the Jobs so a Job finishing wakes its CronJob. Lesson: § CronJobs.',
    'CronJobs > suspended, no Jobs; resumed, only the most recent missed run is made':
      'spec.suspend: no runDue. Resumed, mostRecentSchedule finds only the latest time missed: one Job, not one per minute missed. Lesson: § CronJobs.',
    'CronJobs > more than 100 runs missed is a Warning event, TooManyMissedTimes, and the latest run is still made':
      "In runDue, once the latest due time's Job is not already active: mostRecentSchedule's missed plus the run itself over 100 is a Warning event TooManyMissedTimes with that count; then make the Job as usual. Lesson: § CronJobs.",
    'CronJobs > a run missed by more than startingDeadlineSeconds is not made, and is a Warning event, MissSchedule':
      'In runDue, when mostRecentSchedule finds nothing due: missedStart; if it finds a time, recordEvent Warning MissSchedule "Missed scheduled time to start a job: " and rfc1123z of it. Lesson: § CronJobs.',
    'CronJobs > a schedule that does not parse is a Warning event, InvalidSchedule':
      'Catch the error of parseSchedule: recordEvent Warning InvalidSchedule "invalid schedule: <schedule> : <error message>", and make no Job. Lesson: § CronJobs.',
  },
};
