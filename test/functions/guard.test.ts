import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CmsEmulator, startCmsEmulator } from '../../emulators/cms/index.js';
import { type MnsEmulator, startMnsEmulator } from '../../emulators/mns/index.js';
import { type SaeEmulator, startSaeEmulator } from '../../emulators/sae/index.js';
import { fakeFcContext } from '../../lib/dev/fc-context.js';
import type { GuardReport } from '../../lib/guard/index.js';
import type { InvocationSummary } from '../../lib/handlers/records.js';
import { outcomeSchema } from '../../lib/rollback/outcome.js';
import { type GuardStack, STS, startGuardStack, TIMER_EVENT, TOPIC } from '../helpers/guard-stack.js';
import { fixture } from '../helpers/http-event.js';

const SICK = 'fn-guard-0000-0000-0000-000000000001';
const FINE = 'fn-guard-0000-0000-0000-000000000002';

/** functions/guard.ts as FC loads it: config from the environment at cold start, middy, a timer event. */
describe('functions/guard.ts (timer trigger)', () => {
  let sae: SaeEmulator;
  let mns: MnsEmulator;
  let cms: CmsEmulator;
  let handler: (event: unknown, context: unknown) => Promise<unknown>;

  beforeAll(async () => {
    sae = await startSaeEmulator({ credentials: [STS] });
    mns = await startMnsEmulator({ credentials: [STS], topics: [TOPIC] });
    cms = await startCmsEmulator({ credentials: [STS] });
    const env: Record<string, string> = {
      SAE_REGION: 'cn-hangzhou',
      SAE_ENDPOINT: sae.endpoint,
      SAE_PROTOCOL: 'http',
      CMS_ENDPOINT: cms.endpoint,
      CMS_PROTOCOL: 'http',
      MNS_ENDPOINT: mns.url,
      MNS_TOPIC: TOPIC,
      WATCH_APP_IDS: `${SICK},${FINE}`,
      LOG_LEVEL: 'error',
    };
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
    ({ handler } = (await import('../../functions/guard.js')) as unknown as { handler: typeof handler });
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await Promise.all([sae.close(), mns.close(), cms.close()]);
  });

  it('aborts the watched app whose release has an exception, once, and publishes it', async () => {
    sae.seedApp({ appId: SICK, versions: ['v1', 'v2'] });
    sae.seedApp({ appId: FINE, versions: ['v1', 'v2'] });
    const co = sae.startChangeOrder({ appId: SICK, toVersion: 'v3', subStatus: 1 });
    sae.startChangeOrder({ appId: FINE, toVersion: 'v3' });
    const context = () =>
      fakeFcContext({ credentials: STS, functionName: 'sae-rollback-guard', timeoutSeconds: 60 });

    const report = (await handler(Buffer.from(JSON.stringify(TIMER_EVENT)), context())) as GuardReport;
    const second = (await handler(Buffer.from(JSON.stringify(TIMER_EVENT)), context())) as GuardReport;

    expect(report.checked.sort()).toEqual([SICK, FINE].sort());
    expect(report.findings).toMatchObject([
      { appId: SICK, condition: 'release-exception', outcome: 'aborted' },
    ]);
    expect(second.findings.filter((f) => f.outcome === 'aborted')).toEqual([]);
    expect(sae.callsTo('AbortAndRollbackChangeOrder').map((c) => c.query.ChangeOrderId)).toEqual([co]);
    expect(sae.callsTo('RollbackApplication')).toEqual([]);
    const published = mns.messages(TOPIC).map((m) => outcomeSchema.parse(JSON.parse(m.body)));
    expect(published).toMatchObject([{ outcome: 'aborted', changeOrderId: co, alarm: { source: 'guard' } }]);
    expect(cms.callsTo('DescribeMetricRuleList')).toHaveLength(2); // one per run, for both apps
  });
});

describe('a timer tick reaching the consumer function runs the guard', () => {
  let s: GuardStack;
  beforeAll(async () => {
    s = await startGuardStack({ WATCH_APP_IDS: SICK });
  });
  afterAll(() => s.close());
  afterEach(() => s.sae.reset());

  it('runs one guard pass and reports it beside the tick', async () => {
    s.sae.seedApp({ appId: SICK, versions: ['v1', 'v2'] });
    const co = s.sae.startChangeOrder({ appId: SICK, toVersion: 'v3', subStatus: 1 });

    const res = (await s.consume(JSON.parse(fixture('timer.json').toString('utf8')))) as InvocationSummary;

    expect(res.guard).toHaveLength(1);
    expect(res.guard[0]?.reason).toMatch(/guard tick, not a rollback request/);
    expect(res.guard[0]?.report?.findings).toMatchObject([{ changeOrderId: co, outcome: 'aborted' }]);
    expect(s.mutations().map((c) => c.query.ChangeOrderId)).toEqual([co]);
    expect(res.retry).toBe(false);
  });
});
