// Chapter 11c's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter11C: Chapter = {
  id: '11c',
  slug: 'webhooks',
  title: 'Beyond the server: admission webhooks',
  builds:
    "the ValidatingAdmissionWebhook plugin: rules and namespaceSelector, AdmissionReview v1 over HTTPS to a URL or a Service, timeoutSeconds, failurePolicy, denials in kube-apiserver's words; MutatingAdmissionWebhook: JSON Patches applied in order, before validation",
  stages: [
    {
      title: 'Label selectors and rules',
      from: 'Which writes a webhook wants > a label selector matches by matchLabels and by In, NotIn, Exists, DoesNotExist',
      functions: ['selectorMatches', 'ruleMatches'],
    },
    {
      title: 'What a webhook wants, and the review it is sent',
      from: 'Which writes a webhook wants > a webhook wants a write one of its rules matches, in a namespace its selector selects',
      functions: ['webhookWants', 'admissionReview', 'reviewVerdict'],
    },
    {
      title: 'A review over HTTPS',
      from: "Calling a webhook > a review POSTed over HTTPS with the CA of caBundle gets the webhook's answer",
      functions: ['postReview', 'dialProblem'],
    },
    {
      title: 'Services, denials, failures, timeouts and failurePolicy',
      from: 'Calling a webhook > a Service is called as https://<name>.<namespace>.svc:<port><path>, dialled at its ClusterIP',
      functions: ['webhookTarget', 'callWebhook'],
    },
    {
      title: 'Configurations the server refuses',
      from: "On the API server > a configuration the server could never call has its problems named, in kube's words",
      functions: ['configurationProblems', 'checkConfiguration'],
    },
    {
      title: 'The plugin on the API server',
      from: 'On the API server > a ValidatingWebhookConfiguration is stored and read back like any object',
      functions: [
        'createValidatingWebhooks',
        'ValidatingWebhooks.start',
        'ValidatingWebhooks.wanted',
        'ValidatingWebhooks.admission.admit',
      ],
    },
    {
      title: 'A JSON Patch in the answer',
      from: 'Mutating webhooks > an allowing answer may carry a JSON Patch: base64, with patchType JSONPatch, from a mutating webhook only',
      functions: ['reviewPatch'],
    },
    {
      title: 'Mutating webhooks on the API server',
      from: "Mutating webhooks > on the API server, each webhook's patch is applied in the order of the configurations' names, before validation and storage",
      functions: ['createMutatingWebhooks', 'MutatingWebhooks.admission.admit'],
    },
  ],
  hints: {
    'Which writes a webhook wants > a label selector matches by matchLabels and by In, NotIn, Exists, DoesNotExist':
      'selectorMatches: every matchLabels pair equal, then each expression by its operator; no selector selects everything. § Which writes a webhook wants.',
    'Which writes a webhook wants > a rule matches its operations, groups, versions and resources, "*" for any':
      'ruleMatches: each list of the rule must hold the write\'s value or "*" (the group of the core resources is ""). § Which writes a webhook wants.',
    'Which writes a webhook wants > a rule names subresources as pods/status, pods/* or */*; a plain name is the object only':
      'Split each entry of resources at "/": the resource part and the subresource part ("" when absent) each match by equality or "*". § Which writes a webhook wants.',
    'Which writes a webhook wants > a rule scoped Cluster or Namespaced matches only resources of that scope':
      'scope Cluster wants resource.namespaced false, Namespaced true, "*" (the default) either. § Which writes a webhook wants.',
    'Which writes a webhook wants > a webhook wants a write one of its rules matches, in a namespace its selector selects':
      'webhookWants: some rule matches, then namespaceSelector against the labels given; undefined labels (no namespace) do not filter. § Which writes a webhook wants.',
    'The AdmissionReview > the review names the write: uid, kind, resource, name, namespace, operation, user, object':
      'admissionReview: the request fields are listed in § The AdmissionReview; kind and resource come from request.resource, userInfo is request.user.',
    'The AdmissionReview > a DELETE sends no object, and a subresource is named in subResource':
      'object is null for DELETE; subResource only when there is one; options.kind follows the operation (CreateOptions, UpdateOptions, DeleteOptions). § The AdmissionReview.',
    'The AdmissionReview > an answer that allows passes; one that denies is its status with the webhook named':
      'reviewVerdict: allowed returns; otherwise an ApiError with the status code and reason and the message "admission webhook "<name>" denied the request: <message>". § The AdmissionReview.',
    'The AdmissionReview > a denial without a code is 400, and without a message is "without explanation"':
      'A code under 400 becomes 400; the message falls back to the reason, then to "... denied the request without explanation". § The AdmissionReview.',
    'The AdmissionReview > an answer with no response or another uid cannot be read: an InvalidResponse':
      'Check response first, then response.uid against the uid sent, before allowed. § The AdmissionReview.',
    "Calling a webhook > a review POSTed over HTTPS with the CA of caBundle gets the webhook's answer":
      'postReview: node:https request with ca = the decoded caBundle, the ?timeout=<n>s query, and JSON.parse of a 200 answer. § Calling a webhook.',
    'Calling a webhook > a webhook whose certificate the caBundle did not sign is not trusted':
      'Trust only the caBundle (the ca option), and reject with Post "<url>": <why>, where dialProblem words why as Go\'s client does. § Calling a webhook.',
    'Calling a webhook > a Service is called as https://<name>.<namespace>.svc:<port><path>, dialled at its ClusterIP':
      'webhookTarget: read the Service through the AdmissionStore; the URL names the Service, connectTo its ClusterIP and port (443 by default). § Calling a webhook.',
    'Calling a webhook > callWebhook lets an allowed write pass and throws the denial of a refused one':
      'callWebhook: a fresh uid, webhookTarget, postReview, reviewVerdict; an ApiError (the denial) is thrown as it is. § Calling a webhook.',
    'Calling a webhook > failurePolicy Fail: a webhook that cannot be called refuses the write with a 500':
      'Any other error is a failure: 500 InternalError, "failed to call webhook" or "received invalid webhook response" for an InvalidResponse. § Calling a webhook.',
    'Calling a webhook > timeoutSeconds: a webhook that does not answer in time is "context deadline exceeded"':
      "The request's timeout option is timeoutSeconds (10 by default); on 'timeout', destroy it with the error \"context deadline exceeded\". § Calling a webhook.",
    'Calling a webhook > failurePolicy Ignore: a webhook that cannot answer lets the write pass; a denial still refuses':
      'failurePolicy Ignore returns on a failure, never on a denial. § Calling a webhook.',
    'On the API server > a ValidatingWebhookConfiguration is stored and read back like any object':
      'The plugin must let writes it has no webhook for pass, starting with Namespaces; createValidatingWebhooks hands back the plugin and its caches. § On the API server.',
    'On the API server > a pod the webhook denies is refused with its Status and not stored; the others pass':
      'start() follows validatingwebhookconfigurations and namespaces; admit calls every wanted webhook with Promise.all. § On the API server.',
    'On the API server > the namespaceSelector keeps the webhook out of namespaces it does not select':
      "wanted() reads the labels of the write's namespace from the cache (a Namespace's own labels when the write is one). § On the API server.",
    "On the API server > a configuration the server could never call has its problems named, in kube's words":
      'configurationProblems walks the webhooks in order and checks each field in the order the test lists them; a name seen before is a Duplicate value. § On the API server.',
    'On the API server > the server refuses such a configuration with 422 Invalid and stores nothing':
      'admit calls checkConfiguration for a CREATE or UPDATE of validatingwebhookconfigurations before anything else: a 422 Invalid ApiError. § On the API server.',
    'Mutating webhooks > an allowing answer may carry a JSON Patch: base64, with patchType JSONPatch, from a mutating webhook only':
      'reviewPatch: a validating answer may carry neither patch nor patchType; a mutating one both or neither, patchType "JSONPatch"; then JSON.parse of the base64-decoded patch, an array. Each problem is an InvalidResponse with the words the test lists. Then let callWebhook(..., mutating) return reviewPatch(answer, mutating). § Mutating webhooks.',
    "Mutating webhooks > on the API server, each webhook's patch is applied in the order of the configurations' names, before validation and storage":
      'MutatingWebhooks follows mutatingwebhookconfigurations (extend ValidatingWebhooks and change which resource it follows); admit calls the wanted webhooks one by one, configurations sorted by name, and puts jsonPatch(request.object, operations, resource) back into request.object in place. § Mutating webhooks.',
    'Mutating webhooks > a patch that cannot be applied refuses the write with a 500, and nothing is stored':
      'Catch what jsonPatch throws and throw an ApiError 500 InternalError, "Internal error occurred: <why>". § Mutating webhooks.',
  },
};
