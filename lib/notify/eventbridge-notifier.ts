import type { Outcome } from '../rollback/outcome.js';
import { NotifyChannel } from './errors.js';
import type { EventBridgeClient } from './eventbridge-client.js';
import type { Notifier } from './notifier.js';

/**
 * Publishes each outcome as a CloudEvent on an EventBridge bus (type `sae-rollback:Outcome:<outcome>`, id = the
 * outcome's message ID), from where rules route it to RocketMQ, Kafka, MNS, SLS, HTTP or DingTalk targets.
 * The returned message ID is the event ID EventBridge acknowledged (the outcome's message ID).
 */
export class EventBridgeNotifier implements Notifier {
  readonly channel = NotifyChannel.eventbridge;
  readonly #client: EventBridgeClient;

  constructor(opts: { client: EventBridgeClient }) {
    this.#client = opts.client;
  }

  /** @throws {NotifyError} the request's or the entry's failure; `retryable` per HTTP status or entry ErrorCode. */
  async publish(outcome: Outcome): Promise<{ messageId: string }> {
    const [result] = await this.#client.publishBatch([outcome]);
    if (result === undefined) throw new Error('EventBridge client returned no result for the event');
    if (!result.ok) throw result.error;
    return { messageId: result.eventId };
  }
}
