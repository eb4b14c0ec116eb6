import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { Policy } from '../../lib/policy/policy.js';
import { RollbackCore } from '../../lib/rollback/core.js';
import { coreFixture } from '../helpers/core-fixture.js';

const CO = 'ba386059-69b1-4e65-b1e5-0682d9fa0251';
const APP = 'app-0099b7be-5f5b-4512-a7fc-56049ef10251';
const MIN = 60_000;

/** Records every value written, as the Store port receives it. */
class WritesStore extends MemoryStore {
  readonly writes: Array<[string, unknown]> = [];
  override putValue(key: string, value: string, ttlMs: number): Promise<void> {
    this.writes.push([key, value]);
    return super.putValue(key, value, ttlMs);
  }
}

describe('the inspect step: refusals an SRE can act on (inspect.ts)', () => {
  const f = coreFixture(CO, APP);

  it('an alarm whose app and change order do not match says so and what to fix', async () => {
    const { sae, store, clock, req } = f;
    const d = await new RollbackCore({ sae, store, clock }).decide(
      req({ changeOrderId: CO, appId: 'app-other' }),
    );
    expect(d.outcome).toMatchObject({
      outcome: 'failed-permanent',
      summary: `Refused: change order ${CO} belongs to app ${APP}, but the alarm is about app app-other.`,
      reason: 'The alarm names an app and a change order that do not match; fix the alarm configuration.',
    });
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(0);
  });

  it('a change order named alone, of an opted-out app: the refusal names the change order and the rule', async () => {
    const { sae, store, clock, req } = f;
    const core = new RollbackCore({ sae, store, clock, policy: new Policy({ optOutAppIds: [APP] }) });
    const d = await core.decide(req({ changeOrderId: CO }));
    expect(d.outcome.outcome).toBe('refused');
    expect(d.outcome.summary).toBe(
      `Refused to roll back change order ${CO}: the rollback policy (opt-out) does not allow it.`,
    );
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(0);
  });

  it('a change order SAE describes without a type: refused, and no type is remembered for it', async () => {
    const { sae, clock, req } = f;
    const store = new WritesStore({ clock });
    const co = sae.changeOrders.get(CO);
    if (co) delete co.coTypeCode;
    const d = await new RollbackCore({ sae, store, clock }).decide(req({ changeOrderId: CO }));
    expect(d.outcome.outcome).toBe('refused');
    expect(d.outcome.summary).toContain('a change of unknown type');
    expect(store.writes.filter(([key]) => key.includes(':type'))).toEqual([]);
    expect(store.writes.every(([, value]) => typeof value === 'string')).toBe(true);
  });
});

describe('the inspect step: each refusal is reported once per condition, and only that condition (inspect.ts)', () => {
  const f = coreFixture(CO, APP);

  it('a release waiting for approval, then approved and waiting, then running: refused in each waiting state once, then aborted', async () => {
    const { sae, store, clock, req } = f;
    const core = new RollbackCore({ sae, store, clock });
    const alarm = () => core.decide(req({ changeOrderId: CO })).then((d) => d.outcome.outcome);
    const status = (s: number) => sae.addChangeOrder({ changeOrderId: CO, appId: APP, status: s });

    status(11);
    const pending = [await alarm(), await alarm()];
    status(12);
    const approved = [await alarm(), await alarm()];
    status(1);
    const started = await alarm();

    expect(pending).toEqual(['refused', 'duplicate']);
    expect(approved).toEqual(['refused', 'duplicate']);
    expect(started).toBe('aborted');
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(1);
  });

  it('alarms that began before the release started: each alarm refused once, a repeat of one a duplicate', async () => {
    const { sae, store, clock, req } = f;
    // The release started 2 min ago; both alarms have fired since 5 min ago (not evidence against it).
    sae.addChangeOrder({ changeOrderId: CO, appId: APP, createTime: String(clock.now() - 2 * MIN) });
    const firedAt = new Date(clock.now() - 5 * MIN).toISOString();
    const core = new RollbackCore({ sae, store, clock });
    const alarm = (name: string) =>
      core
        .decide(req({ changeOrderId: CO, alarm: { source: 'cloudmonitor', name, firedAt } }))
        .then((d) => d.outcome);

    const cpu = await alarm('cpu');
    const rt = await alarm('rt');
    const cpuAgain = await alarm('cpu');

    expect(cpu).toMatchObject({ outcome: 'refused' });
    expect(cpu.reason).toMatch(/^pre-release-alarm: /);
    expect(rt).toMatchObject({ outcome: 'refused' });
    expect(cpuAgain).toMatchObject({ outcome: 'duplicate', original: { outcome: 'refused' } });
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(0);
  });
});
