import type { Outcome } from '../rollback/outcome.js';

export interface PublishOptions {
  deadline?: number;
}

/** A channel outcomes are published on (MNS topic now; DingTalk, webhook, EventBridge later). */
export interface Notifier {
  readonly channel: string;
  /**
   * Publishes one outcome. Throws a `NotifyError` (with `retryable`) on failure. `deadline` (epoch ms) is
   * when the invocation must be done: retrying channels never wait past it.
   */
  publish(outcome: Outcome, opts?: PublishOptions): Promise<{ messageId: string }>;
}
