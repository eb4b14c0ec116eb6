// The namespace allowlist's cache must not refuse an app created after the namespace was listed: a miss
// lists the allowed namespaces again — at most once per namespace per MISS_RELIST_MS (issue 20).
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { AppDirectory, type ListApps, MISS_RELIST_MS } from '../../lib/policy/namespaces.js';
import type { ApplicationSummary } from '../../lib/sae/app-types.js';
import { type GuardStack, newAppId, startGuardStack } from '../helpers/guard-stack.js';

function fakeSae(apps: ApplicationSummary[]) {
  const calls: string[] = [];
  const list: ListApps = async (q) => {
    calls.push(q.namespaceId ?? '');
    const inNs = apps.filter((a) => a.namespaceId === q.namespaceId);
    return { currentPage: 1, pageSize: 100, totalSize: inNs.length, applications: inNs };
  };
  return { apps, calls, list };
}

describe('AppDirectory.findNamespace', () => {
  it('finds an app created after the listing was cached, with one more listing', async () => {
    const clock = new ManualClock();
    const dir = new AppDirectory({ store: new MemoryStore({ clock }) });
    const sae = fakeSae([{ appId: 'old-app', namespaceId: 'ns:prod' }]);
    expect(await dir.findNamespace('old-app', ['ns:prod'], sae.list)).toBe('ns:prod');
    sae.apps.push({ appId: 'new-app', namespaceId: 'ns:prod' });
    clock.advance(MISS_RELIST_MS);

    expect(await dir.findNamespace('new-app', ['ns:prod'], sae.list)).toBe('ns:prod');
    expect(sae.calls).toEqual(['ns:prod', 'ns:prod']);
  });

  it('bounds the extra listings: a storm of unknown apps lists each namespace at most once per window', async () => {
    const clock = new ManualClock();
    const dir = new AppDirectory({ store: new MemoryStore({ clock }) });
    const sae = fakeSae([{ appId: 'old-app', namespaceId: 'ns:prod' }]);
    await dir.findNamespace('old-app', ['ns:prod', 'ns:stage'], sae.list);
    clock.advance(MISS_RELIST_MS);

    const found = [];
    for (let i = 0; i < 100; i++)
      found.push(await dir.findNamespace(`stranger-${i % 7}`, ['ns:prod', 'ns:stage'], sae.list));
    clock.advance(MISS_RELIST_MS);
    await dir.findNamespace('stranger-0', ['ns:prod', 'ns:stage'], sae.list);

    expect(found.every((f) => f === undefined)).toBe(true);
    // prod listed; then stage first listed, prod listed again once; a window later, both once more.
    expect(sae.calls).toEqual(['ns:prod', 'ns:stage', 'ns:prod', 'ns:prod', 'ns:stage']);
  });

  it('does not list again for a miss right after a listing', async () => {
    const dir = new AppDirectory({ store: new MemoryStore({ clock: new ManualClock() }) });
    const sae = fakeSae([{ appId: 'old-app', namespaceId: 'ns:prod' }]);
    expect(await dir.findNamespace('stranger', ['ns:prod'], sae.list)).toBeUndefined();
    expect(sae.calls).toEqual(['ns:prod']);
  });
});

describe('the namespace allowlist, through the alarm function', () => {
  let s: GuardStack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('aborts the failing release of an app created in an allowed namespace after the list was cached', async () => {
    s = await startGuardStack({ POLICY_ALLOW_NAMESPACE_IDS: 'cn-hangzhou:prod' });
    const first = newAppId('ns');
    s.sae.seedApp({ appId: first, namespaceId: 'cn-hangzhou:prod' });
    s.sae.startChangeOrder({ appId: first });
    expect((await s.alarm({ appId: first })).outcomes[0]?.outcome).toBe('aborted');
    s.clock.advance(MISS_RELIST_MS);
    const fresh = newAppId('ns');
    s.sae.seedApp({ appId: fresh, namespaceId: 'cn-hangzhou:prod' });
    const co = s.sae.startChangeOrder({ appId: fresh });

    const res = await s.alarm({ appId: fresh });

    expect(res.outcomes[0]).toMatchObject({ outcome: 'aborted', changeOrderId: co });
    expect(s.sae.callsTo('ListApplications')).toHaveLength(2);
  });
});
