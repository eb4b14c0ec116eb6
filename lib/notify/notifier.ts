import type { Outcome } from '../rollback/outcome.js';

/** A channel outcomes are published on (MNS topic now; DingTalk, webhook, EventBridge later). */
export interface Notifier {
  readonly channel: string;
  /** Publishes one outcome. Throws a `NotifyError` (with `retryable`) on failure. */
  publish(outcome: Outcome): Promise<{ messageId: string }>;
}
