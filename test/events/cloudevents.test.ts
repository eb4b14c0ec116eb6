import { describe, expect, it } from 'vitest';
import { APP, CO, CO2, only } from '../helpers/event-records.js';

/** A CloudEvent as EventBridge delivers it (reference §4b), `id` left out when `id` is undefined. */
function ce(type: string, source: string, data: unknown, id?: string): Record<string, unknown> {
  return {
    specversion: '1.0',
    type,
    source,
    ...(id === undefined ? {} : { id }),
    time: '2026-11-29T02:59:00Z',
    data,
  };
}

describe('CloudEvents without an id', () => {
  it('keep distinct events from one source apart (a second request is not a duplicate of the first)', () => {
    const a = only(ce('custom:Release:Bad', 'my.pipeline', { ChangeOrderId: CO }));
    const b = only(ce('custom:Release:Bad', 'my.pipeline', { ChangeOrderId: CO2 }));
    expect([a.changeOrderId, b.changeOrderId]).toEqual([CO, CO2]);
    expect(a.dedupeKey).not.toBe(b.dedupeKey);
  });

  it('keep distinct SAE events apart, and a redelivery of the same one on one key', () => {
    const fail = 'sae:ChangeOrder:SaeChangeOrderFailEvent';
    const a = only(ce(fail, 'acs.sae', { appId: APP }));
    const b = only(ce(fail, 'acs.sae', { changeOrderId: CO }));
    expect(a.dedupeKey).not.toBe(b.dedupeKey);
    expect(only(ce(fail, 'acs.sae', { appId: APP })).dedupeKey).toBe(a.dedupeKey);
  });

  it('with an id, are keyed by source and id', () => {
    const r = only(ce('custom:Release:Bad', 'my.pipeline', { ChangeOrderId: CO }, 'evt-1'));
    expect(r.dedupeKey).toBe('ce:my.pipeline:evt-1');
  });
});

describe('SAE change-order events whose data is not readable JSON', () => {
  it('say that data is not valid JSON, not that the IDs are missing', () => {
    const r = only(ce('sae:ChangeOrder:SaeChangeOrderFailEvent', 'acs.sae', '{"appId": "oops', 'e-1'));
    expect(r.disposition).toBe('reject');
    expect(r.reason).toMatch(/^The SAE event's data is not valid JSON \(/);
    expect(r.reason).toMatch(/send data as a JSON object/i);
  });

  it('read data sent as JSON text like data sent as an object', () => {
    const r = only(
      ce('sae:ChangeOrder:SaeChangeOrderFailEvent', 'acs.sae', JSON.stringify({ appId: APP }), 'e-2'),
    );
    expect(r).toMatchObject({ disposition: 'act', appId: APP, changeOrderId: null });
  });
});
