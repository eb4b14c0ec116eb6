import { idVerdict, pickIds, targetWords } from './keys.js';
import { at, type Ctx, makeRecord, obj, reject, text, where } from './record.js';
import { MAX_RECORDS, type NormalizedRequest } from './types.js';

/**
 * ARMS alert webhook with the `$alertmanager_content` body, i.e. the Prometheus Alertmanager webhook
 * format (plain Alertmanager works too). One record per entry of `alerts[]`; only `firing` acts.
 * IDs come from the alert's labels, then its annotations, then `commonLabels` / `commonAnnotations`.
 */
export function looksAlertmanager(o: Record<string, unknown>): boolean {
  return 'alerts' in o && ('status' in o || 'commonAnnotations' in o || Array.isArray(o.alerts));
}

const SOURCE = 'alertmanager';
const HINT = 'Add an appId (or changeOrderId) label or annotation to the ARMS / Prometheus alert rule.';

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
  const commonLabels = obj(o.commonLabels);
  const commonAnnotations = obj(o.commonAnnotations);
  const out = alerts.slice(0, MAX_RECORDS).map((raw, i) => {
    const c = at(ctx, `.alerts[${i}]`);
    const a = obj(raw);
    if (!a) return reject(c, SOURCE, `alerts[${i}] ${where(ctx)} is not an object.`, raw);
    const labels = obj(a.labels);
    const ann = obj(a.annotations);
    const status = (text(a.status) ?? text(o.status))?.toLowerCase();
    const startsAt = text(a.startsAt);
    const fingerprint = text(a.fingerprint);
    const alarm = {
      name: text(labels?.alertname),
      state: status,
      value:
        text(ann?.value) ?? text(ann?._aliyun_arms_alert_now_value) ?? text(ann?._aliyun_arms_alert_value),
      severity: text(labels?.severity) ?? text(labels?._aliyun_arms_alert_level),
      ruleId: text(labels?._aliyun_arms_alert_rule_id),
      firedAt: startsAt,
    };
    const common = {
      alarm: Object.fromEntries(Object.entries(alarm).filter(([, v]) => v !== undefined)),
      key: fingerprint ? `alert:${fingerprint}@${startsAt ?? ''}` : undefined,
      content: { labels, startsAt },
    };
    const ids = pickIds([
      { where: 'labels', from: labels },
      { where: 'annotations', from: ann },
      { where: 'commonLabels', from: commonLabels },
      { where: 'commonAnnotations', from: commonAnnotations },
    ]);
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
    const bad = idVerdict(ids, `in alert ${where(c)}`, HINT);
    if (bad) return makeRecord(c, SOURCE, { ...common, disposition: 'reject', reason: bad });
    return makeRecord(c, SOURCE, {
      ...common,
      disposition: 'act',
      reason: `Alert "${alarm.name ?? '?'}" is firing and ${targetWords(ids)}.`,
      changeOrderId: ids.changeOrderId,
      appId: ids.appId,
    });
  });
  if (alerts.length > MAX_RECORDS) {
    out.push(
      reject(
        at(ctx, `.alerts[${MAX_RECORDS}]`),
        SOURCE,
        `${alerts.length - MAX_RECORDS} alerts beyond the first ${MAX_RECORDS} ${where(ctx)} were not read; group alerts into smaller notifications.`,
        alerts.length,
      ),
    );
  }
  return out;
}
