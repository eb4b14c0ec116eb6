/**
 * The CloudEvents 1.0 envelope an outcome travels in on an EventBridge bus (structured JSON mode, one element of
 * the `application/cloudevents-batch+json` array PutEvents takes).
 *
 * - `id`: the outcome's `messageId`, stable across redeliveries, so a consumer deduplicates on it (EventBridge
 *   passes it through to targets; RocketMQ targets can also use it as the message key).
 * - `source`: configurable (`EVENTBRIDGE_SOURCE`, default `sae-rollback`); rules match on it.
 * - `type`: `sae-rollback:Outcome:<outcome>`, in EventBridge's `<product>:<resource>:<event>` style, so a rule can
 *   take every outcome with `{"prefix": "sae-rollback:Outcome:"}` or pick single kinds.
 * - `subject`: what the outcome is about, in Alibaba Cloud ARN style:
 *   `acs:sae:<region>:<accountId>:app/<appId>/changeorder/<changeOrderId>`, with the parts that are unknown left
 *   out (`…:app/<appId>` for an app-only outcome, `…:changeorder/<id>` without an app); omitted when neither is
 *   known (e.g. `rejected-input`). The account is empty (`acs:sae:<region>::…`) when it is not configured.
 * - `time`: the outcome's `decidedAt` (stable, unlike "now", so a re-sent event is byte-identical in content).
 * - `datacontenttype`: `application/json`; `data`: the outcome document itself (schema/outcome.v2.json).
 * - `aliyuneventbusname`: the extension attribute that names the bus, as the official SDKs send it.
 */
import type { Outcome } from '../rollback/outcome.js';

/** Every outcome event's `type` starts with this; the rest is the outcome kind. */
export const OUTCOME_EVENT_TYPE_PREFIX = 'sae-rollback:Outcome:';

/** Default `source` of outcome events. */
export const DEFAULT_EVENT_SOURCE = 'sae-rollback';

/** The CloudEvents extension attribute EventBridge reads the bus name from. */
export const EVENT_BUS_EXTENSION = 'aliyuneventbusname';

/** One outcome as a structured-mode CloudEvent. */
export interface OutcomeCloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject?: string;
  time: string;
  datacontenttype: 'application/json';
  aliyuneventbusname: string;
  data: Outcome;
}

/** Where the events go and how they are labelled. */
export interface EnvelopeOptions {
  bus: string;
  source: string;
  region: string;
  /** Numeric account ID for the subject; empty or absent leaves the ARN's account field empty. */
  accountId?: string | undefined;
}

/** SAE IDs as the event parsers accept them; anything else is left out of the subject rather than mangled. */
const ID = /^[A-Za-z0-9-]{8,64}$/;

/** `sae-rollback:Outcome:<outcome>`. */
export function outcomeEventType(outcome: Outcome['outcome']): string {
  return `${OUTCOME_EVENT_TYPE_PREFIX}${outcome}`;
}

/** The subject described in the file comment, or undefined when neither app nor change order is known. */
export function outcomeSubject(outcome: Outcome, region: string, accountId = ''): string | undefined {
  const parts: string[] = [];
  if (outcome.appId !== undefined && ID.test(outcome.appId)) parts.push(`app/${outcome.appId}`);
  if (outcome.changeOrderId !== undefined && ID.test(outcome.changeOrderId)) {
    parts.push(`changeorder/${outcome.changeOrderId}`);
  }
  return parts.length === 0 ? undefined : `acs:sae:${region}:${accountId}:${parts.join('/')}`;
}

/** Wraps one outcome. Pure: the same outcome always gives the same event. */
export function toOutcomeCloudEvent(outcome: Outcome, opts: EnvelopeOptions): OutcomeCloudEvent {
  const subject = outcomeSubject(outcome, opts.region, opts.accountId);
  return {
    specversion: '1.0',
    id: outcome.messageId,
    source: opts.source,
    type: outcomeEventType(outcome.outcome),
    ...(subject === undefined ? {} : { subject }),
    time: outcome.decidedAt,
    datacontenttype: 'application/json',
    [EVENT_BUS_EXTENSION]: opts.bus,
    data: outcome,
  };
}
