// The AdmissionReview v1 the server sends, and what the webhook's answer means: allowed, denied
// with its own status and message, or an answer that cannot be read.
import { describe, expect, test } from 'vitest';
import { ApiError } from '../../harness/api/errors.ts';
import { builtinResources } from '../../harness/api/resources.ts';
import type { AdmissionRequest } from '../../harness/contracts/security.ts';
import { admissionReview, InvalidResponse, reviewVerdict } from './webhooks.ts';

const pods = builtinResources.find((each) => each.resource === 'pods')!;
const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'dev' },
  spec: {},
};
const create: AdmissionRequest = {
  operation: 'CREATE',
  resource: pods,
  namespace: 'dev',
  name: 'web',
  object: pod,
  user: { username: 'jane', groups: ['devs', 'system:authenticated'] },
};

/** The error `verdict` throws, or undefined when it returns. */
function thrown(verdict: () => void): Error | undefined {
  try {
    verdict();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

describe('The AdmissionReview', () => {
  test('the review names the write: uid, kind, resource, name, namespace, operation, user, object', () => {
    const review = admissionReview(create, 'uid-1');
    expect(review.apiVersion, 'an AdmissionReview of admission.k8s.io/v1').toBe(
      'admission.k8s.io/v1',
    );
    expect(review.kind, 'kind AdmissionReview').toBe('AdmissionReview');
    expect(review.request, 'the request of a pod create by jane').toMatchObject({
      uid: 'uid-1',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      requestKind: { group: '', version: 'v1', kind: 'Pod' },
      name: 'web',
      namespace: 'dev',
      operation: 'CREATE',
      userInfo: { username: 'jane', groups: ['devs', 'system:authenticated'] },
      object: pod,
      dryRun: false,
      options: { kind: 'CreateOptions' },
    });
  });

  test('a DELETE sends no object, and a subresource is named in subResource', () => {
    const deleted = admissionReview({ ...create, operation: 'DELETE' }, 'uid-2');
    expect(deleted.request!.object, 'a DELETE review holds object: null').toBeNull();
    expect(deleted.request!.options, 'a DELETE review has DeleteOptions').toMatchObject({
      kind: 'DeleteOptions',
    });
    const status = admissionReview(
      { ...create, operation: 'UPDATE', subresource: 'status' },
      'uid-3',
    );
    expect(status.request!.subResource, 'an update of pods/status').toBe('status');
  });

  test('an answer that allows passes; one that denies is its status with the webhook named', () => {
    const answer = (allowed: boolean, status?: object) => ({
      response: { uid: 'u', allowed, status },
    });
    expect(
      thrown(() => reviewVerdict('hook', answer(true), 'u')),
      'allowed: true throws nothing',
    ).toBeUndefined();
    const denied = thrown(() =>
      reviewVerdict(
        'hook',
        answer(false, { code: 403, reason: 'Forbidden', message: 'no latest tags' }),
        'u',
      ),
    ) as ApiError;
    expect(denied, 'allowed: false throws an ApiError').toBeInstanceOf(ApiError);
    expect(denied.code, 'the status code the webhook gave').toBe(403);
    expect(denied.reason, 'the reason the webhook gave').toBe('Forbidden');
    expect(denied.message, 'the webhook named, then its message').toBe(
      'admission webhook "hook" denied the request: no latest tags',
    );
  });

  test('a denial without a code is 400, and without a message is "without explanation"', () => {
    const bare = thrown(() =>
      reviewVerdict('hook', { response: { uid: 'u', allowed: false } }, 'u'),
    ) as ApiError;
    expect(bare.code, 'a denial with no status is a 400').toBe(400);
    expect(bare.message, 'a denial with no message').toBe(
      'admission webhook "hook" denied the request without explanation',
    );
    const low = thrown(() =>
      reviewVerdict(
        'hook',
        { response: { uid: 'u', allowed: false, status: { code: 200, reason: 'Nope' } } },
        'u',
      ),
    ) as ApiError;
    expect(low.code, 'a denial never answers below 400').toBe(400);
    expect(low.message, 'the reason stands in for a missing message').toBe(
      'admission webhook "hook" denied the request: Nope',
    );
  });

  test('an answer with no response or another uid cannot be read: an InvalidResponse', () => {
    const empty = thrown(() => reviewVerdict('hook', {}, 'u'));
    expect(empty, 'a review without response').toBeInstanceOf(InvalidResponse);
    const other = thrown(() =>
      reviewVerdict('hook', { response: { uid: 'v', allowed: true } }, 'u'),
    );
    expect(other, 'a response for uid v to the review u').toBeInstanceOf(InvalidResponse);
    expect(other!.message, 'the uids named').toBe('expected response.uid="u", got "v"');
  });
});
