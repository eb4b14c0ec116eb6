import type { Outcome } from '../rollback/outcome.js';
import type { MnsTopicClient } from './mns-client.js';
import type { Notifier } from './notifier.js';

/**
 * Publishes each outcome as a JSON message on an MNS topic. The message tag is the outcome kind, so
 * subscriptions can filter (e.g. page only on `aborted` and `failed-*`).
 */
export class MnsNotifier implements Notifier {
  readonly channel = 'mns';
  readonly #client: MnsTopicClient;
  readonly #topic: string;

  constructor(opts: { client: MnsTopicClient; topic: string }) {
    this.#client = opts.client;
    this.#topic = opts.topic;
  }

  async publish(outcome: Outcome): Promise<{ messageId: string }> {
    const res = await this.#client.publish(this.#topic, {
      body: JSON.stringify(outcome),
      tag: outcome.outcome,
    });
    return { messageId: res.messageId };
  }
}
