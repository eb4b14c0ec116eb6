import { type AlertKeys, DEFAULT_ALERT_KEYS } from './alert-keys.js';
import { idVerdict, pickIds, targetWords } from './keys.js';
import { at, type Ctx, makeRecord, obj, reject, text, where } from './record.js';
import type { NormalizedRequest } from './types.js';

/**
 * ARMS alert webhook with the `$alertmanager_content` body, i.e. the Prometheus Alertmanager webhook
 * format (plain Alertmanager works too). One record per entry of `alerts[]`; only `firing` acts.
 * IDs come from the alert's labels, then its annotations, then `commonLabels` / `commonAnnotations`,
 * under the configured names ({@link AlertKeys}; default the common spellings).
 */
export function looksAlertmanager(o: Record<string, unknown>): boolean {
  return 'alerts' in o && ('status' in o || 'commonAnnotations' in o || Array.isArray(o.alerts));
}

const SOURCE = 'alertmanager';

function hintFor(keys: AlertKeys): string {
  const accepted = [...keys.appId, ...keys.changeOrderId].join(', ');
  return `Add an ${keys.appId[0] ?? 'appId'} (or ${keys.changeOrderId[0] ?? 'changeOrderId'}) label or annotation to the ARMS / Prometheus alert rule (names read: ${accepted}; see ALERT_APP_ID_KEYS).`;
}

/**
 * Every alert is read — Alertmanager sends all of a group's alerts in one notification (`max_alerts: 0`),
 * and an alert left unread would be lost for good (the event's size limit bounds the work). Firing
 * alerts that name the same target under the same alert name and severity (one per instance, say)
 * become one record, so a large group costs one decision per target, not one per alert.
 */
export function parseAlertmanager(o: Record<string, unknown>, ctx: Ctx): NormalizedRequest[] {
  const alerts = o.alerts;
  if (!Array.isArray(alerts) || alerts.length === 0) {
    return [
      reject(
        ctx,
        SOURCE,
        `The Alertmanager webhook ${where(ctx)} has ${Array.isArray(alerts) ? 'an empty' : 'no'} alerts array; use the $alertmanager_content body in the ARMS webhook.`,
        o,
      ),
    ];
  }
  const keys = ctx.alertKeys ?? DEFAULT_ALERT_KEYS;
  const group = {
    commonLabels: obj(o.commonLabels),
    commonAnnotations: obj(o.commonAnnotations),
    status: o.status,
  };
  return foldSameTarget(alerts.map((raw, i) => parseAlert(raw, at(ctx, `.alerts[${i}]`), group, keys)));
}

interface Group {
  commonLabels: Record<string, unknown> | undefined;
  commonAnnotations: Record<string, unknown> | undefined;
  status: unknown;
}

function parseAlert(raw: unknown, c: Ctx, group: Group, keys: AlertKeys): NormalizedRequest {
  const a = obj(raw);
  if (!a) return reject(c, SOURCE, `The alert ${where(c)} is not an object.`, raw);
  const labels = obj(a.labels);
  const ann = obj(a.annotations);
  const status = (text(a.status) ?? text(group.status))?.toLowerCase();
  const startsAt = text(a.startsAt);
  const fingerprint = text(a.fingerprint);
  const alarm = {
    name: text(labels?.alertname),
    state: status,
    value: text(ann?.value) ?? text(ann?._aliyun_arms_alert_now_value) ?? text(ann?._aliyun_arms_alert_value),
    severity: text(labels?.severity) ?? text(labels?._aliyun_arms_alert_level),
    ruleId: text(labels?._aliyun_arms_alert_rule_id),
    firedAt: startsAt,
    summary: text(ann?.summary) ?? text(group.commonAnnotations?.summary),
    description: text(ann?.description) ?? text(group.commonAnnotations?.description),
  };
  const common = {
    alarm: Object.fromEntries(Object.entries(alarm).filter(([, v]) => v !== undefined)),
    key: fingerprint ? `alert:${fingerprint}@${startsAt ?? ''}` : undefined,
    content: { labels, startsAt },
  };
  const ids = pickIds(
    [
      { where: 'labels', from: labels },
      { where: 'annotations', from: ann },
      { where: 'commonLabels', from: group.commonLabels },
      { where: 'commonAnnotations', from: group.commonAnnotations },
    ],
    keys,
  );
  if (status === 'resolved') {
    return makeRecord(c, SOURCE, {
      ...common,
      disposition: 'ignore',
      reason: `Alert "${alarm.name ?? '?'}" is resolved: nothing to roll back.`,
      changeOrderId: ids.changeOrderId,
      appId: ids.appId,
    });
  }
  if (status !== 'firing') {
    return makeRecord(c, SOURCE, {
      ...common,
      disposition: 'reject',
      reason: `Alert ${where(c)} has status ${status ? JSON.stringify(status) : 'missing'}; expected firing or resolved.`,
    });
  }
  const bad = idVerdict(ids, `in alert ${where(c)}`, hintFor(keys));
  if (bad) return makeRecord(c, SOURCE, { ...common, disposition: 'reject', reason: bad });
  return makeRecord(c, SOURCE, {
    ...common,
    disposition: 'act',
    reason: `Alert "${alarm.name ?? '?'}" is firing and ${targetWords(ids)}.`,
    changeOrderId: ids.changeOrderId,
    appId: ids.appId,
  });
}

/** Firing alerts with one target, alert name and severity: the first acts for all; the rest fold into it. */
function foldSameTarget(records: NormalizedRequest[]): NormalizedRequest[] {
  const first = new Map<string, { index: number; more: number }>();
  const out: NormalizedRequest[] = [];
  for (const r of records) {
    if (r.disposition !== 'act') {
      out.push(r);
      continue;
    }
    const k = JSON.stringify([r.appId, r.changeOrderId, r.alarm.name, r.alarm.severity]);
    const seen = first.get(k);
    if (seen) seen.more += 1;
    else {
      first.set(k, { index: out.length, more: 0 });
      out.push(r);
    }
  }
  for (const { index, more } of first.values()) {
    const r = out[index];
    if (r && more > 0) {
      out[index] = {
        ...r,
        reason: `${r.reason} ${more} more alerts of this notification name the same target; this decision covers them.`,
      };
    }
  }
  return out;
}
