import { describe, expect, test } from 'vitest';
import { ApiError } from '../../harness/api/errors.ts';
import { examplePod } from '../../harness/api/examples.ts';
import {
  createSelectors,
  labelSelectorText,
  matchesLabels,
  parseLabelRequirement,
  parseLabelSelector,
  splitRequirements,
  tokenizeLabelSelector,
} from './selectors.ts';

/** Whether `selector` selects `labels`. */
const selects = (selector: string, labels: Record<string, string>) =>
  matchesLabels(parseLabelSelector(selector), labels);

/** The error `run` throws (`what` says what was tried, should it not throw). */
function failure(what: string, run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    return error as ApiError;
  }
  throw new Error(`expected ${what} to throw a 400 BadRequest, but it returned`);
}

const parseError = (selector: string) =>
  failure(`parsing "${selector}"`, () => parseLabelSelector(selector));

describe('Label selectors', () => {
  // Words first: the tokenizer and the cut into requirements.
  test('a selector is read as words: names, operators and parentheses, spaces dropped', () => {
    expect(
      tokenizeLabelSelector('env in (prod, staging),app!=web'),
      'tokenize "env in (prod, staging),app!=web"',
    ).toEqual(['env', 'in', '(', 'prod', ',', 'staging', ')', ',', 'app', '!=', 'web']);
    expect(tokenizeLabelSelector('   '), 'tokenize "   " (only spaces)').toEqual([]);
  });

  test('== and != are one word each; =, !, < and >, words of their own even without spaces', () => {
    expect(
      tokenizeLabelSelector('a==b,!c,d=e,v>2,w<10'),
      'tokenize "a==b,!c,d=e,v>2,w<10"',
    ).toEqual([
      'a',
      '==',
      'b',
      ',',
      '!',
      'c',
      ',',
      'd',
      '=',
      'e',
      ',',
      'v',
      '>',
      '2',
      ',',
      'w',
      '<',
      '10',
    ]);
  });

  test('the words are cut into requirements at each comma outside parentheses', () => {
    const text = 'env in (a,b),!canary,app=web';
    expect(
      splitRequirements(tokenizeLabelSelector(text), text),
      `split the words of "${text}"`,
    ).toEqual([
      ['env', 'in', '(', 'a', ',', 'b', ')'],
      ['!', 'canary'],
      ['app', '=', 'web'],
    ]);
    expect(splitRequirements([], ''), 'split no words').toEqual([]);
  });

  test('an empty requirement, from a comma too many, is a 400 BadRequest', () => {
    for (const text of ['app=web,', ',app=web', 'a,,b']) {
      const error = failure(`splitting "${text}"`, () =>
        splitRequirements(tokenizeLabelSelector(text), text),
      );
      expect([error.code, error.reason], `split the words of "${text}"`).toEqual([
        400,
        'BadRequest',
      ]);
    }
  });

  // Then each requirement.
  test('key=value is one requirement', () => {
    expect(
      parseLabelRequirement(['app', '=', 'web'], 'app=web'),
      'parseLabelRequirement of the words app = web',
    ).toEqual({ key: 'app', operator: 'Equals', values: ['web'] });
    expect(parseLabelSelector('app=web'), 'parse "app=web"').toEqual([
      { key: 'app', operator: 'Equals', values: ['web'] },
    ]);
  });

  test('== means the same as =, and != is NotEquals', () => {
    expect(parseLabelSelector('app==web'), 'parse "app==web"').toEqual(
      parseLabelSelector('app=web'),
    );
    expect(parseLabelSelector('app=web,tier!=db'), 'parse "app=web,tier!=db"').toEqual([
      { key: 'app', operator: 'Equals', values: ['web'] },
      { key: 'tier', operator: 'NotEquals', values: ['db'] },
    ]);
  });

  test('in and notin take a list of values in parentheses', () => {
    expect(parseLabelSelector('env in (prod, staging)'), 'parse "env in (prod, staging)"').toEqual([
      { key: 'env', operator: 'In', values: ['prod', 'staging'] },
    ]);
    expect(parseLabelSelector('env notin (qa)'), 'parse "env notin (qa)"').toEqual([
      { key: 'env', operator: 'NotIn', values: ['qa'] },
    ]);
  });

  test('a bare key is Exists; !key is DoesNotExist', () => {
    expect(parseLabelSelector('canary,!legacy'), 'parse "canary,!legacy"').toEqual([
      { key: 'canary', operator: 'Exists', values: [] },
      { key: 'legacy', operator: 'DoesNotExist', values: [] },
    ]);
  });

  test('> and < take a whole number', () => {
    expect(parseLabelSelector('version>2,age<-1'), 'parse "version>2,age<-1"').toEqual([
      { key: 'version', operator: 'GreaterThan', values: ['2'] },
      { key: 'age', operator: 'LessThan', values: ['-1'] },
    ]);
  });

  test('spaces around words are fine; an empty value is a value', () => {
    expect(parseLabelSelector(' app = web , tier '), 'parse " app = web , tier "').toEqual([
      { key: 'app', operator: 'Equals', values: ['web'] },
      { key: 'tier', operator: 'Exists', values: [] },
    ]);
    expect(parseLabelSelector('tier='), 'parse "tier="').toEqual([
      { key: 'tier', operator: 'Equals', values: [''] },
    ]);
    expect(parseLabelSelector(''), 'parse "" (no requirements at all)').toEqual([]);
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

  // Then matching: does a set of labels meet the requirements?
  test('every requirement must hold', () => {
    expect(
      selects('app=web,tier=front', { app: 'web', tier: 'front' }),
      'app=web,tier=front on {app: web, tier: front}',
    ).toBe(true);
    expect(
      selects('app=web,tier=front', { app: 'web', tier: 'back' }),
      'app=web,tier=front on {app: web, tier: back}',
    ).toBe(false);
  });

  test('= needs the key; != also holds when the key is missing', () => {
    expect(selects('app=web', {}), 'app=web on {}').toBe(false);
    expect(selects('app!=web', {}), 'app!=web on {}').toBe(true);
    expect(selects('app!=web', { app: 'web' }), 'app!=web on {app: web}').toBe(false);
  });

  test('in needs the key and one of its values; notin also holds when the key is missing', () => {
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

  test('a bare key holds for any value, even ""; !key only when the key is missing', () => {
    expect(selects('canary', { canary: '' }), 'canary on {canary: ""}').toBe(true);
    expect(selects('canary', {}), 'canary on {}').toBe(false);
    expect(selects('!legacy', { legacy: 'yes' }), '!legacy on {legacy: yes}').toBe(false);
    expect(selects('!legacy', {}), '!legacy on {}').toBe(true);
  });

  test('> and < compare whole numbers, and need the key', () => {
    expect(selects('version>2', { version: '3' }), 'version>2 on {version: 3}').toBe(true);
    expect(selects('version>2', { version: '2' }), 'version>2 on {version: 2}').toBe(false);
    expect(selects('version<2', { version: 'one' }), 'version<2 on {version: one}').toBe(false);
    expect(selects('version<2', {}), 'version<2 on {}').toBe(false);
  });

  test('an empty selector selects everything', () => {
    expect(selects('', { any: 'thing' }), '"" on {any: thing}').toBe(true);
    expect(selects('', {}), '"" on {}').toBe(true);
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
});
