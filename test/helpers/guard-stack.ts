import { afterEach } from 'vitest';
import { type CmsEmulator, startCmsEmulator } from '../../emulators/cms/index.js';
import { type MnsEmulator, startMnsEmulator } from '../../emulators/mns/index.js';
import { type SaeEmulator, startSaeEmulator } from '../../emulators/sae/index.js';
import { ManualClock, systemClock } from '../../lib/clock.js';
import { loadConfig } from '../../lib/config.js';
import { fakeFcContext } from '../../lib/dev/fc-context.js';
import { httpTriggerEvent } from '../../lib/dev/http-event.js';
import type { GuardReport } from '../../lib/guard/index.js';
import { createAlarmHandler } from '../../lib/handlers/alarm.js';
import { createConsumerHandler } from '../../lib/handlers/consumer.js';
import { createGuardHandler } from '../../lib/handlers/guard.js';
import type { InvocationSummary } from '../../lib/handlers/records.js';
import { memoryLogger } from '../../lib/log.js';
import { type Outcome, outcomeSchema } from '../../lib/rollback/outcome.js';
import { createRuntime, type Runtime } from '../../lib/runtime.js';
import { openUnlessAuthGiven, STS, TOPIC } from './stack.js';

export { STS, TOPIC };

/** SAE calls that change something: a test that expects "nothing changed" finds none of these. */
export const MUTATING_ACTIONS: ReadonlySet<string> = new Set([
  'AbortAndRollbackChangeOrder',
  'RollbackApplication',
]);

/** SAE, MNS and CloudMonitor emulators and a runtime, all on one {@link ManualClock} the test moves. */
export interface GuardStack {
  sae: SaeEmulator;
  mns: MnsEmulator;
  cms: CmsEmulator;
  clock: ManualClock;
  rt: Runtime;
  logs: string[];
  /** One timer tick of the guard function. */
  tick(): Promise<GuardReport>;
  /** A JSON body through the alarm function's HTTP trigger; the parsed answer body. */
  alarm(body: unknown): Promise<InvocationSummary>;
  /** An event through the consumer function. */
  consume(event: unknown): Promise<unknown>;
  /** Outcomes published on the topic so far, oldest first. */
  published(): Outcome[];
  /** Mutating SAE calls so far. */
  mutations(): Array<{ action: string; query: Record<string, string> }>;
  close(): Promise<void>;
}

export const TIMER_EVENT = {
  triggerTime: '2026-11-29T03:00:00Z',
  triggerName: 'guard-every-minute',
  payload: '',
};

/**
 * The clock starts at real time: SDK signatures (x-acs-date) are checked against the system clock, while
 * every emulated time — CreateTime, FinishTime, MNS dates, TTLs, the budget — follows the manual one.
 */
export async function startGuardStack(env: Record<string, string> = {}): Promise<GuardStack> {
  const clock = new ManualClock(Date.now());
  const sae = await startSaeEmulator({ credentials: [STS], clock, signatureClock: systemClock });
  const mns = await startMnsEmulator({ credentials: [STS], topics: [TOPIC], clock });
  const cms = await startCmsEmulator({ credentials: [STS], clock, signatureClock: systemClock });
  const logger = memoryLogger('debug');
  const config = loadConfig({
    SAE_REGION: 'cn-hangzhou',
    SAE_ENDPOINT: sae.endpoint,
    SAE_PROTOCOL: 'http',
    SAE_READ_TIMEOUT_MS: '1500',
    SAE_CONNECT_TIMEOUT_MS: '1500',
    CMS_ENDPOINT: cms.endpoint,
    CMS_PROTOCOL: 'http',
    MNS_ENDPOINT: mns.url,
    MNS_TOPIC: TOPIC,
    MNS_TIMEOUT_MS: '1500',
    // The alarm path here is about what the guard and the alarms share; HTTP auth is test/security/'s.
    ...openUnlessAuthGiven(env),
    ...env,
  });
  const rt = createRuntime(config, {
    clock,
    logger,
    fallbackCredentials: {
      get: () => Promise.reject(new Error('tests must pass credentials in the FC context')),
    },
  });
  const guard = createGuardHandler(rt);
  const alarm = createAlarmHandler(rt);
  const consumer = createConsumerHandler(rt);
  const context = (functionName: string) => {
    const c = fakeFcContext({ credentials: STS, functionName });
    rt.credentials.set(c.credentials);
    return c;
  };
  return {
    sae,
    mns,
    cms,
    clock,
    rt,
    logs: logger.lines,
    tick: () => guard(Buffer.from(JSON.stringify(TIMER_EVENT)), context('sae-rollback-guard')),
    async alarm(body) {
      const res = (await alarm(httpTriggerEvent(JSON.stringify(body)), context('sae-rollback-alarm'))) as {
        body: string;
      };
      return JSON.parse(res.body) as InvocationSummary;
    },
    consume: (event) => consumer(Buffer.from(JSON.stringify(event)), context('sae-rollback-consumer')),
    published: () => mns.messages(TOPIC).map((m) => outcomeSchema.parse(JSON.parse(m.body))),
    mutations: () => sae.calls.filter((c) => MUTATING_ACTIONS.has(c.action)),
    async close() {
      await Promise.all([sae.close(), mns.close(), cms.close()]);
    },
  };
}

let seq = 0;
/** A fresh, valid app ID (8–64 letters, digits, -). */
export function newAppId(prefix = 'guard'): string {
  return `${prefix}-0099b7be-${String(++seq).padStart(6, '0')}-${Math.random().toString(16).slice(2, 8)}`;
}

/**
 * One guard stack per test, closed after it: `const stack = useGuardStack()` in a describe, then
 * `const s = await stack.start(env)` in each test (instead of a `let s` and an afterEach in every file).
 */
export function useGuardStack(): { start(env?: Record<string, string>): Promise<GuardStack> } {
  let open: GuardStack | undefined;
  afterEach(async () => {
    await open?.close();
    open = undefined;
  });
  return {
    start: async (env) => {
      open = await startGuardStack(env);
      return open;
    },
  };
}
