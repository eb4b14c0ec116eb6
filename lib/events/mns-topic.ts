import { body, type Ctx, enter, obj, type Recurse, text } from './record.js';
import type { NormalizedRequest } from './types.js';

/**
 * MNS topic trigger. `notifyContentFormat: JSON` delivers `{TopicOwner, TopicName, Message, MessageId,
 * MessageMD5, PublishTime, Subscriber, SubscriptionName, …attributes}`; `STREAM` (the default) delivers
 * the raw message body — which the detector reads like any body — or `{body, attrs}` when the message
 * has attributes. `Message` / `body` may be Base64 of the real content (MNS recommends encoding bodies).
 */
export function looksMnsTopicJson(o: Record<string, unknown>): boolean {
  return 'Message' in o && 'MessageId' in o && ('TopicName' in o || 'TopicOwner' in o);
}

export function looksMnsStreamWithAttrs(o: Record<string, unknown>): boolean {
  const keys = Object.keys(o);
  return keys.length === 2 && 'body' in o && obj(o.attrs) !== undefined;
}

export function parseMnsTopicJson(o: Record<string, unknown>, ctx: Ctx, r: Recurse): NormalizedRequest[] {
  const id = text(o.MessageId);
  return body(o.Message, enter(ctx, 'mns-topic', '.Message', id ? `mns:${id}` : undefined), r, 'mns-topic');
}

export function parseMnsStream(o: Record<string, unknown>, ctx: Ctx, r: Recurse): NormalizedRequest[] {
  // STREAM carries no message ID: the content hash is the delivery identity.
  return body(o.body, enter(ctx, 'mns-topic', '.body'), r, 'mns-topic');
}
