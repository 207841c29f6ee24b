// Chapter 10a's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter10A: Chapter = {
  id: '10a',
  slug: 'pod-config',
  title: 'Inside a pod: configuration, volumes, init containers',
  builds:
    'what the kubelet does inside a pod: env from ConfigMaps, Secrets and the downward API, volumes with the ..data swap, init containers and sidecars, and Secrets encrypted at rest by the API server',
  stages: [
    {
      title: 'Values from ConfigMaps and Secrets',
      from: "Configuration into containers > a configMapKeyRef is the ConfigMap key's value",
      functions: ['keyValue', 'secretValue', 'secretEntries'],
    },
    {
      title: 'The downward API and resources',
      from: "Configuration into containers > the downward API: a fieldRef is one of the pod's fields",
      functions: ['podField', 'resourceField'],
    },
    {
      title: 'The whole environment, and $(VAR)',
      from: 'Configuration into containers > $(NAME) is replaced by a variable defined before; an unknown one stays; $$ is a lone $',
      functions: [
        'expand',
        'variablesFrom',
        'variableValue',
        'containerEnvironment',
        'expandCommand',
      ],
    },
    {
      title: "A volume's directory, and an object's keys as files",
      from: "Volumes > each volume of a pod has a directory of its own, named as the kubelet's; a hostPath is the node's",
      functions: ['volumePlugin', 'volumeDir', 'projectKeys'],
    },
    {
      title: 'What each kind of volume holds',
      from: 'Volumes > configMap and secret volumes hold a file per key; a missing optional object, none',
      functions: ['downwardFiles', 'volumePayload'],
    },
    {
      title: 'The ..data swap',
      from: 'Volumes > files are written under a version directory that ..data points at, each key a link through ..data',
      functions: ['writeAtomically'],
    },
    {
      title: "A pod's volumes, and a container's mounts",
      from: "Volumes > setting up a pod's volumes makes each one; one that cannot be set up is an error naming it",
      functions: [
        'inMemory',
        'setUpVolumes',
        'apiDataVolumes',
        'containerMounts',
        'removePodVolumes',
        'consumedObjects',
      ],
    },
    {
      title: 'Init containers, one at a time',
      from: 'Init containers and sidecars > an init container is restarted OnFailure (Never under Never); a sidecar Always',
      functions: ['isSidecar', 'initRestartPolicy', 'initPlan'],
    },
    {
      title: 'Init containers in the status, and sidecars',
      from: 'Init containers and sidecars > while initializing: phase Pending, Initialized False naming who is not done, the apps PodInitializing',
      functions: [
        'initialized',
        'initFailed',
        'initializedCondition',
        'withSidecarReadiness',
        'completeStatus',
        'stopOrder',
      ],
    },
    {
      title: 'An EncryptionConfiguration, and AES-GCM',
      from: "Secrets at rest > an EncryptionConfiguration names each resource's providers, in order",
      functions: ['parseEncryptionConfig', 'encryptValue', 'decryptValue'],
    },
    {
      title: 'Sealing and opening a value',
      from: 'Secrets at rest > a write uses the first provider: aesgcm seals a Secret; identity, or a resource not configured, stays plain',
      functions: ['resourceOf', 'sealValue', 'openValue'],
    },
    {
      title: 'The encrypting store',
      from: 'Secrets at rest > the encrypting store seals a put: the store holds ciphertext, a range through it reads plain text',
      functions: ['encryptingStore', 'storeWithEncryption'],
    },
    {
      title: "In the kubelet's seam",
      from: "Inside the kubelet > a container starts with its ConfigMap's keys in its env and its volume mounted",
    },
  ],
  hints: {
    "Configuration into containers > a configMapKeyRef is the ConfigMap key's value":
      'keyValue: find the object with sources.configMap(namespace, selector.name) and read data[selector.key]. Lesson: § Configuration into containers.',
    "Configuration into containers > a missing ConfigMap or key is a ContainerConfigError in the kubelet's words, never an empty value":
      'Throw new ContainerConfigError (harness/runtime/cri.ts) with the kubelet\'s messages: `configmap "NAME" not found`, and `couldn\'t find key KEY in ConfigMap NAMESPACE/NAME`. Lesson: § Configuration into containers.',
    'Configuration into containers > optional: a missing ConfigMap or key leaves the variable out instead':
      'Before each throw, check selector.optional: when true, answer undefined (the caller leaves the variable out). Lesson: § Configuration into containers.',
    "Configuration into containers > a secretKeyRef is the Secret key's value, decoded from base64":
      "secretValue: Buffer.from(data[key], 'base64').toString('utf8'), falling back to stringData. keyValue for a Secret reads the decoded map (secretEntries); the kind in messages is Secret / secret. Lesson: § Configuration into containers.",
    "Configuration into containers > the downward API: a fieldRef is one of the pod's fields":
      "podField: a regular expression for metadata.labels['key'] / annotations['key'], a table for the plain paths (podIP and hostIP come from sources), key=\"value\" lines sorted for the whole maps, ContainerConfigError otherwise. Lesson: § Configuration into containers.",
    'Configuration into containers > the whole labels or annotations are key="value" lines, sorted, as a downward API file shows them':
      'For metadata.labels or metadata.annotations alone: the keys sorted, each `key=` then JSON.stringify(value), joined by newlines. Lesson: § Configuration into containers.',
    "Configuration into containers > a resourceFieldRef is the container's limit or request, in units of its divisor, rounded up":
      'resourceField: split "limits.cpu" at the dot; a limit not set is sources.allocatable[resource], a request not set is the limit; parseQuantity (harness/api/quantity.ts) both value and divisor, Math.ceil the quotient. Lesson: § Configuration into containers.',
    'Configuration into containers > $(NAME) is replaced by a variable defined before; an unknown one stays; $$ is a lone $':
      'One regular expression with two alternatives, /\\$\\$|\\$\\(([^)]*)\\)/g, and a replacer: $$ gives "$", $(NAME) gives defined.get(NAME) or the match itself. Lesson: § Configuration into containers.',
    'Configuration into containers > envFrom gives every key of a ConfigMap or Secret, each name prefixed; a missing one is an error unless optional':
      'variablesFrom: the source\'s configMapRef or secretRef; a missing object is `configmap "NAME" not found` (or secret) unless optional; then [prefix + key, value] for each entry. Lesson: § Configuration into containers.',
    "Configuration into containers > the whole environment: envFrom, then env (later wins), then the Services' variables not set":
      "Keep a Map of the container's own variables: envFrom's first, then each env entry (variableValue; a plain value is expand()ed with the Services' and the earlier variables). Append the Services' variables the Map lacks. Lesson: § Configuration into containers.",
    'Configuration into containers > a $(VAR) in command and args takes its value from the environment':
      'expandCommand: a Map of the environment, then expand() each word; undefined stays undefined. Lesson: § Configuration into containers.',
    "Volumes > each volume of a pod has a directory of its own, named as the kubelet's; a hostPath is the node's":
      'volumePlugin names the source (empty-dir, configmap, secret, projected, downward-api, host-path); volumeDir joins podsDir, uid, "volumes", "kubernetes.io~" + plugin, the volume name; a hostPath is its own path. Lesson: § Volumes.',
    "Volumes > an object's keys become files: all of them, or only the items, each with its mode":
      'projectKeys: without items, one file per key with the mode given; with items, only those keys at item.path with item.mode ?? mode; a missing key throws "<kind> references non-existent config key: KEY". Lesson: § Volumes.',
    'Volumes > configMap and secret volumes hold a file per key; a missing optional object, none':
      "volumePayload: by source; defaultMode ?? 0o644; a Secret's values decoded (secretEntries); a missing object that is optional gives an empty payload; emptyDir and hostPath answer undefined. Lesson: § Volumes.",
    "Volumes > downwardAPI volumes hold the pod's fields; projected ones, several sources in one":
      "downwardFiles: each item's fieldRef through podField (or its resourceFieldRef through resourceField) at item.path. A projected volume merges the files of its sources, one Map. Lesson: § Volumes.",
    "Volumes > a volume's defaultMode applies to its files, an item's own mode wins; a resource can be a file too":
      "The mode of each file: item.mode ?? the volume's defaultMode ?? 0o644 (a projected volume's defaultMode for all its sources). A downwardAPI item with a resourceFieldRef goes through resourceField, its containerName naming the container. Lesson: § Volumes.",
    'Volumes > files are written under a version directory that ..data points at, each key a link through ..data':
      'writeAtomically: write every file under dir/..<time>.<random>/, chmod each, symlink ..data_tmp to that name, renameSync it onto ..data, then symlink each top-level name to ..data/<name>. Lesson: § Volumes.',
    'Volumes > an update switches ..data to a new version, drops keys that went and the old version; the same payload writes nothing':
      'Read readlinkSync(dir/..data) first; when that version holds exactly the payload (contents and modes), answer false. After the rename, remove links no longer in the payload and the old version directory. Lesson: § Volumes.',
    "Volumes > setting up a pod's volumes makes each one; one that cannot be set up is an error naming it":
      'setUpVolumes: for each volume, writeAtomically its payload or mkdirSync (recursive) its directory; wrap any error as a ContainerConfigError `MountVolume.SetUp failed for volume "NAME" : <why>`. Lesson: § Volumes.',
    'Volumes > a container sees each volume at its mountPath; a subPath mounts one entry of it, and may not leave it':
      "containerMounts: { containerPath: mountPath, hostPath: the volume's dir, readonly: readOnly ?? false }; a subPath is normalize()d, refused if it starts with .. or /, made if missing, then realpathSync. Lesson: § Volumes.",
    "Volumes > an emptyDir of medium Memory is made on the host's tmpfs, and goes with the pod":
      "inMemory: emptyDir?.medium === 'Memory'. setUpVolumes: for such a volume mkdir join(memoryRoot, uid, name) and symlink the volume's own directory to it (once). removePodVolumes: also rmSync join(memoryRoot, uid). Lesson: § Volumes.",
    'Volumes > volumes whose files come from the API are mounted read-only, whatever the mount says':
      "apiDataVolumes: the names of the volumes with configMap, secret, downwardAPI or projected. containerMounts: readonly is the mount's readOnly, or its volume is in readOnlyVolumes. Lesson: § Volumes.",
    "Volumes > a pod's volumes go with it; a hostPath stays":
      'removePodVolumes: rmSync(join(podsDir, uid), { recursive: true, force: true }); a hostPath was never under it. Lesson: § Volumes.',
    'Init containers and sidecars > an init container is restarted OnFailure (Never under Never); a sidecar Always':
      "isSidecar is restartPolicy === 'Always' on the init container; initRestartPolicy: a sidecar Always, otherwise Never under Never and OnFailure for the rest. Lesson: § Init containers and sidecars.",
    'Init containers and sidecars > init containers run one at a time, in order; the apps wait until the last completed':
      'initPlan: walk initContainers; skip one whose newest attempt exited 0; push the first that did not and stop there with initialized false; after the loop, initialized true. Lesson: § Init containers and sidecars.',
    'Init containers and sidecars > a failed init container is synced again (restarted by its policy), and the next one waits':
      "Each entry of sync carries initRestartPolicy(container, pod.spec.restartPolicy): the kubelet's syncContainer then restarts (or not) by it. Lesson: § Init containers and sidecars.",
    'Init containers and sidecars > a sidecar starts before the next init container, and keeps being synced once the apps run':
      'A sidecar is always pushed (to keep it running); when its attempt is CONTAINER_RUNNING, go on to the next init container instead of stopping. Lesson: § Init containers and sidecars.',
    'Init containers and sidecars > a sidecar whose startup probe has not passed holds the next init container back':
      'initPlan: a running sidecar counts as done only when it is not in `unstarted`; otherwise the plan stops there (initialized false), as for a sidecar not running. Lesson: § Init containers and sidecars.',
    "Init containers and sidecars > a sidecar's readiness counts in the pod's Ready condition, as its probes say":
      "completeStatus: a running sidecar whose status has `started` keeps its probes' verdicts; once Initialized is True, return withSidecarReadiness: the unready sidecars (then the unready apps) named in Ready and ContainersReady, False, reason ContainersNotReady. Lesson: § Init containers and sidecars.",
    'Init containers and sidecars > while initializing: phase Pending, Initialized False naming who is not done, the apps PodInitializing':
      'completeStatus: replace the Initialized condition (False, ContainersNotInitialized, "containers with incomplete status: [a b]"), set phase Pending, and turn each app waiting ContainerCreating into PodInitializing. Lesson: § Init containers and sidecars.',
    'Init containers and sidecars > the Initialized condition keeps the time it last changed, and names every init container not done':
      'initializedCondition: take the previous condition from pod.status; keep its lastTransitionTime when the status is the same, else now. The message lists, space-separated, every init container not done (a sidecar is done when it runs). Lesson: § Init containers and sidecars.',
    'Init containers and sidecars > an init container that failed under restartPolicy Never fails the pod; once all are done, Initialized is True':
      "Under Never, an init status terminated with a non-zero exit code makes the phase Failed. When every init container is done, keep chapter 06's phase and set Initialized True. Lesson: § Init containers and sidecars.",
    'Init containers and sidecars > a running sidecar is started and ready; a pod stops its app containers first, then its sidecars in reverse':
      "A running sidecar's status gets started: true, ready: true. stopOrder: the names that are not sidecars in one wave, then each sidecar alone, last started first; drop empty waves. Lesson: § Init containers and sidecars.",
    "Secrets at rest > an EncryptionConfiguration names each resource's providers, in order":
      "parse() from the yaml package; for each resources entry, map each provider: identity → { identity: true }, aesgcm → its keys with Buffer.from(secret, 'base64'); set the list for each resource name. Lesson: § Secrets at rest.",
    'Secrets at rest > another kind, an unknown provider or a key of the wrong length is an error saying so':
      'Check kind first; an unknown provider name throws "provider NAME is not supported here (aesgcm, identity)"; a key of another length than 16, 24 or 32 bytes throws with the length it got. Lesson: § Secrets at rest.',
    'Secrets at rest > aesgcm writes k8s:enc:aesgcm:v1:<key>: then nonce, ciphertext and tag, bound to the etcd key':
      "createCipheriv('aes-256-gcm', key, nonce) with a 12-byte randomBytes nonce; setAAD(etcdKey); concat the prefix, nonce, update + final, getAuthTag(). Decrypt takes the nonce and tag off the ends, setAuthTag, then update + final. Lesson: § Secrets at rest.",
    'Secrets at rest > a write uses the first provider: aesgcm seals a Secret; identity, or a resource not configured, stays plain':
      "resourceOf: the third part of the key (/registry/secrets/...). sealValue: the resource's first provider; identity or none leaves the value as it is, aesgcm encryptValue()s with its first key. Lesson: § Secrets at rest.",
    'Secrets at rest > a read finds the key by its prefix, takes plain text with identity, and refuses an unknown prefix':
      'openValue: an aesgcm key whose prefix starts the value decrypts the rest; no k8s:enc: prefix and an identity provider: as is; otherwise "no matching prefix found for KEY". Lesson: § Secrets at rest.',
    'Secrets at rest > the encrypting store seals a put: the store holds ciphertext, a range through it reads plain text':
      "encryptingStore: an object with every StoreClient method; put seals the value and opens prevKv; range opens each kv (a deleted key's empty value stays empty). storeWithEncryption parses, then wraps. Lesson: § Secrets at rest.",
    "Secrets at rest > a transaction's puts are sealed and its reads opened":
      "Map each requestPut's value through sealValue (a nested requestTxn too), and each answer's kvs, prevKv and prevKvs through openValue; deleteRange's prevKvs as well. Lesson: § Secrets at rest.",
    'Secrets at rest > a watch through the encrypting store delivers plain values':
      "watch: pass the request on with handlers of your own whose onResponse opens each event's kv and prevKv before calling the caller's. Lesson: § Secrets at rest.",
    'Volumes > a pod consumes the ConfigMaps and Secrets its env, envFrom and volumes name':
      'consumedObjects: a Set of "configmap/<namespace>/<name>" and "secret/..." from envFrom refs, env valueFrom key refs (init containers too), configMap and secret volumes, and projected sources. Lesson: § Volumes.',
    "Inside the kubelet > a container starts with its ConfigMap's keys in its env and its volume mounted":
      "PodConfigurator: informers on configmaps and secrets, run() starts them and keeps a promise of their sync; preparePod awaits it and keeps setUpVolumes' dirs by uid; configureContainer returns the config with containerEnvironment, expandCommand and containerMounts. Lesson: § Inside the kubelet.",
    'Inside the kubelet > a missing ConfigMap key holds the container in CreateContainerConfigError, with an Event; the key makes it start':
      "The kubelet does the holding once configureContainer throws a ContainerConfigError. Your part: preparePod records which pods consume each object (consumedObjects), and run()'s informer handlers call resync(podKey) for each on add, update and delete. Lesson: § Inside the kubelet.",
    'Inside the kubelet > a volume whose ConfigMap is missing starts no container and records FailedMount, until it is there':
      "preparePod catches the ContainerConfigError of setUpVolumes and answers its message: the kubelet records FailedMount and starts nothing. Record the pod as a consumer before setting up, so the ConfigMap's creation resyncs it. Lesson: § Inside the kubelet.",
    'Inside the kubelet > the app container starts only after the init container completed; the pod shows it':
      'initPlan and completeStatus hand over to init-containers.ts (completeStatus with rfc3339 of the clock now). Lesson: § Inside the kubelet.',
    "Inside the kubelet > a ConfigMap change reaches the volume's file in place; the pod's volumes go with it":
      "The resync makes the kubelet sync the pod, whose preparePod writes the new payload (writeAtomically). cleanupPod forgets the pod's dirs and calls removePodVolumes. Lesson: § Inside the kubelet.",
  },
};
