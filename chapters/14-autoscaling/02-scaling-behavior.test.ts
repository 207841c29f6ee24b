// Scaling behavior: pure functions over recommendations, scale events and the rules of
// autoscaling/v2's `behavior`, on times given in milliseconds (the controller passes its clock's).
import { describe, expect, test } from 'vitest';
import {
  changeInPeriod,
  limitRate,
  remember,
  scaleDownLimit,
  scaleUpLimit,
  stabilize,
  withDefaults,
  type ScalingRules,
} from './scaling-behavior.ts';

const now = Date.parse('2026-01-01T12:00:00Z');
const secondsAgo = (seconds: number) => now - seconds * 1000;
/** The default rules, read when a test asks (a stub throws inside the test, not as the file loads). */
const defaults = {
  get scaleUp() {
    return withDefaults(undefined).scaleUp;
  },
  get scaleDown() {
    return withDefaults(undefined).scaleDown;
  },
};
const none = { up: [], down: [] };

describe('Scaling behavior', () => {
  test("the defaults: up at once by 4 pods or 100% per 15 s; down after 300 s by 100% per 15 s; a spec's fields win", () => {
    expect(withDefaults(undefined), 'withDefaults(undefined)').toEqual({
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ],
      },
      scaleDown: {
        stabilizationWindowSeconds: 300,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
      },
    });
    const custom = withDefaults({ scaleDown: { stabilizationWindowSeconds: 5 } });
    expect(custom.scaleDown, 'a scaleDown with only a 5 s window').toEqual({
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
      stabilizationWindowSeconds: 5,
    });
  });

  test('going down, the highest recommendation of the window wins', () => {
    const history = [
      { replicas: 6, timestamp: secondsAgo(400) },
      { replicas: 5, timestamp: secondsAgo(200) },
      { replicas: 3, timestamp: secondsAgo(100) },
    ];
    expect(
      stabilize(6, 2, history, defaults.scaleUp, defaults.scaleDown, now),
      '6 replicas, 2 recommended now, 5 within the last 300 s (6 is older)',
    ).toEqual({
      replicas: 5,
      reason: 'ScaleDownStabilized',
      message:
        'recent recommendations were higher than current one, applying the highest recent recommendation',
    });
  });

  test('going up, the lowest recommendation of the scale-up window wins; a window of 0 s holds nothing back', () => {
    const history = [{ replicas: 2, timestamp: secondsAgo(30) }];
    const slowUp: ScalingRules = { ...defaults.scaleUp, stabilizationWindowSeconds: 60 };
    expect(
      stabilize(2, 8, history, slowUp, defaults.scaleDown, now).replicas,
      '2 replicas, 8 recommended now, 2 recommended 30 s ago, a 60 s scale-up window',
    ).toBe(2);
    const up = stabilize(2, 8, history, defaults.scaleUp, defaults.scaleDown, now);
    expect(up.replicas, 'the same with the default 0 s scale-up window').toBe(8);
    expect(up.reason, 'a recommendation above the current count').toBe('ScaleUpStabilized');
  });

  test('remember keeps the recommendations still inside a window, then the new one', () => {
    const history = [
      { replicas: 6, timestamp: secondsAgo(301) },
      { replicas: 5, timestamp: secondsAgo(299) },
    ];
    expect(
      remember(history, { replicas: 4, timestamp: now }, defaults.scaleUp, defaults.scaleDown),
      'windows of 0 s and 300 s; one recommendation 301 s old, one 299 s',
    ).toEqual([
      { replicas: 5, timestamp: secondsAgo(299) },
      { replicas: 4, timestamp: now },
    ]);
  });

  test('changeInPeriod adds up the events of the last period', () => {
    const events = [
      { change: 2, timestamp: secondsAgo(20) },
      { change: 3, timestamp: secondsAgo(10) },
      { change: 1, timestamp: secondsAgo(1) },
    ];
    expect(changeInPeriod(events, 15, now), 'events 20, 10 and 1 s ago, a 15 s period').toBe(4);
  });

  test('scaling up: Pods adds, Percent multiplies (rounded up), from the count the period began with; Max takes the larger', () => {
    expect(scaleUpLimit(3, none, defaults.scaleUp, now), '3 replicas, 4 pods or 100%').toBe(7);
    expect(scaleUpLimit(10, none, defaults.scaleUp, now), '10 replicas, 4 pods or 100%').toBe(20);
    const events = { up: [{ change: 2, timestamp: secondsAgo(5) }], down: [] };
    expect(
      scaleUpLimit(5, events, defaults.scaleUp, now),
      '5 replicas, 2 of them added 5 s ago',
    ).toBe(7);
    const rules: ScalingRules = {
      ...defaults.scaleUp,
      policies: [{ type: 'Percent', value: 50, periodSeconds: 15 }],
    };
    expect(scaleUpLimit(3, none, rules, now), '3 replicas, at most 50% more: 4.5 rounded up').toBe(
      5,
    );
  });

  test('selectPolicy Min takes the smallest change, Disabled allows none', () => {
    expect(
      scaleUpLimit(10, none, { ...defaults.scaleUp, selectPolicy: 'Min' }, now),
      'up from 10, 4 pods or 100%, Min',
    ).toBe(14);
    expect(
      scaleUpLimit(10, none, { ...defaults.scaleUp, selectPolicy: 'Disabled' }, now),
      'up from 10, Disabled',
    ).toBe(10);
    const down: ScalingRules = {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Min',
      policies: [
        { type: 'Pods', value: 1, periodSeconds: 60 },
        { type: 'Percent', value: 50, periodSeconds: 60 },
      ],
    };
    expect(scaleDownLimit(10, none, down, now), 'down from 10, 1 pod or 50%, Min').toBe(9);
    expect(scaleDownLimit(10, none, { ...down, selectPolicy: 'Max' }, now), 'the same, Max').toBe(
      5,
    );
    expect(
      scaleDownLimit(10, none, { ...down, selectPolicy: 'Disabled' }, now),
      'the same, Disabled',
    ).toBe(10);
  });

  test('scaling down, what was removed in the period counts: Percent keeps (1 - value/100) of the starting count, rounded down', () => {
    const rules: ScalingRules = {
      ...defaults.scaleDown,
      policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }],
    };
    expect(
      scaleDownLimit(5, none, rules, now),
      '5 replicas, at most 50% fewer: 2.5 rounded down',
    ).toBe(2);
    const events = { up: [], down: [{ change: 4, timestamp: secondsAgo(30) }] };
    expect(
      scaleDownLimit(4, events, rules, now),
      '4 replicas after 4 were removed 30 s ago: half of 8',
    ).toBe(4);
  });

  test('limitRate bounds the change by the policies, then by maxReplicas and minReplicas, and says which held it', () => {
    const input = {
      minReplicas: 1,
      maxReplicas: 10,
      events: none,
      up: defaults.scaleUp,
      down: defaults.scaleDown,
      now,
    };
    expect(
      limitRate({ ...input, current: 2, desired: 9 }),
      'from 2 to 9, 4 pods or 100% per 15 s',
    ).toEqual({
      replicas: 6,
      reason: 'ScaleUpLimit',
      message: 'the desired replica count is increasing faster than the maximum scale rate',
    });
    expect(limitRate({ ...input, current: 8, desired: 12 }).reason, 'from 8 to 12, max 10').toBe(
      'TooManyReplicas',
    );
    expect(limitRate({ ...input, current: 8, desired: 12 }).replicas, 'from 8 to 12, max 10').toBe(
      10,
    );
    expect(limitRate({ ...input, current: 3, desired: 0 }), 'from 3 to 0, min 1').toEqual({
      replicas: 1,
      reason: 'TooFewReplicas',
      message: 'the desired replica count is less than the minimum replica count',
    });
    expect(limitRate({ ...input, current: 3, desired: 5 }), 'from 3 to 5').toEqual({
      replicas: 5,
      reason: 'DesiredWithinRange',
      message: 'the desired count is within the acceptable range',
    });
  });

  test('limitRate going down: ScaleDownLimit when a policy holds it back', () => {
    const down: ScalingRules = {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }],
    };
    const input = {
      minReplicas: 1,
      maxReplicas: 10,
      events: none,
      up: defaults.scaleUp,
      down,
      now,
    };
    expect(
      limitRate({ ...input, current: 5, desired: 1 }),
      'from 5 to 1, at most 1 pod a minute',
    ).toEqual({
      replicas: 4,
      reason: 'ScaleDownLimit',
      message: 'the desired replica count is decreasing faster than the maximum scale rate',
    });
  });
});
