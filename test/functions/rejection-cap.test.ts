import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeFcContext } from '../../lib/dev/fc-context.js';
import { createConsumerHandler } from '../../lib/handlers/consumer.js';
import { MAX_PUBLISHED_REJECTIONS } from '../../lib/handlers/records.js';
import { outcomeSchema } from '../../lib/rollback/outcome.js';
import { STS, type Stack, startStack, TOPIC } from '../helpers/stack.js';

describe('a junk batch cannot flood the topic', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack();
  });
  afterAll(() => s.close());

  it('publishes the first rejections one by one and the rest as one summary, answering all of them', async () => {
    const consumer = createConsumerHandler(s.rt);
    const batch = Array.from({ length: 30 }, (_, i) => ({ ChangeOrderId: `bad id ${i}` }));
    const before = s.mns.messages(TOPIC).length;
    const context = fakeFcContext({ credentials: STS, functionName: 'sae-rollback-consumer' });
    s.rt.credentials.set(context.credentials);

    const res = (await consumer(Buffer.from(JSON.stringify(batch)), context)) as { outcomes: unknown[] };

    expect(res.outcomes).toHaveLength(30);
    const published = s.mns
      .messages(TOPIC)
      .slice(before)
      .map((m) => outcomeSchema.parse(JSON.parse(m.body)));
    expect(published).toHaveLength(MAX_PUBLISHED_REJECTIONS + 1);
    expect(published.every((o) => o.outcome === 'rejected-input')).toBe(true);
    expect(published.at(-1)?.reason).toMatch(/^20 more records of this event were rejected/);
    expect(s.sae.calls).toHaveLength(0);
  });
});
