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

  /**
   * Runs every input through `run` (which answers how many rejections it was told of), then checks what
   * this run published — each test its own, so none relies on another having run first: at least one
   * rejection per rejected input (a batch's identical rejections are published once), each schema-valid
   * with its reason.
   */
  const invokeAll = async (mode: string, run: (h: HostileInput) => Promise<number>) => {
    const before = s.mns.messages(TOPIC).length;
    let rejections = 0;
    let rejected = 0;
    const crashes: string[] = [];
    // A few at a time, as concurrent FC invocations would arrive (and to keep the suite quick).
    for (let i = 0; i < corpus.length; i += 8) {
      await Promise.all(
        corpus.slice(i, i + 8).map(async (h) => {
          try {
            const n = await run(h);
            rejections += n;
            if (n > 0) rejected += 1;
          } catch (err) {
            crashes.push(`${h.name}: ${(err as Error)?.name}: ${(err as Error)?.message}`);
          }
        }),
      );
    }
    expect(crashes, `${mode} crashed`).toEqual([]);
    expect(rejected, mode).toBeGreaterThanOrEqual(corpus.length / 2);
    const msgs = s.mns
      .messages(TOPIC)
      .slice(before)
      .map((m) => outcomeSchema.parse(JSON.parse(m.body)));
    expect(msgs.length, `${mode} published`).toBeGreaterThanOrEqual(rejected);
    expect(msgs.length, `${mode} published`).toBeLessThanOrEqual(rejections);
    for (const m of msgs) {
      expect(m.outcome, mode).toBe('rejected-input');
      expect(m.reason?.length ?? 0, mode).toBeGreaterThan(10);
      expect(m.sae, mode).toEqual([]);
    }
  };

  it('the consumer: no crash, no SAE call, every record rejected with a reason', async () => {
    const consume = createConsumerHandler(s.rt);
    await invokeAll('consumer', async (h) => {
      const context = fakeFcContext({ credentials: STS, functionName: 'sae-rollback-consumer' });
      s.rt.credentials.set(context.credentials);
      const res = await consume(h.bytes, context);
      expectRejected(h.name, res.outcomes, res);
      expect(res.retry, h.name).toBe(false);
      return res.outcomes.length;
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
        return body.outcomes.length;
      }
      expectRejected(h.name, res.outcomes, res);
      return res.outcomes.length;
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
        return 0;
      }
      expect(http.statusCode, h.name).toBe(400);
      const body = JSON.parse(http.body) as AlarmResult;
      expectRejected(h.name, body.outcomes, body);
      return body.outcomes.length;
    });
    expect(s.sae.calls).toEqual([]);
    expect(s.sae.getChangeOrder(REAL_CO)?.status).toBe(1);
  });
});
