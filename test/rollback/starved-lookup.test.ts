// A budget-starved look-up before any claim (an alarm naming only the app, during a storm) answers
// "retry" and is not published; if the platform never redelivers (CloudMonitor gives up after 3
// callbacks, an operator's one-off request), the orphan journal must still hold it, so the guard's
// sweep finishes it once the budget has tokens again.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { sweepOrphans } from '../../lib/guard/orphans.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { memoryLogger } from '../../lib/log.js';
import { PENDING_INDEX } from '../../lib/rollback/pending.js';
import { processRequest } from '../../lib/rollback/process.js';
import type { RollbackRequest } from '../../lib/rollback/types.js';
import { starvedCore } from '../helpers/core-fixture.js';
import { FakeSae } from '../helpers/fake-sae.js';

const APP = 'app-starved-0000-0000-0000-000000000001';

describe('a budget-starved look-up of an app-named alarm', () => {
  it('is kept in the orphan journal and finished by the sweep, once', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const sae = new FakeSae();
    sae.addChangeOrder({ changeOrderId: 'co-starved', appId: APP });
    const core = await starvedCore({ sae, store, clock }); // the storm spent the budget
    const req: RollbackRequest = {
      appId: APP,
      alarm: { source: 'cloudmonitor', name: '5xx' },
      receivedAt: clock.now(),
    };

    const d = await core.decide(req, { deadline: clock.now() + 5_000 });

    expect(d).toMatchObject({ retry: true, outcome: { outcome: 'failed-retryable' } });
    expect(d.publish).toBeUndefined();
    expect(sae.calls).toEqual([]);
    const journal = await store.indexList(PENDING_INDEX, 10);
    expect(journal).toHaveLength(1);

    // No redelivery. The next guard run, with the budget back:
    clock.advance(70_000);
    // The guard's in-process dispatch: the core, then publication (none configured here), then the
    // journal entry of the change order goes.
    const logger = memoryLogger('error');
    const dispatch = async (r: RollbackRequest) => {
      const x = await processRequest({ core, store, notifiers: [], logger }, r, {});
      return { outcome: x.outcome.outcome, retry: x.retry };
    };
    const swept = await sweepOrphans({ store, dispatch, now: clock.now(), inv: {} });
    expect(swept.orphans).toMatchObject([{ appId: APP, outcome: 'aborted' }]);
    expect(sae.changeOrders.get('co-starved')?.status).toBe(6);
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(1);
    // Finished: the next sweeps find nothing of it.
    clock.advance(120_000);
    const again = await sweepOrphans({ store, dispatch, now: clock.now(), inv: {} });
    expect(again.orphans).toEqual([]);
    expect(await store.indexList(PENDING_INDEX, 10)).toEqual([]);
    expect(sae.count('AbortAndRollbackChangeOrder')).toBe(1);
  });
});
