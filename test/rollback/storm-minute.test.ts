import { afterEach, describe, expect, it } from 'vitest';
import { type GuardStack, newAppId, startGuardStack } from '../helpers/guard-stack.js';

describe('storm discipline over a minute (issue 13, point 4)', () => {
  let s: GuardStack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('1,000 alarms for 10 apps already rolled back cost one look-up per app per 30 s; a new bad release at 22 s is aborted at once', async () => {
    s = await startGuardStack({
      SAE_CALLS_PER_WINDOW: '40',
      SAE_ABORT_RESERVE: '5',
      RESOLUTION_CACHE_SECONDS: '10',
      MAX_ROLLBACKS_PER_WINDOW: '20', // eleven rollbacks in ten minutes are wanted here
    });
    const st = s;
    const seed = () => {
      const appId = newAppId('storm');
      st.sae.seedApp({ appId, appName: 'checkout', versions: ['v1', 'v2'] });
      return { appId, co: st.sae.startChangeOrder({ appId, toVersion: 'v3' }) };
    };
    const apps = Array.from({ length: 10 }, seed);
    for (const a of apps) expect((await s.alarm({ appId: a.appId })).outcomes[0]?.outcome).toBe('aborted');
    s.clock.advance(61_000); // a fresh budget window; the 10 s resolution cache long expired
    const before = s.sae.calls.length;
    const publishedBefore = s.published().length;

    let fresh: { appId: string; co: string } | undefined;
    const answers: string[] = [];
    for (let second = 0; second < 60; second += 2) {
      if (second === 22) fresh = seed();
      const batch = Array.from({ length: 33 }, (_, i) => apps[i % 10]?.appId ?? '');
      if (fresh && second === 22) batch.push(fresh.appId);
      const res = await Promise.all(batch.map((appId) => st.alarm({ appId })));
      answers.push(
        ...res.flatMap((r) =>
          r.outcomes.map((o) => `${o.appId === fresh?.appId ? 'new' : 'old'}:${o.outcome}`),
        ),
      );
      s.clock.advance(2_000);
    }

    expect(answers.filter((a) => a.startsWith('old:')).every((a) => a === 'old:duplicate')).toBe(true);
    expect(answers).toContain('new:aborted');
    expect(answers.filter((a) => a.startsWith('new:'))).toEqual(['new:aborted']);
    const calls = s.sae.calls.slice(before);
    // The new release: its look-up (ListChangeOrders, the executing one) and its abort.
    expect(
      calls.filter((c) => c.query.AppId === fresh?.appId || c.query.ChangeOrderId === fresh?.co),
    ).toEqual([
      expect.objectContaining({ action: 'ListChangeOrders' }),
      expect.objectContaining({ action: 'AbortAndRollbackChangeOrder' }),
    ]);
    // The rolled-back apps, answered from the store: at most one look-up each per 30 s (a new release
    // of theirs would show there), 60 s of storm → at most two DescribeApplicationStatus per app.
    const old = calls.filter((c) => c.query.AppId !== fresh?.appId && c.query.ChangeOrderId !== fresh?.co);
    expect(old.every((c) => c.action === 'DescribeApplicationStatus')).toBe(true);
    for (const a of apps) expect(old.filter((c) => c.query.AppId === a.appId).length).toBeLessThanOrEqual(2);
    const published = s.published().slice(publishedBefore);
    expect(published.map((o) => o.outcome)).toEqual(['aborted']);
    expect(published.some((o) => o.outcome === 'failed-retryable')).toBe(false);
  });
});
