// Chapter 18a's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

const manifests = 'Static pod manifests > ';
const mirrors = 'Mirror pods > ';
const source = 'The static pod source > ';

export const chapter18A: Chapter = {
  id: '18a',
  slug: 'static-pods',
  title: 'Static pods: the kubelet before the API server',
  builds:
    "The kubelet's --pod-manifest-path: static pods read from a folder of manifests (named for the node, a uid hashed from the file), run by chapter 06's kubelet with no API server, restarted by their policy and stopped when their file goes, and their mirror pods in the API server (owned by the Node, made again when deleted)",
  stages: [
    {
      title: 'Reading a manifest',
      from: `${manifests}parseManifest reads a Pod in YAML or in JSON`,
      functions: ['parseManifest', 'staticPodName', 'staticPodUid', 'staticPod'],
    },
    {
      title: 'A folder of static pods, and their mirrors',
      from: `${manifests}staticPod keeps a namespace the manifest gives, and a NoExecute toleration it has`,
      functions: ['readManifests', 'changedKeys', 'mirrorPodOf', 'mirrorStep'],
    },
    {
      title: 'Watching the folder',
      from: `${source}scan answers the keys that came, changed and went; the same folder again, none`,
      functions: [
        'StaticPods.readFolder',
        'StaticPods.scan',
        'StaticPods.get',
        'StaticPods.setStatus',
        'StaticPods.watch',
      ],
    },
    {
      title: 'Mirrors in the API server, and the kubelet',
      from: `${source}syncMirror creates the mirror with its status, writes a new status, and deletes an orphan`,
      functions: [
        'StaticPods.syncMirror',
        'StaticPods.run',
        'StaticPods.resync',
        'StaticPods.reconcile',
        'createStaticPods',
      ],
    },
  ],
  hints: {
    [`${manifests}parseManifest reads a Pod in YAML or in JSON`]:
      "The yaml package's parse reads both (JSON is YAML). Lesson: § Static pod manifests.",
    [`${manifests}parseManifest refuses what is not a named v1 Pod, naming the file`]:
      'Every error starts "<path>: invalid pod: ": a parse error\'s own message, "not an object", "expected kind Pod in v1, got <kind>", "metadata.name is required". Lesson: § Static pod manifests.',
    [`${manifests}a static pod's name is the manifest's name, a dash, and the node's name in lower case`]:
      '`${name}-${nodeName.toLowerCase()}`. Lesson: § Static pod manifests.',
    [`${manifests}a static pod's uid is a hash of the pod, the node and the file: the same inputs, the same uid`]:
      'createHash("md5"): update with JSON.stringify(pod), then "host:<node>", then "file:<path>"; digest("hex"). Lesson: § Static pod manifests.',
    [`${manifests}staticPod: named for the node, in default, bound, annotated, tolerating NoExecute, Pending`]:
      'Clone the manifest; the uid from staticPodUid of the manifest as read; the name from staticPodName; namespace "default" when none; the three config annotations; spec.nodeName; a toleration {operator: Exists, effect: NoExecute}; automountServiceAccountToken false; status {phase: Pending}. Lesson: § Static pod manifests.',
    [`${manifests}staticPod keeps a namespace the manifest gives, and a NoExecute toleration it has`]:
      'Add the toleration only when no toleration already has operator Exists and effect NoExecute. Lesson: § Static pod manifests.',
    [`${manifests}readManifests: every file a pod by key, dot files skipped, bad files and duplicates errors`]:
      'Skip a file whose base name starts with "."; parseManifest then staticPod in a try; a key already taken is the error "<path>: a static pod <key> comes from another file". Lesson: § Static pod manifests.',
    [`${manifests}changedKeys: the pods that came, went, or got a new uid`]:
      'Over the keys of both maps, keep those whose uid differs (undefined for a missing pod). Lesson: § Static pod manifests.',
    [`${mirrors}mirrorPodOf: the static pod's copy, annotated with its hash and owned by the Node`]:
      'structuredClone; the annotation kubernetes.io/config.mirror holds the config.hash annotation; one ownerReference: v1 Node, its name and uid, controller true. Lesson: § Mirror pods.',
    [`${mirrors}mirrorPodOf leaves out what the API server gives: uid, resourceVersion and status`]:
      'Take uid and resourceVersion out of the copied metadata and delete its status. Lesson: § Mirror pods.',
    [`${mirrors}mirrorStep: create a missing mirror, delete one whose file is gone, else nothing`]:
      'No static pod: "delete" when there is a mirror, else "none". No mirror: "create". Lesson: § Mirror pods.',
    [`${mirrors}mirrorStep: replace a mirror being deleted, or one of another version of the file`]:
      'A deletionTimestamp, or a mirror annotation that is not the static pod\'s config.hash: "replace". Lesson: § Mirror pods.',
    [`${mirrors}mirrorStep: write the status when the mirror's is not the static pod's`]:
      'Compare the two statuses as JSON: different is "status", the same is "none". Lesson: § Mirror pods.',
    [`${source}scan answers the keys that came, changed and went; the same folder again, none`]:
      'readFolder: readdir with file types (ENOENT: no files), each file read. scan: readManifests of them, then changedKeys against the pods held; keep the new map. Lesson: § The static pod source.',
    [`${source}readFolder reads every file of the folder in name order, and no sub-folder`]:
      'readdir(folder, { withFileTypes: true }); keep entries whose isFile(); sort the names; read each as utf8 with its full path. Lesson: § The static pod source.',
    [`${source}a pod whose file did not change keeps the status set; each bad file is told once`]:
      'In scan, put back the pod held when its uid is the same; remember the errors and tell onError only the new ones. setStatus replaces the held pod with one carrying the status. Lesson: § The static pod source.',
    [`${source}watch scans at once, then notices a file written later`]:
      'Await a first scan and resync its keys; then fs.watch the folder (with the signal) and scan again every fileCheckMs on the clock. Lesson: § The static pod source.',
    [`${source}syncMirror creates the mirror with its status, writes a new status, and deletes an orphan`]:
      'By mirrorStep: "create" reads the Node for its uid, creates mirrorPodOf and writes the status through updateStatus; "status" writes it; "delete" deletes with gracePeriodSeconds 0 and a uid precondition. Lesson: § The static pod source.',
    [`${source}syncMirror replaces a mirror someone deleted: a new one, with a new uid`]:
      '"replace" is a delete then a create. Lesson: § The static pod source.',
    [`${source}the kubelet runs static pods with no API server, restarts them, and stops a removed one`]:
      "run: a controller on a work queue of the host's toolkit, whose reconcile kills other uids and runs host.syncPod (or kills the pod whose file is gone), then syncMirror with host.apiPod(key); then watch, resyncing into the queue. resync adds to the queue (addAfter with a delay). Lesson: § Inside the kubelet.",
    [`${source}with an API server the kubelet publishes the mirror, and makes it again once deleted`]:
      "syncMirror with the mirror the kubelet's informer has: a deletionTimestamp on it means replace. Lesson: § Inside the kubelet.",
  },
};
