// Chapter 03b's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter3B: Chapter = {
  id: '03b',
  slug: 'api-machinery',
  title: 'Answering kubectl',
  builds:
    'the API machinery real clients need: label and field selectors, merge, JSON and strategic merge patches, status/scale/binding subresources, discovery',
  stages: [
    {
      title: 'A selector read as words and requirements',
      from: 'Label selectors > a selector is read as words: names, operators and parentheses, spaces dropped',
      functions: ['tokenizeLabelSelector', 'splitRequirements'],
    },
    {
      title: 'Every form of label requirement parsed',
      from: 'Label selectors > key=value is one requirement',
      functions: ['parseLabelRequirement', 'parseLabelSelector'],
    },
    {
      title: 'Labels matched against a selector',
      from: 'Label selectors > every requirement must hold',
      functions: ['matchesLabels', 'createSelectors'],
    },
    {
      title: 'Selectors as text: object-form selectors and field selectors',
      from: 'Label selectors > an object-form selector as text, as the scale subresource reports it',
      functions: ['labelSelectorText', 'parseFieldSelector'],
    },
    {
      title: 'Lists and watches filtered by labels and fields',
      from: 'Field selectors > a missing field reads as "": spec.nodeName= selects pods not yet scheduled',
      functions: ['matchesFields', 'checkFields'],
    },
    {
      title: 'Merge patches, and reading by JSON pointer',
      from: 'Patches > a merge patch merges objects key by key',
      functions: ['mergePatch', 'parsePointer', 'valueAt'],
    },
    {
      title: 'Adding and removing by JSON pointer',
      from: 'Patches > addAt sets a key of an object, in the document itself',
      functions: ['addAt', 'removeAt'],
    },
    {
      title: 'JSON patches, all or nothing',
      from: 'Patches > a JSON patch adds, replaces and removes by pointer',
      functions: ['jsonPatch'],
    },
    {
      title: 'Lists merged by key',
      from: "Patches > strategic merge knows each list's key: env by name, container ports by number, service ports by port",
      functions: ['listStrategy', 'mergeByKey'],
    },
    {
      title: "kubectl apply's directives",
      from: 'Patches > setElementOrder puts a list in the given order by merge key; the others go last',
      functions: ['setElementOrder', 'applyDirectives'],
    },
    {
      title: 'Strategic merge patches',
      from: 'Patches > strategic merge: containers merge by name, so patching one keeps the others',
      functions: ['strategicMergePatch'],
    },
    {
      title: 'PATCH over HTTP, and the status subresource',
      from: 'Patches > PATCH with application/merge-patch+json changes only what it names',
      functions: ['createPatcher', 'statusSubresource.get', 'createSubresources'],
    },
    {
      title: 'The scale subresource',
      from: "Subresources > scale shows a Deployment's replicas as an autoscaling/v1 Scale",
      functions: ['scaleSubresource.get'],
    },
    {
      title: 'Binding pods to nodes',
      from: 'Subresources > binding puts a pod on a node and marks it PodScheduled',
      functions: ['bindingSubresource.create'],
    },
    {
      title: 'Discovery documents: groups, versions and resources',
      from: "Discovery > /api lists the core group's one version, v1, and where the server is",
      functions: ['apiVersions', 'apiGroupList', 'apiResourceList'],
    },
    {
      title: '/version and the index of the OpenAPI documents',
      from: 'Discovery > /version says which Kubernetes this is: 1.32',
      functions: ['versionInfo', 'openApiIndex'],
    },
    {
      title: 'The description of the kinds, as OpenAPI schemas',
      from: 'Discovery > a field as OpenAPI: a named type is a $ref in allOf, a list has items, a map additionalProperties',
      functions: ['openApiSchema', 'openApiComponents'],
    },
    {
      title: 'The OpenAPI documents kubectl reads',
      from: "Discovery > /openapi/v3/apis/apps/v1 lists each kind's PATCH with its fieldValidation parameter",
      functions: ['openApiDocument', 'openApiV2'],
    },
    {
      title: 'kubectl and the JavaScript client against your server',
      from: 'Discovery > createDiscovery answers its paths and no others',
      functions: ['createDiscovery'],
    },
    {
      title: 'Disruption budgets worked out',
      from: 'Eviction and disruption budgets > a budget covers the pods its selector selects; {} selects every pod, no selector none',
      functions: ['budgetSelects', 'scaledBound', 'budgetStatus'],
    },
    {
      title: 'Evictions that keep the budget',
      from: 'Eviction and disruption budgets > an eviction of a pod no budget covers deletes it as a DELETE would: 201 and a Success Status',
      functions: ['checkBudgets', 'evictionSubresource.act'],
    },
  ],
  hints: {
    'Discovery > pods/eviction is a policy/v1 Eviction, and policy/v1 serves pdb: what kubectl drain looks for':
      'subresourceDiscovery gives eviction its kind, group and version; poddisruptionbudgets is in harness/api/resources.ts, so the policy group appears by itself. Lesson: § Discovery.',
    'Eviction and disruption budgets > a budget covers the pods its selector selects; {} selects every pod, no selector none':
      "budgetSelects: no spec.selector selects nothing; otherwise turn it into text (labelSelectorText), parse it and match the pod's labels. Lesson: § Eviction and disruption budgets.",
    'Eviction and disruption budgets > a bound is a number of pods, or a percentage of the expected pods rounded up':
      'scaledBound: a number as it is; "N%" is ceil(N * expected / 100). Lesson: § Eviction and disruption budgets.',
    'Eviction and disruption budgets > minAvailable: the Ready pods not being deleted are counted against it':
      'budgetStatus: expected pods are the selected ones not being deleted; healthy ones are also Ready and not in disruptedPods; allowed is healthy minus desired, at least 0. Lesson: § Eviction and disruption budgets.',
    'Eviction and disruption budgets > maxUnavailable: the pods that must stay healthy are the expected ones less those allowed down':
      'With maxUnavailable, desiredHealthy is expectedPods minus scaledBound(maxUnavailable, expectedPods), at least 0. Lesson: § Eviction and disruption budgets.',
    'Eviction and disruption budgets > an eviction of a pod no budget covers deletes it as a DELETE would: 201 and a Success Status':
      "evictionSubresource.act: checkBudgets, then actions.deleteParent(the Eviction's deleteOptions or {}), then a Success Status; createSubresources must list it. Lesson: § Eviction and disruption budgets.",
    "Eviction and disruption budgets > an eviction the budget cannot afford is a 429 TooManyRequests naming the budget's need":
      "checkBudgets: list the namespace's budgets and pods, work out budgetStatus, and with no disruption allowed throw an ApiError 429 TooManyRequests with a DisruptionBudget cause. Lesson: § Eviction and disruption budgets.",
    "Eviction and disruption budgets > a granted eviction is written in the budget's status: one disruption fewer, the pod noted":
      'When the budget allows it, actions.updateStatus the budget: disruptionsAllowed minus one, the pod in disruptedPods at now, the DisruptionAllowed condition. Lesson: § Eviction and disruption budgets.',
    'Eviction and disruption budgets > two evictions at the same moment cannot both spend the last disruption':
      "A 409 from checkBudgets (the budget's status changed since it was read) is not the end: run checkBudgets again, a few times, and it sees the other eviction's pod disrupted. Lesson: § Eviction and disruption budgets.",
    "Eviction and disruption budgets > the Eviction's deleteOptions are the delete's: its grace period and preconditions":
      "Hand the Eviction's deleteOptions to actions.deleteParent as they are: the server's DELETE honours grace periods and preconditions. Lesson: § Eviction and disruption budgets.",
    'Eviction and disruption budgets > a dry-run eviction checks the budget but deletes nothing and writes no status':
      'actions.dryRun says so: check the budget as always, but skip updateStatus; deleteParent already does a dry run. Lesson: § Eviction and disruption budgets.',
    'Eviction and disruption budgets > a pod that two budgets cover cannot be evicted: kube-apiserver supports only one':
      "More than one budget selecting the pod is a 500 InternalError with kube's message. Lesson: § Eviction and disruption budgets.",
    // Label selectors: words, then requirements, then matching
    'Label selectors > a selector is read as words: names, operators and parentheses, spaces dropped':
      'Walk the text with an index: skip spaces; "==" and "!=" are two-character words; each of = ! ( ) , < > is a word alone; anything else runs up to the next space or sign. Lesson: § Label selectors.',
    'Label selectors > == and != are one word each; =, !, < and >, words of their own even without spaces':
      'Check for the two-character words (text.startsWith("==", i), "!=") before the one-character signs, or "a==b" reads as a, =, =, b. A name stops at the first sign, so "v>2" is v, >, 2. Lesson: § Label selectors.',
    'Label selectors > the words are cut into requirements at each comma outside parentheses':
      'Start with one empty requirement; count "(" up and ")" down; a "," at depth 0 starts the next requirement, every other word goes into the current one. No words at all: no requirements. Lesson: § Label selectors.',
    'Label selectors > an empty requirement, from a comma too many, is a 400 BadRequest':
      'After cutting, any requirement with no words means a comma first, last or twice: throw new ApiError(400, "BadRequest", `unable to parse labelSelector "<text>": ...`). Lesson: § Label selectors.',
    'Label selectors > key=value is one requirement':
      'parseLabelRequirement: the first word is the key, the second the operator; for "=" the value is the third word. parseLabelSelector chains tokenizeLabelSelector, splitRequirements and parseLabelRequirement. Lesson: § Label selectors.',
    'Label selectors > == means the same as =, and != is NotEquals':
      '"=" and "==" both give Equals; "!=" gives NotEquals; the value is the one word after the operator. Lesson: § Label selectors.',
    'Label selectors > in and notin take a list of values in parentheses':
      'After in or notin the words must be "(" ... ")": take the names between them, skipping the commas, and refuse an empty list. Lesson: § Label selectors.',
    'Label selectors > a bare key is Exists; !key is DoesNotExist':
      'A requirement of one word is Exists; one that starts with "!" is DoesNotExist of the next word. Both have values []. Lesson: § Label selectors.',
    'Label selectors > > and < take a whole number':
      'After > or < comes exactly one word, and it must match /^-?\\d+$/; keep it as a string in values. Lesson: § Label selectors.',
    'Label selectors > spaces around words are fine; an empty value is a value':
      'The tokenizer already dropped the spaces. "tier=" has no word after "=": the value is "", not an error. Lesson: § Label selectors.',
    'Label selectors > a selector that does not parse is a 400 BadRequest':
      'Each case fails in a different place: no key, a missing operator ("app web"), a value that is not a name ("app=(x)"), an unclosed or empty list, a number that is not one. Every one throws ApiError 400 BadRequest. Lesson: § Label selectors.',
    'Label selectors > every requirement must hold':
      'matchesLabels: requirements.every(...), one test per operator in a switch. Lesson: § Label selectors.',
    'Label selectors > = needs the key; != also holds when the key is missing':
      'Object.hasOwn(labels, key) tells "missing" from "empty". Equals needs the key; NotEquals holds when the key is missing or the value differs. Lesson: § Label selectors.',
    'Label selectors > in needs the key and one of its values; notin also holds when the key is missing':
      'In is Equals with several values (values.includes); NotIn is NotEquals with several. Lesson: § Label selectors.',
    'Label selectors > a bare key holds for any value, even ""; !key only when the key is missing':
      'Exists is Object.hasOwn(labels, key), whatever the value; DoesNotExist is its opposite. Lesson: § Label selectors.',
    'Label selectors > > and < compare whole numbers, and need the key':
      'Without the key, or with a value that is not an integer, the requirement fails; otherwise compare Number(value) with Number(values[0]). Lesson: § Label selectors.',
    'Label selectors > an empty selector selects everything':
      'No requirements: every() of an empty list is true. Lesson: § Label selectors.',
    'Label selectors > createSelectors().labelSelector compiles a selector into a test on objects':
      'Parse once in labelSelector(text) and return (object) => matchesLabels(requirements, object.metadata.labels ?? {}). Lesson: § Label selectors.',
    'Label selectors > an object-form selector as text, as the scale subresource reports it':
      'Collect [key, text] pairs: key=value from matchLabels, "key in (a,b)" (values sorted), "key notin (a,b)", "key", "!key" from matchExpressions; sort the pairs by key and join the texts with ",". Lesson: § Label selectors.',
    // Field selectors
    'Field selectors > field=value, field==value and field!=value, joined by commas':
      'Split on commas that are not escaped, then match each term against /^(field)\\s*(==|!=|=)(value)$/. The empty selector has no terms. Lesson: § Field selectors.',
    'Field selectors > a backslash escapes a comma, an equals sign or a backslash in a value':
      'While splitting, a backslash keeps the next character with it (so "\\," does not split); afterwards replace each backslash-and-character in the value with the character. Lesson: § Field selectors.',
    'Field selectors > a term without an operator is a 400':
      'A term the pattern does not match throws ApiError 400 BadRequest, `unable to parse fieldSelector "<text>": ...`. Lesson: § Field selectors.',
    'Field selectors > a missing field reads as "": spec.nodeName= selects pods not yet scheduled':
      'Walk the dotted path through the object; undefined or null reads as "". Then Equals is actual === value, NotEquals the opposite. Lesson: § Field selectors.',
    'Field selectors > every resource has metadata.name and metadata.namespace; pods also spec.nodeName and status.phase':
      'checkFields: metadata.name and metadata.namespace always pass; any other field must be in selectableFields[resource.resource]. Lesson: § Field selectors.',
    "Field selectors > any other field is a 400 in Kubernetes' words":
      'Two messages: "field label not supported: <field>" for a resource with its own list in selectableFields, and "\\"<field>\\" is not a known field selector: only \\"metadata.name\\", \\"metadata.namespace\\"" for one without. Lesson: § Field selectors.',
    "Field selectors > events are selected by every field of kube's event strategy; source is the component, else reportingComponent":
      'selectableFields.events lists them all already; matchesFields takes the resource as a third argument and, for a field in derivedFields[resource], reads each of its paths and keeps the first that is not "". fieldSelector passes resource.resource. Lesson: § Field selectors.',
    'Field selectors > a list with ?labelSelector= has only the selected objects':
      "Nothing new if createSelectors().labelSelector works: the API server calls it and keeps the list's resourceVersion. Lesson: § Label selectors.",
    'Field selectors > a list with ?fieldSelector= has only the selected objects':
      'createSelectors().fieldSelector(text, resource): parse, checkFields, then return (object) => matchesFields(requirements, object). Lesson: § Field selectors.',
    'Field selectors > a bad selector on a list is a 400 Status':
      'Throw the ApiError while compiling the selector (in fieldSelector, before any object is read): the server turns it into a Status. Lesson: § Field selectors.',
    'Field selectors > a watch of one object by metadata.name, as clients watch a single object':
      'The server applies the same compiled test to watch events: nothing new if fieldSelector works for metadata.name. Lesson: § Field selectors.',
    'Field selectors > a watch with a selector sees objects enter the selection as ADDED and leave it as DELETED':
      "Chapter 03a's watch compares the old and the new object against your test: nothing new if labelSelector's test looks only at the object it is given. Lesson: § Field selectors.",
    // Patches
    'Patches > a merge patch merges objects key by key':
      'Recursive: a patch that is not an object replaces; otherwise copy the target and, per key, delete on null or merge into the old value. Lesson: § Patches.',
    'Patches > in a merge patch, null deletes a key and a list replaces the whole list':
      "A list is not an object (isObject is false for arrays): it is a value like a string, and replaces the target's list whole. Lesson: § Patches.",
    'Patches > a merge patch leaves the original alone':
      'Start from structuredClone(target), never from the target itself. Lesson: § Patches.',
    'Patches > a JSON pointer names a place in a document: "/" separates, ~1 is "/" and ~0 is "~"':
      'Drop the leading "/", split on "/", then replace ~1 before ~0 in each token (the other order turns "~01" into "/"). "" is []. Lesson: § Patches.',
    'Patches > valueAt follows a pointer through objects and lists':
      'Step through the tokens: in a list the token must be an index ("0", no leading zeros, below the length); in an object it must be an own key. The empty pointer is the document itself. Lesson: § Patches.',
    'Patches > valueAt of a key or an index that is not there is a 422':
      'Every failed step throws ApiError 422 Invalid: a missing key, "2" in a list of 2, "01", "x" in a list, or stepping into a string. Lesson: § Patches.',
    'Patches > addAt sets a key of an object, in the document itself':
      'Find the parent (every token but the last) as valueAt does, then set the last token on it with setField. Pointer "": return the value, which becomes the whole document. Lesson: § Patches.',
    'Patches > addAt inserts into a list before an index, or appends with -':
      'In a list: "-" is the length; otherwise the index may go up to the length (not beyond); insert with splice(index, 0, value). Lesson: § Patches.',
    'Patches > removeAt takes a key out of an object, or an element out of a list':
      'Find the parent, then delete the key from an object or splice(index, 1) from a list. Lesson: § Patches.',
    'Patches > adding past the end of a list, or removing what is not there, is a 422':
      'addAt refuses an index above the length and a parent that is not there; removeAt refuses a missing key, an index not in the list, and "". All ApiError 422 Invalid. Lesson: § Patches.',
    'Patches > a JSON patch adds, replaces and removes by pointer':
      'Clone the target, then for each operation: add is addAt, remove is removeAt, replace is valueAt (it must exist), removeAt, then addAt. Lesson: § Patches.',
    'Patches > a JSON patch can move, copy and test':
      'move: read the value at from, removeAt(from), addAt(path). copy: addAt(path, a clone of the value at from). test: sameJson(valueAt(path), value), else 422. Lesson: § Patches.',
    'Patches > a JSON patch that cannot apply is a 422, and applies nothing':
      "Work on structuredClone(target) and throw at the first failure: the caller's document is never touched, so nothing applies. Lesson: § Patches.",
    'Patches > a JSON patch that is not a list of operations is a 400':
      'Check the shape before applying: a list; each op an object with string op and path; value for add, replace and test; from for move and copy; a known op. Otherwise ApiError 400 BadRequest. Lesson: § Patches.',
    "Patches > strategic merge knows each list's key: env by name, container ports by number, service ports by port":
      "Read the list's description: if its patchStrategy (split on commas) includes 'merge', answer { mergeKey: patchMergeKey }, or 'union' when it has no key; anything else, undefined. Lesson: § Patches.",
    'Patches > mergeByKey merges the elements whose keys match, and appends the new ones':
      'Clone current; for each patch element find the index of the element with the same mergeKey value (sameJson); merge into it with merge(old, element), or push merge(undefined, element). Lesson: § Patches.',
    'Patches > mergeByKey: $patch: delete removes an element, and $patch: replace makes the list the patch':
      'Check for a {"$patch": "replace"} element first: then return the other elements, each merge(undefined, element). An element with $patch: delete splices out its match. Lesson: § Patches.',
    'Patches > setElementOrder puts a list in the given order by merge key; the others go last':
      "An element's rank is the index of its key among the order's keys, or order.length when absent; sort by rank, then by the old index so the sort keeps ties in place. Lesson: § Patches.",
    'Patches > applyDirectives: $setElementOrder orders a list on the merge key listStrategy gives':
      'For each "$setElementOrder/<list>" key of the patch, get the list from the merged object, its merge key from listStrategy(fieldOf(object, list)), and setField the reordered list. Return the object. Lesson: § Patches.',
    'Patches > applyDirectives: $deleteFromPrimitiveList removes values; $retainKeys drops unnamed keys':
      '"$deleteFromPrimitiveList/<list>": filter out the values the patch names (sameJson). "$retainKeys": delete every key of the merged object not in the list. Lesson: § Patches.',
    'Patches > strategic merge: containers merge by name, so patching one keeps the others':
      "Like mergePatch, but carry the description along: start at typeField(type), and for each key take fieldOf(field, key). When the patch value is a list and listStrategy of that field gives a merge key, use mergeByKey with a merge that recurses strategically on the field's items. Lesson: § Patches.",
    "Patches > strategic merge: a Service's ports merge by port number":
      "Pass the description down as you recurse (fieldOf(field, key), and a list's items for its elements): the Service's spec.ports and a container's ports differ only in where they sit, so only the walk from the kind's type tells them apart. Lesson: § Patches.",
    'Patches > strategic merge: $patch: delete removes a list element, $patch: replace replaces the list':
      "These are mergeByKey's rules: nothing new if the strategic merge hands keyed lists to it. Lesson: § Patches.",
    'Patches > strategic merge: null deletes, finalizers are unioned, and lists without a key are replaced':
      "A 'union' list gets each patch value it does not have yet, at the end; a list listStrategy does not know is replaced whole, as in a merge patch. Lesson: § Patches.",
    "Patches > strategic merge follows kubectl apply's directives: $setElementOrder, $retainKeys, $deleteFromPrimitiveList":
      'Skip keys that start with "$" while merging, then call applyDirectives(result, patch, field) on every object you merged, with that object\'s description. Lesson: § Patches.',
    'Patches > a patch cannot reach Object.prototype':
      'Never `object[key] = value` with a key from a client: use the given setField (Object.defineProperty), and read with own(). Lesson: § Patches.',
    'Patches > PATCH with application/merge-patch+json changes only what it names':
      'createPatcher: contentTypes are the three PATCH_TYPES values; apply(contentType, current, patch) calls mergePatch for merge-patch+json. Lesson: § Patches.',
    'Patches > PATCH with application/json-patch+json, as client libraries send by default':
      'apply calls jsonPatch for json-patch+json, before any check that the patch is an object (a JSON patch is a list). Lesson: § Patches.',
    'Patches > PATCH with application/strategic-merge-patch+json, as kubectl sends':
      "apply calls strategicMergePatch for strategic-merge-patch+json, with the type of the resource's kind: kindTypeName(resource.group, resource.version, resource.kind). Lesson: § Patches.",
    'Patches > a patch whose result is invalid is a 422; one with an old resourceVersion a 409':
      'Nothing new: the server validates the patched object and stores it with a compare on the resourceVersion the patch carries. Lesson: § Patches.',
    'Patches > a merge patch that is not an object is a 400; server-side apply is a 415':
      'In apply, a merge or strategic merge patch that is not an object throws ApiError 400. apply-patch+yaml is not in contentTypes, so the server answers 415 on its own. Lesson: § Patches.',
    // Subresources
    "Subresources > status: a write takes only the body's status":
      "GET shows the parent as it is. update: a copy of the parent with the body's status (or none, when the body has none): everything else stays as stored. Lesson: § Subresources.",
    'Subresources > GET and PUT /status over HTTP: spec and status stay apart, generation moves only with spec':
      'createSubresources returns [statusSubresource, scaleSubresource, bindingSubresource]; the server finds each by its name. Lesson: § Subresources.',
    "Subresources > PATCH /status, as a kubelet reports a pod's phase":
      'The server applies the patch to what GET /status shows, then calls update: nothing new if both work. Lesson: § Subresources.',
    "Subresources > scale shows a Deployment's replicas as an autoscaling/v1 Scale":
      'Build the Scale from the parent: its name, namespace, uid, resourceVersion and creationTimestamp; spec.replicas; status.replicas (0 if none); status.selector = labelSelectorText(spec.selector). Lesson: § Subresources.',
    'Subresources > writing a Scale changes only spec.replicas; a negative count is a 422':
      'Number.isInteger(replicas) && replicas >= 0, else ApiError 422 Invalid; then a copy of the parent with spec.replicas set, nothing else. Lesson: § Subresources.',
    'Subresources > GET, PUT and PATCH /scale, as kubectl scale does':
      'Nothing new: the server reads the deployment, shows its Scale, applies the change with update and stores it; generation moves because spec changed. Lesson: § Subresources.',
    'Subresources > a Scale from an old resourceVersion is a 409; replica sets scale too':
      "Keep the parent's resourceVersion in the Scale's metadata: the server compares it when it stores. Lesson: § Subresources.",
    'Subresources > binding puts a pod on a node and marks it PodScheduled':
      'create returns { parent, answer }: the pod with spec.nodeName = target.name and a PodScheduled condition (status True, lastTransitionTime from context.clock, seconds precision), and a Success Status with code 201. Lesson: § Subresources.',
    'Subresources > POST /binding assigns the pod: 201 with a Success Status':
      'Nothing new if create works: the server stores the parent and answers with the answer. Replace any old PodScheduled condition rather than adding a second. Lesson: § Subresources.',
    'Subresources > binding a pod that is already on a node is a 409 Conflict':
      'Check spec.nodeName of the stored pod before you set it: a scheduler must never move a pod. The message is Kubernetes\': Operation cannot be fulfilled on pods/binding "<name>": pod <name> is already assigned to node "<node>". Lesson: § Subresources.',
    'Subresources > a binding without a target is a 422; a pod cannot be bound by a PUT of its spec':
      'A Binding whose target.name is missing or "" throws ApiError 422 Invalid. The PUT half is chapter 03a\'s rule: spec.nodeName can change only through binding. Lesson: § Subresources.',
    'Subresources > with ?dryRun=All, a scale or a binding answers as it would and stores nothing':
      "Nothing to add here if chapter 03a's server passes ?dryRun to storage for subresource writes: your subresources only say what the parent becomes. Lesson: § Subresources.",
    // Discovery
    "Discovery > /api lists the core group's one version, v1, and where the server is":
      'Discovery documents are plain objects: APIVersions with versions ["v1"] and one serverAddressByClientCIDRs entry for 0.0.0.0/0. Lesson: § Discovery.',
    'Discovery > /apis lists every other group with its versions and the preferred one':
      'Group the resources by group (skip "", the core group), keeping the first-seen order and each version once; the preferred version is the first. Lesson: § Discovery.',
    'Discovery > /api/v1 is an APIResourceList: each resource with its kind, scope, verbs and short names':
      'Filter the resources by apiVersionOf(resource) === groupVersion; one entry each, leaving shortNames and categories out when empty, and no deletecollection for namespaces. Lesson: § Discovery.',
    'Discovery > subresources are listed as <resource>/<subresource>':
      "After each resource, one entry per name in resource.subresources: kind and verbs from subresourceDiscovery, the resource's kind when it gives none. Lesson: § Discovery.",
    'Discovery > deployments/scale is an autoscaling/v1 Scale: what kubectl scale looks for':
      'When subresourceDiscovery gives a group and version (scale: autoscaling, v1), put them in the entry. Lesson: § Discovery.',
    'Discovery > a group version the server does not serve has no list':
      'No resource in that group version: return undefined, not an empty list. Lesson: § Discovery.',
    'Discovery > /version says which Kubernetes this is: 1.32':
      'A plain object: major "1", minor "32", gitVersion "v1.32.0+kata", and the build fields as you like. Lesson: § Discovery.',
    'Discovery > /openapi/v3 is an index of one document per group version':
      'For each resource, the key is "api/v1" for the core group or "apis/<group>/<version>", with serverRelativeURL "/openapi/v3/" + key. Lesson: § Discovery.',
    'Discovery > components: a type reached by many fields is written once; a name not described is left out':
      'Skip a name that is already in components or that schemas does not have: the work list then ends even when types refer to each other. Lesson: § Discovery.',
    "Discovery > /openapi/v3/apis/apps/v1 lists each kind's PATCH with its fieldValidation parameter":
      'One path per resource of the group version, /api/v1 or /apis/<gv>, then /namespaces/{namespace} when namespaced, then /<resource>/{name}; each with a patch operation naming the kind and the fieldValidation query parameter. Lesson: § Discovery.',
    'Discovery > a field as OpenAPI: a named type is a $ref in allOf, a list has items, a map additionalProperties':
      'openApiSchema: start with the description (when not ""), then switch on field.type: a ref becomes allOf: [{ $ref: "#/components/schemas/" + ref }] with default {}, an array gets items, a map additionalProperties, a scalar its type and format. Lesson: § Discovery.',
    'Discovery > named strings, inline objects, free-form fields, enums, and the strategic merge facts':
      'int-or-string, quantity and the times are $refs to namedScalars; an inline object gets properties and required; free-form says x-kubernetes-preserve-unknown-fields. Copy enum, patchMergeKey and patchStrategy into enum and the two x-kubernetes-patch- keys. Lesson: § Discovery.',
    "Discovery > components.schemas: every type a kind reaches, by Kubernetes' name; the kind's own says which kind":
      'A work list of type names: take one, skip it if done, write { description, type: "object", properties, required } (and x-kubernetes-group-version-kind: [type.kind] for a kind), then push every ref its fields reach, through items, values and inline fields. Lesson: § Discovery.',
    "Discovery > the document of a group version carries its kinds' schemas, and PATCH takes a strategic merge":
      'Collect kindTypeName of each resource of the group version, pass them to openApiComponents, add the Patch type, and give each patch operation a requestBody with one content entry per patch type. Lesson: § Discovery.',
    'Discovery > /openapi/v2 is an empty Swagger 2.0 document, in protobuf':
      'A length-delimited protobuf field is one byte (field << 3 | 2), one byte of length, then the bytes: build info from its two fields, then the document from swagger and info. Buffer.concat helps. Lesson: § Discovery.',
    'Discovery > createDiscovery answers its paths and no others':
      'Strip one trailing slash, then match: health paths, /version, /api, /apis, /openapi/v3, /openapi/v3/..., /openapi/v2, /api/v1, /apis/<group>/<version>. Return undefined for any path you do not own, so the server can go on to resources. Lesson: § Discovery.',
    'Discovery > over HTTP: /api, /apis, /api/v1, /apis/apps/v1 and /version are JSON':
      'Answer { body } without a contentType: the server sends it as JSON. The serverAddress comes from the context the server passes. Lesson: § Discovery.',
    'Discovery > over HTTP: /healthz, /livez and /readyz answer "ok"':
      'These answer { contentType: "text/plain", body: "ok" }. Lesson: § Discovery.',
    'Discovery > resources are still served beside discovery':
      'A path like /api/v1/namespaces/default is not yours: return undefined and the server serves the resource. Lesson: § Discovery.',
    // kubectl
    'Answering kubectl > kubectl get namespaces: discovery, then a list':
      'Run the same command with -v=8 to see every request kubectl sends and every answer: /api, /apis, /api/v1, then the list. Lesson: § Answering kubectl.',
    'Answering kubectl > kubectl create -f creates from a manifest':
      "kubectl reads /openapi/v3 and the group version's document first, to see whether the server checks fields itself; then it POSTs. Lesson: § Answering kubectl.",
    'Answering kubectl > kubectl get pods: default, -o wide, -o yaml, -l and -A':
      '-l sends ?labelSelector=, -A lists /api/v1/pods: both need your selectors and discovery. Lesson: § Answering kubectl.',
    "Answering kubectl > kubectl get of a missing object prints the server's Status":
      'kubectl prints the reason and message of the Status: nothing of yours if discovery finds pods. Lesson: § Answering kubectl.',
    'Answering kubectl > kubectl apply -f twice: created, then configured (a strategic merge patch)':
      'The second apply sends a strategic merge patch with $setElementOrder directives; kubectl -v=8 shows it. Lesson: § Patches.',
    'Answering kubectl > kubectl create deployment (sent as protobuf) and kubectl scale deployment (a patch on /scale)':
      'kubectl scale finds deployments/scale in /apis/apps/v1 (group autoscaling, kind Scale), then PATCHes it with a merge patch. Lesson: § Answering kubectl.',
    'Answering kubectl > kubectl delete: a Status for a deployment, the object for a pod':
      'kubectl waits until a GET is 404: nothing of yours if discovery and the resources work. Lesson: § Answering kubectl.',
    'Answering kubectl > kubectl get --watch prints each change as it happens, in the pod columns':
      "A list, then ?watch=true&resourceVersion=<the list's>: chapter 03a's watch with your discovery in front. Lesson: § Answering kubectl.",
    // The JavaScript client
    'The JavaScript client > typed calls: create, read, list, replace and delete a pod':
      'CoreV1Api calls fixed paths without discovery: if this fails, look at the request it sends and the answer in the error. Lesson: § The JavaScript client.',
    'The JavaScript client > a typed error carries the status code and the Status body':
      'The error carries code 404 and the Status body as text: nothing new if errors are Status objects. Lesson: § The JavaScript client.',
    'The JavaScript client > a typed patch is a JSON patch, unless told otherwise':
      'patchNamespacedPod sends application/json-patch+json: your createPatcher must pass it to jsonPatch. Lesson: § The JavaScript client.',
    'The JavaScript client > the generic object API finds resources by discovery: create, read, patch and delete a Deployment':
      'KubernetesObjectApi reads /apis/apps/v1 to find the resource for kind Deployment, then patches with a strategic merge patch. Lesson: § The JavaScript client.',
    'The JavaScript client > Watch reads the stream line by line':
      "One event per line, each ending in a newline: chapter 03a's watch, with your discovery and selectors in place. Lesson: § The JavaScript client.",
    'The JavaScript client > an informer lists, then watches; after a 410 it lists again and carries on':
      'The informer needs an ERROR event with code 410, then the end of the stream. Lesson: § Watch (chapter 03a) and § The JavaScript client.',
  },
};
