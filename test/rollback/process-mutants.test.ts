// What publishAll hands each channel and what it reports back per channel: the deadline passed on
// only when there is one, the error text an SRE reads, and retry-vs-acknowledge from `retryable`.
import { describe, expect, it } from 'vitest';
import type { Notifier } from '../../lib/notify/notifier.js';
import { publishAll } from '../../lib/rollback/process.js';
import { makeOutcome } from '../helpers/outcome.js';

/** A channel that records what it was asked to send and answers as told. */
function channel(name: string, answer: () => Promise<{ messageId: string }>) {
  const seen: unknown[] = [];
  const n: Notifier = {
    channel: name,
    publish: (_o, opts) => {
      seen.push(opts);
      return answer();
    },
  };
  return { n, seen };
}

describe('publishAll', () => {
  it('passes the deadline to each channel only when the invocation has one', async () => {
    const a = channel('mns', async () => ({ messageId: 'm-1' }));
    await publishAll([a.n], makeOutcome());
    await publishAll([a.n], makeOutcome(), 12_345);
    expect(a.seen).toEqual([{}, { deadline: 12_345 }]);
  });

  it("reports the channel's error message, or the thrown value itself when it has none", async () => {
    const withMessage = channel('mns', () => Promise.reject(new Error('topic gone')));
    const bare = channel('webhook', () => Promise.reject('socket hang up'));
    const ok = channel('dingtalk', async () => ({ messageId: 'd-1' }));

    const pubs = await publishAll([withMessage.n, bare.n, ok.n], makeOutcome());

    expect(pubs).toEqual([
      { channel: 'mns', ok: false, error: 'topic gone', retryable: true },
      { channel: 'webhook', ok: false, error: 'socket hang up', retryable: true },
      { channel: 'dingtalk', ok: true, messageId: 'd-1' },
    ]);
  });

  it('a channel saying retryable: false is acknowledged, true or a non-boolean is retried', async () => {
    const fail = (retryable: unknown) => () => Promise.reject(Object.assign(new Error('x'), { retryable }));
    const pubs = await publishAll(
      [channel('a', fail(false)).n, channel('b', fail(true)).n, channel('c', fail('no')).n],
      makeOutcome(),
    );
    expect(pubs.map((p) => [p.channel, p.retryable])).toEqual([
      ['a', false],
      ['b', true],
      ['c', true],
    ]);
  });
});
