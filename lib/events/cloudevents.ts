import { looksCloudMonitor, parseCloudMonitor } from './cloudmonitor.js';
import { parseJson } from './decode.js';
import { idVerdict, pickIds, targetWords } from './keys.js';
import { body, type Ctx, enter, makeRecord, obj, type Recurse, reject, text, where } from './record.js';
import type { NormalizedRequest } from './types.js';

/**
 * EventBridge CloudEvents 1.0, as FC receives them from EventBridge triggers (usually a JSON array,
 * sometimes a single object; array elements may be JSON strings). Dispatch is by `type`:
 * SAE's own `acs.sae` events, CloudMonitor events, and the FC triggers built on EventBridge (MNS queue,
 * RocketMQ, Kafka, RabbitMQ), whose message body is read like any other body. Any other event type is
 * read through its `data`.
 */
export function looksCloudEvent(o: Record<string, unknown>): boolean {
  return typeof o.specversion === 'string' && typeof o.type === 'string' && 'source' in o;
}

export function parseCloudEvent(e: Record<string, unknown>, ctx: Ctx, r: Recurse): NormalizedRequest[] {
  const type = text(e.type) ?? '';
  const source = text(e.source) ?? '';
  // "source + id" is the CloudEvent's identity; without an id the record's content is (record.ts).
  const ceId = text(e.id);
  const ceKey = ceId ? `ce:${source}:${ceId}` : undefined;
  const data = e.data;
  const d = obj(data);
  if (type.startsWith('sae:') || source === 'acs.sae') return [parseSaeEvent(e, type, ceKey, ctx)];
  if (type.startsWith('cms:') || source === 'acs.cms') return parseCmsEvent(type, data, ceKey, ctx, r);
  if (type.startsWith('mns:') || (d && 'messageBody' in d)) {
    const id = text(d?.messageId);
    return body(
      d?.messageBody,
      enter(ctx, 'mns-queue', '.data.messageBody', id ? `mns:${id}` : ceKey),
      r,
      'mns-queue',
    );
  }
  if (type.startsWith('mq:') || type.startsWith('rocketmq:')) {
    const props = obj(d?.systemProperties);
    const id = text(props?.UNIQ_KEY) ?? text(d?.msgId);
    return body(d?.body, enter(ctx, 'rocketmq', '.data.body', id ? `rocketmq:${id}` : ceKey), r, 'rocketmq');
  }
  if (type.startsWith('alikafka:') || type.startsWith('kafka:') || source === 'acs:alikafka') {
    const [topic, partition, offset] = [text(d?.topic), text(d?.partition), text(d?.offset)];
    const key = topic && partition && offset ? `kafka:${topic}/${partition}/${offset}` : ceKey;
    return body(d?.value, enter(ctx, 'kafka', '.data.value', key), r, 'kafka');
  }
  if (type.startsWith('amqp:') || type.startsWith('rabbitmq:')) {
    const id = text(obj(d?.props)?.messageId);
    return body(d?.body, enter(ctx, 'rabbitmq', '.data.body', id ? `rabbitmq:${id}` : ceKey), r, 'rabbitmq');
  }
  // Any other event routed here (a custom bus event, a CloudEvent through HTTP): read its data.
  return body(data, enter(ctx, 'eventbridge', '.data', ceKey), r, 'eventbridge');
}

/** Self-managed Apache RocketMQ trigger: a plain array of `{msgId, topic, systemProperties, body}`. */
export function looksRocketMqMessage(o: Record<string, unknown>): boolean {
  return 'msgId' in o && 'topic' in o && 'body' in o;
}

export function parseRocketMqMessage(o: Record<string, unknown>, ctx: Ctx, r: Recurse): NormalizedRequest[] {
  const id = text(obj(o.systemProperties)?.UNIQ_KEY) ?? text(o.msgId);
  return body(o.body, enter(ctx, 'rocketmq', '.body', id ? `rocketmq:${id}` : undefined), r, 'rocketmq');
}

