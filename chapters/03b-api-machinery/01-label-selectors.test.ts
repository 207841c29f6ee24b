import { describe, expect, test } from 'vitest';
import { ApiError } from '../../harness/api/errors.ts';
import { examplePod } from '../../harness/api/examples.ts';
import { builtinResources } from '../../harness/api/resources.ts';
import {
  createSelectors,
  labelSelectorText,
  matchesLabels,
  parseLabelSelector,
} from './selectors.ts';

/** Whether `selector` selects `labels`. */
const selects = (selector: string, labels: Record<string, string>) =>
  matchesLabels(parseLabelSelector(selector), labels);

/** The error parsing `selector` throws. */
function parseError(selector: string): ApiError {
  try {
    parseLabelSelector(selector);
  } catch (error) {
    return error as ApiError;
  }
  throw new Error(`expected parsing "${selector}" to fail`);
}

describe('Label selectors', () => {
  test('key=value is one requirement', () => {
    expect(parseLabelSelector('app=web'), 'parse "app=web"').toEqual([
      { key: 'app', operator: 'Equals', values: ['web'] },
    ]);
  });

  test('requirements are separated by commas, and all must hold', () => {
    expect(parseLabelSelector('app=web,tier!=db'), 'parse "app=web,tier!=db"').toEqual([
      { key: 'app', operator: 'Equals', values: ['web'] },
      { key: 'tier', operator: 'NotEquals', values: ['db'] },
    ]);
    expect(
      selects('app=web,tier=front', { app: 'web', tier: 'front' }),
      'app=web,tier=front on {app: web, tier: front}',
    ).toBe(true);
    expect(
      selects('app=web,tier=front', { app: 'web', tier: 'back' }),
      'app=web,tier=front on {app: web, tier: back}',
    ).toBe(false);
  });

  test('== means the same as =', () => {
    expect(parseLabelSelector('app==web'), 'parse "app==web"').toEqual(
      parseLabelSelector('app=web'),
    );
  });

  test('= needs the key; != also holds when the key is missing', () => {
    expect(selects('app=web', {}), 'app=web on {}').toBe(false);
    expect(selects('app!=web', {}), 'app!=web on {}').toBe(true);
    expect(selects('app!=web', { app: 'web' }), 'app!=web on {app: web}').toBe(false);
  });

  test('in and notin take a list of values in parentheses', () => {
    expect(parseLabelSelector('env in (prod, staging)'), 'parse "env in (prod, staging)"').toEqual([
      { key: 'env', operator: 'In', values: ['prod', 'staging'] },
    ]);
    expect(
      selects('env in (prod,staging)', { env: 'staging' }),
      'env in (prod,staging) on {env: staging}',
    ).toBe(true);
    expect(selects('env in (prod,staging)', {}), 'env in (prod,staging) on {}').toBe(false);
    expect(selects('env notin (prod)', {}), 'env notin (prod) on {}').toBe(true);
    expect(selects('env notin (prod)', { env: 'prod' }), 'env notin (prod) on {env: prod}').toBe(
      false,
    );
  });

  test('a bare key means "has this label"; !key means "does not"', () => {
    expect(parseLabelSelector('canary,!legacy'), 'parse "canary,!legacy"').toEqual([
      { key: 'canary', operator: 'Exists', values: [] },
      { key: 'legacy', operator: 'DoesNotExist', values: [] },
    ]);
    expect(selects('canary', { canary: '' }), 'canary on {canary: ""}').toBe(true);
    expect(selects('!legacy', { legacy: 'yes' }), '!legacy on {legacy: yes}').toBe(false);
  });

  test('> and < compare whole numbers, and need the key', () => {
    expect(selects('version>2', { version: '3' }), 'version>2 on {version: 3}').toBe(true);
    expect(selects('version>2', { version: '2' }), 'version>2 on {version: 2}').toBe(false);
    expect(selects('version<2', { version: 'one' }), 'version<2 on {version: one}').toBe(false);
    expect(selects('version<2', {}), 'version<2 on {}').toBe(false);
  });

  test('spaces around words are fine; an empty value is a value', () => {
    expect(parseLabelSelector(' app = web , tier '), 'parse " app = web , tier "').toEqual([
      { key: 'app', operator: 'Equals', values: ['web'] },
      { key: 'tier', operator: 'Exists', values: [] },
    ]);
    expect(selects('tier=', { tier: '' }), 'tier= on {tier: ""}').toBe(true);
  });

  test('an empty selector selects everything', () => {
    expect(parseLabelSelector(''), 'parse ""').toEqual([]);
    expect(selects('', { any: 'thing' }), '"" on anything').toBe(true);
  });

  test('a selector that does not parse is a 400 BadRequest', () => {
    for (const selector of [
      'app=web,',
      'app in (a',
      'env in ()',
      '!',
      'app web',
      'version>two',
      '=web',
      'app=(x)',
    ]) {
      const error = parseError(selector);
      expect([error.code, error.reason], `parse "${selector}"`).toEqual([400, 'BadRequest']);
    }
  });

  test('an object-form selector as text, as the scale subresource reports it', () => {
    expect(
      labelSelectorText({
        matchLabels: { tier: 'front', app: 'web' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['staging', 'prod'] },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      }),
      'labelSelectorText(app=web, tier=front, env in (staging,prod), !legacy)',
    ).toBe('app=web,env in (prod,staging),!legacy,tier=front');
    expect(
      labelSelectorText({ matchLabels: { app: 'web' } }),
      'labelSelectorText({app: web})',
    ).toBe('app=web');
  });

  test('createSelectors().labelSelector compiles a selector into a test on objects', () => {
    const selected = createSelectors().labelSelector('app=web');
    expect(selected(examplePod('a', { app: 'web' })), 'app=web on a pod labeled app=web').toBe(
      true,
    );
    expect(selected(examplePod('b', { app: 'db' })), 'app=web on a pod labeled app=db').toBe(false);
    const none = createSelectors().labelSelector('!app');
    const unlabeled = examplePod('c');
    delete unlabeled.metadata.labels;
    expect(none(unlabeled), '!app on a pod without labels').toBe(true);
    expect(builtinResources.length, 'resources known').toBeGreaterThan(0);
  });
});
