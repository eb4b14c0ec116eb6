import type { Clock } from '../clock.js';
import type { Config } from '../config-types.js';
import type { CredentialSource } from '../credentials.js';
import { lazyPort } from '../lazy.js';
import type { NotifyChannel } from './errors.js';
import type { MnsTopicClient } from './mns-client.js';
import { MnsNotifier } from './mns-notifier.js';
import type { Notifier } from './notifier.js';
import { RetryingNotifier } from './retrying.js';

/**
 * MNS (always) plus DingTalk, the webhook and EventBridge when configured, each retrying its own transient
 * failures. Credentials are read per publish (EventBridge, like MNS, signs with the invocation's STS triple).
 */
export function buildNotifiers(
  config: Config,
  mns: MnsTopicClient,
  clock: Clock,
  credentials: CredentialSource,
): Notifier[] {
  const { dingtalk, webhook, eventbridge, retry } = config.notify;
  const channels: Notifier[] = [new MnsNotifier({ client: mns, topic: config.mns.topic })];
  // Each optional channel's module is loaded on its first publish, and only when configured.
  const later = (channel: NotifyChannel, load: () => Promise<Notifier>) =>
    channels.push(lazyPort<Notifier>(load, { channel }));
  if (dingtalk)
    later(
      'dingtalk',
      async () => new (await import('./dingtalk.js')).DingTalkNotifier({ ...dingtalk, clock }),
    );
  if (webhook)
    later('webhook', async () => new (await import('./webhook.js')).WebhookNotifier({ ...webhook, clock }));
  if (eventbridge)
    later('eventbridge', async () => {
      const { EventBridgeClient } = await import('./eventbridge-client.js');
      const { EventBridgeNotifier } = await import('./eventbridge-notifier.js');
      const client = new EventBridgeClient({ ...eventbridge, credentials: () => credentials.get(), clock });
      return new EventBridgeNotifier({ client });
    });
  return channels.map((n) => new RetryingNotifier(n, { ...retry, clock }));
}
