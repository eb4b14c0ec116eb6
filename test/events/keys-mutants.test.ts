import { describe, expect, it } from 'vitest';
import { APP, CO, CO2, only } from '../helpers/parse.js';

const HINT = 'Send {"ChangeOrderId":"<id>"} (preferred) or {"appId":"<id>"}.';

describe('which IDs a body names', () => {
  it.each([
    ['null', null],
    ['the literal "null" (CloudMonitor)', 'null'],
    ['empty', ''],
  ])('a change order ID that is %s counts as not given', (_what, v) => {
    expect(only({ ChangeOrderId: v, appId: APP })).toMatchObject({
      disposition: 'act',
      changeOrderId: null,
      appId: APP,
      reason: `Direct request: names app ${APP}; its running change order will be looked up.`,
    });
  });

  it('says the target in words: change order, of which app when given', () => {
    expect(only({ ChangeOrderId: CO }).reason).toBe(`Direct request: names change order ${CO}.`);
    expect(only({ ChangeOrderId: CO, appId: APP }).reason).toBe(
      `Direct request: names change order ${CO} of app ${APP}.`,
    );
  });
});

describe('what is wrong with the IDs a body names', () => {
  it('names both spellings that disagree', () => {
    expect(only({ ChangeOrderId: CO, changeOrderId: CO2 }).reason).toBe(
      `changeOrderId and ChangeOrderId name different change order IDs; send one (in the event). ${HINT}`,
    );
  });

  it('lists every problem, separated by "; "', () => {
    const r = only({ ChangeOrderId: 'bad id!x', appId: 42 });
    expect(r.disposition).toBe('reject');
    expect(r.reason).toMatch(
      /^ChangeOrderId: the change order ID is not valid: it contains " " at position 4; .+; appId must be a string, not number \(in the event\)\. /,
    );
  });
});
