import { describe, expect, it } from 'vitest';
import { APP, CO, only } from '../helpers/event-records.js';

const HINT = 'Send {"ChangeOrderId":"<id>"} (preferred) or {"appId":"<id>"}.';

describe('FC timer trigger', () => {
  it('is a guard tick named after the trigger, never a rollback request', () => {
    const r = only({
      triggerTime: '2026-11-29T03:00:00Z',
      triggerName: 'guard',
      payload: `{"ChangeOrderId":"${CO}"}`,
    });
    expect(r).toMatchObject({
      source: 'timer',
      disposition: 'guard',
      actionable: false,
      changeOrderId: null,
    });
    expect(r.reason).toBe(
      'Timer trigger "guard" fired at 2026-11-29T03:00:00Z: a scheduled guard tick, not a rollback request.',
    );
    expect(r.alarm).toEqual({ source: 'timer', name: 'guard', firedAt: '2026-11-29T03:00:00Z' });
    expect(r.dedupeKey).toBe('timer:guard@2026-11-29T03:00:00Z');
  });

  it('with empty name and time says "?" for them', () => {
    const r = only({ triggerTime: '', triggerName: '' });
    expect(r.reason).toBe('Timer trigger "?" fired at ?: a scheduled guard tick, not a rollback request.');
    expect(r.dedupeKey).toBe('timer:?@?');
  });

  it.each([
    ['no triggerName', { triggerTime: '2026-11-29T03:00:00Z' }],
    ['no triggerTime', { triggerName: 'guard' }],
    ['a numeric triggerTime', { triggerTime: 1795921195, triggerName: 'guard' }],
  ])('with %s, an object is not a timer event (here: a direct request)', (_what, fields) => {
    expect(only({ ...fields, ChangeOrderId: CO })).toMatchObject({ source: 'direct', disposition: 'act' });
  });
});

describe('direct requests', () => {
  it('say which change order and app they name', () => {
    expect(only({ ChangeOrderId: CO, appId: APP }).reason).toBe(
      `Direct request: names change order ${CO} of app ${APP}.`,
    );
  });

  it('a rejection says what is wrong and what to send', () => {
    const r = only({ ChangeOrderId: 42 });
    expect(r).toMatchObject({ source: 'direct', disposition: 'reject' });
    expect(r.reason).toBe(`ChangeOrderId must be a string, not number (in the event). ${HINT}`);
  });

  it('a plain-text ID is the change order ID, said so', () => {
    expect(only(CO)).toMatchObject({
      source: 'direct',
      changeOrderId: CO,
      reason: `Plain-text change order ID ${CO}.`,
    });
  });

  it('a single token that is not an ID is rejected as a direct request, saying what to send', () => {
    const r = only('release-42!');
    expect(r).toMatchObject({ source: 'direct', disposition: 'reject' });
    expect(r.reason).toMatch(/^The plain-text body in the event is not a valid change order ID: /);
    expect(r.reason.endsWith(HINT)).toBe(true);
  });
});
