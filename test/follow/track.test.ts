import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { trackRollback } from '../../lib/follow/track.js';
import { DEFAULT_FOLLOW_SETTINGS } from '../../lib/follow/types.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { buildOutcome } from '../../lib/rollback/records.js';

const rolledBack = (summary: string) =>
  buildOutcome(
    { alarm: { source: 'test' }, receivedAt: 0, appId: 'app-track-0001' },
    {},
    [],
    {
      outcome: 'rolled-back-application',
      changeOrderId: 'co-release-0001',
      appId: 'app-track-0001',
      summary,
    },
    { dryRun: false, now: 0 },
  );

describe('which change order a rollback follow-up watches (track.ts)', () => {
  const deps = () => {
    const clock = new ManualClock();
    return { store: new MemoryStore({ clock }), clock, settings: DEFAULT_FOLLOW_SETTINGS };
  };

  it("RollbackApplication's own change order, carried as a field — not read from the summary's words", async () => {
    const entry = await trackRollback(deps(), rolledBack('Rolled app back.'), 'co-started-00000001');
    expect(entry).toMatchObject({
      watchChangeOrderId: 'co-started-00000001',
      changeOrderId: 'co-release-0001',
    });
  });

  it('a summary naming some change order is not taken for the started one', async () => {
    const summary = 'Rolled app back (SAE change order co-in-the-words-0001).';
    expect(await trackRollback(deps(), rolledBack(summary))).toBeUndefined();
  });
});
