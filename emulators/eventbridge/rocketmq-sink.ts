/**
 * A stand-in for the RocketMQ topic an EventBridge rule targets: an in-process store of messages per topic, with
 * subscribers, so the demo and the tests can show an outcome reaching a consumer. Messages look like what a
 * RocketMQ consumer gets from EventBridge's RocketMQ target with its defaults: the body is the whole CloudEvent
 * (JSON), the key is the event id (consumers deduplicate on it), the tag is the event type.
 */
import { randomUUID } from 'node:crypto';

/** One message on a topic. */
export interface RocketMqMessage {
  topic: string;
  msgId: string;
  /** The event id: stable across re-sends of the same outcome. */
  keys: string;
  /** The event type, e.g. `sae-rollback:Outcome:aborted`. */
  tags: string;
  /** The CloudEvent as JSON. */
  body: string;
  bornTimestamp: number;
}

export type RocketMqListener = (message: RocketMqMessage) => void;

/** The topics of one emulated RocketMQ instance. */
export class RocketMqSink {
  #messages: RocketMqMessage[] = [];
  readonly #listeners = new Map<string, Set<RocketMqListener>>();

  /** Appends a message and hands it to the topic's subscribers (a throwing subscriber never blocks routing). */
  deliver(topic: string, message: Omit<RocketMqMessage, 'topic' | 'msgId'>): RocketMqMessage {
    const stored: RocketMqMessage = {
      topic,
      msgId: randomUUID().replace(/-/g, '').toUpperCase(),
      ...message,
    };
    this.#messages.push(stored);
    for (const listener of this.#listeners.get(topic) ?? []) {
      try {
        listener(structuredClone(stored));
      } catch {
        // A consumer's bug is the consumer's; the message stays on the topic.
      }
    }
    return stored;
  }

  /** Messages, oldest first, optionally for one topic. */
  messages(topic?: string): RocketMqMessage[] {
    return structuredClone(
      topic === undefined ? this.#messages : this.#messages.filter((m) => m.topic === topic),
    );
  }

  /** Calls `listener` for every later message on `topic`; returns the unsubscribe function. */
  subscribe(topic: string, listener: RocketMqListener): () => void {
    const set = this.#listeners.get(topic) ?? new Set<RocketMqListener>();
    set.add(listener);
    this.#listeners.set(topic, set);
    return () => void set.delete(listener);
  }

  /** Drops every message (subscriptions stay). */
  clear(): void {
    this.#messages = [];
  }
}
