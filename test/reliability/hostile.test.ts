import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeFcContext } from '../../lib/dev/fc-context.js';
import { httpTriggerEvent } from '../../lib/dev/http-event.js';
import { MAX_EVENT_BYTES } from '../../lib/events/types.js';
import type { AlarmResult } from '../../lib/handlers/alarm.js';
import { createConsumerHandler } from '../../lib/handlers/consumer.js';
import { outcomeSchema } from '../../lib/rollback/outcome.js';
import { type HostileInput, hostileCorpus, REAL_APP, REAL_CO } from '../fixtures/hostile/corpus.js';
import { STS, type Stack, startStack, TOPIC } from '../helpers/stack.js';

type Entry = AlarmResult['outcomes'][number];
type HttpAnswer = { statusCode: number; body: string };

const corpus = hostileCorpus();

describe('hostile corpus through the alarm and consumer handlers, against the emulators', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ LOG_LEVEL: 'warn' });
    // The release every hostile ID imitates: a parser that "cleans" an ID into it would abort it.
    s.sae.seedApp({ appId: REAL_APP, appName: 'hostile', versions: ['v1', 'v2'] });
    s.sae.startChangeOrder({ appId: REAL_APP, changeOrderId: REAL_CO, toVersion: 'v3', subStatus: 1 });
    s.sae.clearCalls();
  });
  afterAll(() => s.close());

  it(`holds at least 200 inputs (${corpus.length})`, () => {
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
  });

  /** Every record must be a reported rejection that says what was wrong. */
  function expectRejected(name: string, outcomes: Entry[], extra: { ignored: unknown[]; guard: unknown[] }) {
    expect(outcomes.length, name).toBeGreaterThan(0);
    for (const o of outcomes) {
      expect(o.outcome, `${name}: ${o.summary}`).toBe('rejected-input');
      expect(o.summary, name).toMatch(/^Rejected an? .+ event that can never be acted on: .{20,}/s);
    }
    expect(extra.ignored, name).toEqual([]);
    expect(extra.guard, name).toEqual([]);
  }

  const invokeAll = async (mode: string, run: (h: HostileInput) => Promise<void>) => {
    const crashes: string[] = [];
    // A few at a time, as concurrent FC invocations would arrive (and to keep the suite quick).
    for (let i = 0; i < corpus.length; i += 8) {
      await Promise.all(
        corpus.slice(i, i + 8).map((h) =>
          run(h).catch((err: unknown) => {
            crashes.push(`${h.name}: ${(err as Error)?.name}: ${(err as Error)?.message}`);
          }),
        ),
      );
    }
    expect(crashes, `${mode} crashed`).toEqual([]);
  };

  it('the consumer: no crash, no SAE call, every record rejected with a reason', async () => {
    const consume = createConsumerHandler(s.rt);
    await invokeAll('consumer', async (h) => {
      const context = fakeFcContext({ credentials: STS, functionName: 'sae-rollback-consumer' });
      s.rt.credentials.set(context.credentials);
      const res = await consume(h.bytes, context);
      expectRejected(h.name, res.outcomes, res);
      expect(res.retry, h.name).toBe(false);
    });
    expect(s.sae.calls).toEqual([]);
  });

  it('the alarm function, invoked directly: no crash, no SAE call, every record rejected', async () => {
    await invokeAll('alarm (direct)', async (h) => {
      const res = (await s.invoke(h.bytes)) as AlarmResult | HttpAnswer;
      if ('statusCode' in res) {
        // A malformed FC HTTP-trigger envelope is answered as the HTTP request it claims to be.
        expect(h.bytes.subarray(0, 40).toString(), h.name).toMatch(/^\{"version":"v1","rawPath"/);
        expect(res.statusCode, h.name).toBe(400);
        const body = JSON.parse(res.body) as AlarmResult;
        expectRejected(h.name, body.outcomes, body);
        return;
      }
      expectRejected(h.name, res.outcomes, res);
    });
    expect(s.sae.calls).toEqual([]);
  });

  it('the alarm function over HTTP: 400 (413 past the size limit) with the reasons, no crash, no SAE call', async () => {
    await invokeAll('alarm (http)', async (h) => {
      const event = httpTriggerEvent(h.bytes);
      const res = (await s.invoke(event)) as HttpAnswer | AlarmResult;
      const http = res as HttpAnswer;
      // Past the parser's limit an admitted caller (the trigger is open here) hears 413 and why.
      if (event.length > MAX_EVENT_BYTES) {
        expect(http.statusCode, h.name).toBe(413);
        expect(JSON.parse(http.body), h.name).toMatchObject({
          reason: expect.stringMatching(new RegExp(`limit is ${MAX_EVENT_BYTES}`)),
        });
        return;
      }
      expect(http.statusCode, h.name).toBe(400);
      const body = JSON.parse(http.body) as AlarmResult;
      expectRejected(h.name, body.outcomes, body);
    });
    expect(s.sae.calls).toEqual([]);
    expect(s.sae.getChangeOrder(REAL_CO)?.status).toBe(1);
  });

  it('published every rejection, schema-valid, with its reason', () => {
    const msgs = s.mns.messages(TOPIC).map((m) => outcomeSchema.parse(JSON.parse(m.body)));
    expect(msgs.length).toBeGreaterThanOrEqual(3 * corpus.length);
    for (const m of msgs) {
      expect(m.outcome).toBe('rejected-input');
      expect(m.reason?.length ?? 0).toBeGreaterThan(10);
      expect(m.sae).toEqual([]);
    }
  });
});
