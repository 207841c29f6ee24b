// Chapter 13c's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter13C: Chapter = {
  id: '13c',
  slug: 'storage',
  title: 'Storage: PersistentVolumes, claims and classes',
  builds:
    "storage that outlives its pod: the PersistentVolume binder, a local provisioner for the default class standard, the scheduler honouring a claim's node, and the kubelet mounting a claim",
  stages: [
    {
      title: 'Sizes, classes and selectors',
      from: 'Matching claims to volumes > a claim asks for requests.storage in bytes, a volume holds capacity.storage',
      functions: [
        'requestedBytes',
        'capacityBytes',
        'claimClass',
        'selectorMatches',
        'requirementHolds',
      ],
    },
    {
      title: 'Which volume for which claim',
      from: 'Matching claims to volumes > a volume satisfies a claim of its class, its access modes, its volume mode and no more bytes than it holds',
      functions: ['volumeSatisfies', 'availableFor', 'findBestVolume', 'volumeReachableFrom'],
    },
    {
      title: "A volume's phase, and the default class",
      from: "The binder > a volume's claimRef names the claim's kind, namespace, name and uid",
      functions: [
        'claimRefFor',
        'volumePhase',
        'defaultStorageClass',
        'claimKeysOf',
        'podUsesClaim',
      ],
    },
    {
      title: 'Binding claims and volumes',
      from: 'The binder > a claim no volume fits says Pending; a claim and a volume that fits it are bound both ways, and both say Bound',
      functions: [
        'PersistentVolumeBinder.run',
        'PersistentVolumeBinder.reconcile',
        'PersistentVolumeBinder.syncClaim',
        'PersistentVolumeBinder.markPending',
        'PersistentVolumeBinder.protect',
        'PersistentVolumeBinder.bind',
      ],
    },
    {
      title: 'The default class, released volumes, and the first consumer',
      from: 'The binder > a claim that names no class is given the default class, then bound to a volume of it',
      functions: [
        'PersistentVolumeBinder.assignDefaultClass',
        'PersistentVolumeBinder.syncVolume',
        'PersistentVolumeBinder.selectNodeForClaim',
        'PersistentVolumeBinder.releaseProtection',
      ],
    },
    {
      title: 'What the provisioner makes',
      from: 'The local provisioner > the class standard is the default, served by the local provisioner, WaitForFirstConsumer, Delete',
      functions: [
        'standardStorageClass',
        'nodeToProvisionOn',
        'provisionedVolumeName',
        'localVolumePath',
        'localVolumeFor',
      ],
    },
    {
      title: 'Provisioning and reclaiming',
      from: 'The local provisioner > the provisioner erases only its own Released volumes of policy Delete',
      functions: [
        'shouldDelete',
        'LocalProvisioner.run',
        'LocalProvisioner.ensureStandardClass',
        'LocalProvisioner.reconcile',
        'LocalProvisioner.provision',
        'LocalProvisioner.reclaim',
      ],
    },
    {
      title: 'Scheduling with claims',
      from: 'Scheduling with claims > a claim that is not there, or is being deleted, keeps the pod off every node',
    },
    {
      title: "A claim's directory",
      from: "Mounting a claim > a volume's directory is its hostPath's or its local source's path",
      functions: ['volumePath', 'claimDirectory', 'resolveClaims'],
    },
    {
      title: 'Claims in the kubelet',
      from: 'Mounting a claim > the resolver refuses to resolve before it runs: its caches would be empty',
      functions: [
        'ClaimVolumeResolver.claim',
        'ClaimVolumeResolver.volume',
        'ClaimVolumeResolver.run',
        'ClaimVolumeResolver.resolve',
        'createClaimVolumes',
      ],
    },
  ],
  hints: {
    'Matching claims to volumes > a claim asks for requests.storage in bytes, a volume holds capacity.storage':
      'quantityValue from harness/api/quantity.ts reads "1Gi"; a missing quantity is 0 (§ Matching claims to volumes).',
    'Matching claims to volumes > a claim without a class and a claim of class "" both belong to no class':
      'storageClassName may be absent, null or a string: the first two are "" here (§ Matching claims to volumes).',
    'Matching claims to volumes > a selector matches labels by matchLabels and by In, NotIn, Exists and DoesNotExist':
      'Every matchLabels pair must be equal, and every expression hold; write requirementHolds for one expression first (§ Matching claims to volumes).',
    'Matching claims to volumes > a volume satisfies a claim of its class, its access modes, its volume mode and no more bytes than it holds':
      "Check class, then that every mode the claim asks is offered, then bytes, then volumeMode (Filesystem when absent), then the selector on the volume's labels (§ Matching claims to volumes).",
    'Matching claims to volumes > a volume is free for a claim when it has no claimRef or its claimRef names that claim':
      "Compare the claimRef's namespace and name with the claim's; a volume without a claimRef is free unless it is Released or Failed (§ Matching claims to volumes).",
    'Matching claims to volumes > the best volume is one reserved for the claim, or else the smallest that fits':
      'Keep the volumes free for the claim that satisfy it; a reserved one wins, otherwise sort by capacity (§ Matching claims to volumes).',
    'Matching claims to volumes > a node reaches a volume without nodeAffinity, and one whose terms its labels satisfy':
      "spec.nodeAffinity.required.nodeSelectorTerms: any one term, each with all its expressions, against the node's labels (§ Matching claims to volumes).",
    "The binder > a volume's claimRef names the claim's kind, namespace, name and uid":
      "An ObjectReference with kind PersistentVolumeClaim, apiVersion v1 and the claim's metadata (§ The binder).",
    'The binder > a volume is Available without a claimRef, Bound to its claim, Released once the claim is gone':
      'Failed stays Failed; no claimRef is Available; a claim missing or with another uid means Released (§ The binder).',
    'The binder > the default class is the one annotated is-default-class "true", the newest of several':
      'Filter on storageclass.kubernetes.io/is-default-class, then sort by creationTimestamp, newest first (§ The binder).',
    'The binder > a pod mounts the claims its persistentVolumeClaim volumes name':
      'Each volume with persistentVolumeClaim gives "<pod\'s namespace>/<claimName>" (§ The binder).',
    'The binder > a pod uses a claim it mounts while it is on a node and has not finished':
      'claimKeysOf(pod) includes the key, spec.nodeName is set, and status.phase is neither Succeeded nor Failed. Lesson: § The binder.',
    'The binder > a claim no volume fits says Pending; a claim and a volume that fits it are bound both ways, and both say Bound':
      "Run a controller over claims and volumes; syncClaim finds the best volume, then bind writes the claimRef, the volume phase, the claim's volumeName and its status (§ The binder).",
    'The binder > a claim that names a volume in volumeName is bound to that one, even when a smaller one fits':
      'syncClaim: a claim with spec.volumeName set takes that volume from the cache instead of findBestVolume (§ The binder).',
    'The binder > a claim that names no class is given the default class, then bound to a volume of it':
      "In syncClaim, a claim whose storageClassName is absent gets the default class's name written first; its update brings it back to the queue (§ The binder).",
    'The binder > a deleted claim releases its volume: Retain keeps it Released, Delete without a provisioner fails':
      'Volume keys too: syncVolume sets the phase volumePhase gives; Released with Delete and no provisioned-by annotation is Failed (§ The binder).',
    'The binder > a claim of a WaitForFirstConsumer class gets the node of its first pod as selected-node':
      'Watch pods: a pod with a node maps to the keys of its claims; selectNodeForClaim annotates a claim of a WaitForFirstConsumer class with that node (§ The binder).',
    'The local provisioner > the class standard is the default, served by the local provisioner, WaitForFirstConsumer, Delete':
      "A StorageClass object with the default-class annotation and the provisioner's name (§ The local provisioner).",
    "The local provisioner > a claim is provisioned on its selected node, once, and only for this provisioner's classes":
      "Nothing for a claim with a volumeName or of another provisioner's class; otherwise the selected-node annotation (§ The local provisioner).",
    "The local provisioner > a claim's volume is named pvc-<the claim's uid>, its directory <volumesDir>/<node>/<volume>_<namespace>_<claim>":
      'Two small functions; join from node:path (§ The local provisioner).',
    'The local provisioner > the volume made for a claim is its directory on the node, reachable from that node only, reserved for the claim':
      'pvc-<uid>, a hostPath under <volumesDir>/<node>/, nodeAffinity on kubernetes.io/hostname, claimRefFor(claim) from the binder (§ The local provisioner).',
    'The local provisioner > the provisioner erases only its own Released volumes of policy Delete':
      'Three conditions: provisioned-by this provisioner, phase Released, policy Delete (§ The local provisioner).',
    'The local provisioner > running, it creates the class standard, and a claim with a selected node gets a directory and a bound volume':
      'run: create the class (AlreadyExists is fine), then a controller whose claim keys mkdir and create the volume (§ The local provisioner).',
    'The local provisioner > a claim deleted: its volume is Released, then its directory and the volume are removed':
      'Volume keys: when shouldDelete, remove the directory, then delete the PersistentVolume (§ The local provisioner).',
    'Scheduling with claims > a claim that is not there, or is being deleted, keeps the pod off every node':
      "Look the claim up; say kube-scheduler's words for a missing claim and one with a deletionTimestamp (§ Scheduling with claims).",
    'Scheduling with claims > a bound claim allows only the nodes that reach its volume':
      'A bound claim names its volume: volumeReachableFrom from matching.ts decides, and a missing volume has its own reason (§ Scheduling with claims).',
    'Scheduling with claims > an unbound claim allows every node when its class waits for the first consumer, none otherwise':
      "Read the claim's class volumeBindingMode (§ Scheduling with claims).",
    "Scheduling with claims > a pod's reasons are those of its claims, each once; a pod without claims fits anywhere":
      'Collect claimReason of each persistentVolumeClaim volume into a Set (§ Scheduling with claims).',
    "Scheduling with claims > with the filter beside chapter 05's, a pod lands on the node of its claim's volume":
      'VolumeBinding runs informers on claims, volumes and classes and waits for their sync; its filter calls volumeBindingReasons with node.node (§ Scheduling with claims).',
    "Mounting a claim > a volume's directory is its hostPath's or its local source's path":
      'spec.hostPath.path, else spec.local.path (§ Mounting a claim).',
    "Mounting a claim > a claim's directory is its bound volume's; a claim missing or unbound, or its volume missing, says why":
      "A claim is ready when its phase is Bound and it names a volume; the messages are the kubelet's, in the lesson (§ Mounting a claim).",
    "Mounting a claim > a pod's claim volumes become hostPath volumes of their directories; a claim not ready gives the FailedMount message":
      'Build a new volumes list (do not change the pod given); prefix a problem with MountVolume.SetUp failed for volume "<name>" : (§ Mounting a claim).',
    'Mounting a claim > the resolver refuses to resolve before it runs: its caches would be empty':
      "run records a promise of the caches' sync; resolve throws when run has not been called (§ Mounting a claim).",
    'Mounting a claim > the resolver answers from its caches once run, and resyncs a pod when its claim changes':
      "run starts the two informers and remembers their sync; resolve records which pods mount which claim, so a claim's change resyncs them (§ Mounting a claim).",
    "Mounting a claim > in the kubelet, a pod waits for its claim, then mounts its volume's directory, which outlives the pod":
      'Nothing new to write if the tests above pass: withClaimVolumes puts your resolver in front of chapter 10a; check resolve answers a string while the claim is Pending (§ Mounting a claim).',
    'The binder > a claim a running pod uses is protected: deleted, it stays until the pod has finished':
      "syncClaim: a claim with no pvc-protection finalizer gets it (protect, an update); a claim with a deletionTimestamp goes to releaseProtection only, which takes the finalizer off once no pod uses it, by the informer and then by a live list of the namespace's pods. Lesson: § The binder.",
    'The binder > a volume bound to a claim is protected: deleted, it stays until its claim is gone':
      'syncVolume: a volume being deleted goes to releaseVolume with its volumePhase (the finalizer off unless Bound); one without pvProtectionFinalizer gets it from protectVolume. Lesson: § The binder.',
  },
};
