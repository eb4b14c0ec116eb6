/**
 * The outcome as a DingTalk markdown message: what the on-call engineer reads on a phone at 3 a.m.
 *
 * Values (alarm names, summaries, reasons) go in verbatim: `$Average>=95 & <x> "q" 回滚` arrives as typed.
 * HTML-escaping them would show `&lt;x&gt;` in the chat, and backslash-escaping would show stray backslashes
 * wherever the client does not treat the character as markup. The only structure DingTalk markdown needs us to
 * protect is the line: every value sits after a bold label on its own line, so it can never start a heading,
 * quote or list, and line breaks inside a value are flattened to spaces for the same reason. The exact document,
 * line breaks included, always travels on the MNS and webhook channels.
 */
import type { Outcome } from '../rollback/outcome.js';

/** What goes into `{"msgtype":"markdown","markdown":{title,text}}`. */
export interface DingTalkMarkdown {
  /** Shown in the conversation list and the push notification. */
  title: string;
  text: string;
}

/** Keeps one reason from pushing the message past DingTalk's 20,000-byte limit (errcode 460101). */
const MAX_REASON_CHARS = 1000;
const MAX_SAE_CALLS = 10;

const ICONS: Readonly<Record<string, string>> = {
  aborted: '🛑',
  'already-finished': 'ℹ️',
  'no-running-change-order': 'ℹ️',
  duplicate: '🔁',
  'not-found': '❓',
  forbidden: '🚫',
  'failed-retryable': '⚠️',
  'failed-permanent': '❌',
  'rejected-input': '⚠️',
  suppressed: '🛡️',
  'in-progress': '⏳',
  'awaiting-approval': '⏳',
};

/** Renders an outcome. Pure; the same outcome always yields the same text. */
export function renderDingTalkMarkdown(outcome: Outcome): DingTalkMarkdown {
  const app = outcome.appName ?? outcome.appId;
  const title = oneLine(`sae-rollback: ${outcome.outcome}${app === undefined ? '' : ` · ${app}`}`);
  const icon = ICONS[outcome.outcome] ?? '•';
  const lines: string[] = [`#### ${icon} sae-rollback: ${outcome.outcome}`, oneLine(outcome.summary)];

  const items: string[] = [];
  const add = (label: string, value: string | undefined): void => {
    if (value !== undefined && value !== '') items.push(`- **${label}:** ${oneLine(value)}`);
  };
  add('App', joinDefined(outcome.appName, outcome.appId && `(${outcome.appId})`));
  add(
    'Change order',
    joinDefined(
      outcome.changeOrderId,
      outcome.changeOrderStatus === undefined ? undefined : `(status ${outcome.changeOrderStatus})`,
    ),
  );
  const alarm = outcome.alarm;
  if (alarm !== undefined) {
    add('Alarm', alarm.name);
    add('Alarm summary', alarm.summary);
    add('Alarm description', alarm.description);
    add('Alarm state', joinDefined(alarm.state, alarm.severity && `(severity ${alarm.severity})`));
    add('Alarm value', alarm.value);
    add('Metric', alarm.metric);
    add('Alarm source', joinDefined(alarm.source, alarm.ruleId && `(rule ${alarm.ruleId})`));
    add('Alarm fired', alarm.firedAt);
  }
  add('Safety valve', outcome.valve);
  add('Reason', outcome.reason === undefined ? undefined : truncate(outcome.reason, MAX_REASON_CHARS));
  if (outcome.outcome.startsWith('failed')) add('Retryable', outcome.retryable ? 'yes' : 'no');
  for (const call of outcome.sae.slice(0, MAX_SAE_CALLS)) {
    const detail = [
      call.requestId && `request ID ${call.requestId}`,
      call.traceId && `trace ID ${call.traceId}`,
      call.errorCode && `error ${call.errorCode}`,
      call.httpStatus === undefined ? undefined : `HTTP ${call.httpStatus}`,
    ].filter((d): d is string => typeof d === 'string' && d !== '');
    add(`SAE ${call.action}`, detail.length === 0 ? '(no request ID)' : detail.join(', '));
  }
  if (outcome.sae.length > MAX_SAE_CALLS)
    add('SAE', `… and ${outcome.sae.length - MAX_SAE_CALLS} more calls`);
  add('Received', outcome.receivedAt);
  add('Decided', outcome.decidedAt);
  add('FC request ID', outcome.fcRequestId);
  add('Message ID', outcome.messageId);
  lines.push(items.join('\n'));
  // DingTalk renders a single "\n" between paragraphs inconsistently across clients; a blank line is reliable.
  return { title, text: lines.join('\n\n') };
}

function oneLine(value: string): string {
  return value.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');
}

function joinDefined(...parts: Array<string | undefined>): string | undefined {
  const present = parts.filter((p): p is string => p !== undefined && p !== '');
  return present.length === 0 ? undefined : present.join(' ');
}

function truncate(value: string, max: number): string {
  const chars = [...value];
  return chars.length <= max ? value : `${chars.slice(0, max).join('')}…`;
}
