import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { Policy } from '../../lib/policy/policy.js';
import { Valves } from '../../lib/policy/valves.js';
import { passValves } from '../../lib/rollback/valves-step.js';

const target = (n: number) => ({ appId: `app-${n}`, changeOrderId: `co-${n}`, changes: 1 });

describe('the valves step (valves-step.ts)', () => {
  const valves = (globalCap: number) =>
    new Valves({
      store: new MemoryStore({ clock: new ManualClock() }),
      settings: { globalCap, cooldownMs: 0 },
    });

  it('without valves or policy: go, nothing to give back', async () => {
    expect(await passValves({ valves: undefined, policy: undefined }, target(1))).toEqual({
      kind: 'go',
      undo: undefined,
    });
  });

  it('past the global cap: suppressed, naming the valve and why', async () => {
    const v = valves(1);
    expect((await passValves({ valves: v, policy: undefined }, target(1))).kind).toBe('go');
    const second = await passValves({ valves: v, policy: undefined }, target(2));
    expect(second).toMatchObject({ kind: 'suppressed', valve: 'global-cap' });
    expect(second.kind === 'suppressed' && second.reason).toMatch(/\S/);
  });

  it("go's undo gives the cap slot back when the rollback then does not happen", async () => {
    const v = valves(1);
    const first = await passValves({ valves: v, policy: undefined }, target(1));
    if (first.kind !== 'go') throw new Error(first.kind);
    await first.undo?.();
    expect((await passValves({ valves: v, policy: undefined }, target(2))).kind).toBe('go');
  });

  it('dry-run: no rollback, and the slot it took is given back at once', async () => {
    const v = valves(1);
    const policy = new Policy({ dryRun: true });
    expect(await passValves({ valves: v, policy }, target(1))).toEqual({ kind: 'dry-run' });
    expect((await passValves({ valves: v, policy: undefined }, target(2))).kind).toBe('go');
  });

  it('a closed valve wins over dry-run (the dry run says what the real run would do)', async () => {
    const v = valves(1);
    await passValves({ valves: v, policy: undefined }, target(1));
    const policy = new Policy({ dryRun: true });
    expect((await passValves({ valves: v, policy }, target(2))).kind).toBe('suppressed');
  });
});
