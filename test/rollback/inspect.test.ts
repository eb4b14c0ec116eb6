import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { AppDirectory } from '../../lib/policy/namespaces.js';
import { Policy } from '../../lib/policy/policy.js';
import type { Ctx } from '../../lib/rollback/context.js';
import { notReleaseKey, typeKey } from '../../lib/rollback/drafts.js';
import { inspect } from '../../lib/rollback/inspect.js';
import { buildOutcome } from '../../lib/rollback/records.js';
import { DEFAULT_RELEASE_RULES } from '../../lib/rollback/release-rules.js';
import type { ChangeOrder } from '../../lib/sae/types.js';
import { FakeSae } from '../helpers/fake-sae.js';

const CO = 'co-inspect-0001';
const APP = 'app-inspect-0001';
const co = (c: Partial<ChangeOrder> = {}): ChangeOrder => ({
  changeOrderId: CO,
  appId: APP,
  appName: 'checkout',
  status: 1,
  subStatus: 0,
  coTypeCode: 'CoDeploy',
  ...c,
});

function setup(policy?: Policy) {
  const store = new MemoryStore({ clock: new ManualClock() });
  const req = { alarm: { source: 'test' }, receivedAt: 0 };
  const x: Ctx = {
    req,
    sae: new FakeSae(),
    app: undefined,
    call: async (_a, fn) => (await fn()).data,
    finish: (d) => buildOutcome(req, {}, [], d, { dryRun: false, now: 0 }),
    trace: [],
    workUntil: Number.POSITIVE_INFINITY,
  };
  const o = {
    store,
    retentionMs: 86_400_000,
    failureRetentionMs: 300_000,
    policy,
    rules: DEFAULT_RELEASE_RULES,
    directory: new AppDirectory({ store }),
  };
  return { store, x, o };
}

describe('the inspect step (inspect.ts)', () => {
  it('a running release of the named app is one to act on, its type remembered', async () => {
    const { store, x, o } = setup();
    const seen = await inspect(o, CO, co(), APP, x);
    expect(seen).toMatchObject({
      kind: 'release',
      base: { changeOrderId: CO, appId: APP, appName: 'checkout', changeOrderStatus: 1 },
    });
    expect(await store.getValue(typeKey(CO))).toBe('CoDeploy');
    expect(x.note).toBeUndefined();
  });

  it('a change order of another app: refused, noted for the failure retention under the mismatch', async () => {
    const { x, o } = setup();
    const seen = await inspect(o, CO, co(), 'app-other', x);
    expect(seen.kind === 'refused' && seen.outcome.outcome).toBe('failed-permanent');
    expect(x.note).toEqual({ key: `sae-rollback:mismatch:app-other:${CO}`, ttlMs: 300_000 });
  });

  it('named only by change order, its app opted out: refused by the policy, noted for the retention', async () => {
    const { x, o } = setup(new Policy({ optOutAppIds: [APP] }));
    const seen = await inspect(o, CO, co(), undefined, x);
    expect(seen.kind === 'refused' && seen.outcome.outcome).toBe('refused');
    expect(x.note).toEqual({ key: `sae-rollback:refused:opt-out:co:${CO}`, ttlMs: 86_400_000 });
  });

  it('a finished change order goes to the act step as finished', async () => {
    const { x, o } = setup();
    expect((await inspect(o, CO, co({ status: 2 }), APP, x)).kind).toBe('finished');
  });

  it('a scale-out is not a release: refused and noted under the not-a-release key', async () => {
    const { store, x, o } = setup();
    const seen = await inspect(o, CO, co({ coTypeCode: 'CoScaleOut' }), APP, x);
    expect(seen.kind === 'refused' && seen.outcome.outcome).toBe('refused');
    expect(x.note).toEqual({ key: notReleaseKey(CO), ttlMs: 86_400_000 });
    expect(await store.getValue(typeKey(CO))).toBe('CoScaleOut');
  });
});