/**
 * SAE's own events (`acs.sae`). Only `sae:ChangeOrder:*` are about a release; of those, a failed change
 * order and a health-check failure during a change act, while "manual batch waiting for confirmation"
 * is not evidence of a bad release and is ignored. Runtime and system events are ignored.
 *
 * UNCERTAIN: the `data` schema of the `sae:ChangeOrder:*` events is not published (only a truncated
 * runtime-event sample, whose app is `data.resourceId`). We accept `data.changeOrderId` /
 * `ChangeOrderId` / `change_order_id` and `data.appId` / `AppId` / `app_id`, then `data.resourceId` as
 * the app; with only an app, the core resolves the running change order (DescribeApplicationStatus).
 */
const SAE_ACT = new Set(['sae:ChangeOrder:SaeChangeOrderFailEvent', 'sae:ChangeOrder:SaeK8sUnhealthyEvent']);
const SAE_HINT =
  'The SAE event carries neither data.changeOrderId nor data.appId/resourceId; route it with an EventBridge transform that adds appId.';

function parseSaeEvent(
  e: Record<string, unknown>,
  type: string,
  key: string | undefined,
  ctx: Ctx,
): NormalizedRequest {
  const c = enter(ctx, '', '', key);
  const dv = typeof e.data === 'string' ? parseJson(e.data, 'data') : { ok: true as const, value: e.data };
  const d = dv.ok ? obj(dv.value) : undefined;
  const alarm = {
    name: type,
    ...(text(d?.level) ? { severity: text(d?.level) } : {}),
    ...(text(e.time) ? { firedAt: text(e.time) } : {}),
  };
  const ids = pickIds([
    { where: 'data', from: d },
    {
      where: 'data',
      from: d && typeof d.resourceId === 'string' ? { resourceId: d.resourceId } : undefined,
      appKeys: ['resourceId'],
    },
  ]);
  const base = { alarm, content: e, changeOrderId: ids.changeOrderId, appId: ids.appId };
  if (!SAE_ACT.has(type)) {
    const why = type.startsWith('sae:ChangeOrder:')
      ? 'a change-order event that does not say the release is bad'
      : 'not about a release (runtime or system event)';
    return makeRecord(c, 'sae-event', {
      ...base,
      disposition: 'ignore',
      reason: `SAE event ${type} is ${why}; nothing to roll back.`,
    });
  }
  if (!dv.ok) {
    const why = `The SAE event's ${dv.reason.replace(/\.$/, '')} (${where(c)}). Send data as a JSON object with changeOrderId or appId.`;
    return makeRecord(c, 'sae-event', { alarm, content: e, disposition: 'reject', reason: why });
  }
  const bad = idVerdict(ids, `in the SAE event ${where(c)}`, SAE_HINT);
  if (bad) return makeRecord(c, 'sae-event', { alarm, content: e, disposition: 'reject', reason: bad });
  return makeRecord(c, 'sae-event', {
    ...base,
    disposition: 'act',
    reason: `SAE event ${type} ${targetWords(ids)}.`,
  });
}

/**
 * CloudMonitor on EventBridge. UNCERTAIN: the `data` of `cms:CloudMonitor:AlertWebHook` is not
 * documented; we read it as the callback fields (object, JSON text or form text). Other CloudMonitor
 * event types are not alerts and are ignored.
 */
function parseCmsEvent(
  type: string,
  data: unknown,
  key: string | undefined,
  ctx: Ctx,
  r: Recurse,
): NormalizedRequest[] {
  const c = enter(ctx, '', '.data', key);
  if (type !== 'cms:CloudMonitor:AlertWebHook') {
    return [
      makeRecord(c, 'cloudmonitor', {
        disposition: 'ignore',
        reason: `CloudMonitor event ${type} is not an alert; nothing to roll back.`,
        alarm: { name: type },
      }),
    ];
  }
  const d = obj(data);
  if (d && looksCloudMonitor(d)) return [parseCloudMonitor(d, c)];
  if (typeof data === 'string') return r.text(data, c);
  return [
    reject(
      c,
      'cloudmonitor',
      `The CloudMonitor AlertWebHook event ${where(c)} has no alert fields (alertState, alertName, dimensions).`,
      data,
    ),
  ];
}
