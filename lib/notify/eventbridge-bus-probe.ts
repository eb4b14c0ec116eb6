/**
 * GetEventBus (`POST /openapi/getEventBus`, body `{"EventBusName"}`, as the official SDK
 * aliyun/alibabacloud-eventbridge-sdk calls it), for `sae-rollback doctor`: whether the outcome bus exists,
 * read-only. Signed as PutEvents is (signedEventBridgeHeaders, ./eventbridge-request.ts). Needs `eventbridge:GetEventBus`, which the
 * functions' role does not have (it only puts events): doctor runs it with the operator's credentials.
 */
import type { CloudCredentials } from '../credentials.js';
import { signedEventBridgeHeaders } from './eventbridge-request.js';
import type { TopicProbe } from './mns-topic-probe.js';

export const GET_EVENT_BUS_PATH = '/openapi/getEventBus';
const CONTENT_TYPE = 'application/json; charset=utf-8';

/** What the MNS topic probe answers, and for an existing bus its ARN when EventBridge gave one. */
export type BusProbe = TopicProbe | { kind: 'exists'; arn: string };

export async function probeEventBus(opts: {
  endpoint: string;
  bus: string;
  credentials: CloudCredentials;
  timeoutMs: number;
}): Promise<BusProbe> {
  const url = new URL(GET_EVENT_BUS_PATH, opts.endpoint);
  const body = JSON.stringify({ EventBusName: opts.bus });
  const headers = signedEventBridgeHeaders({
    path: GET_EVENT_BUS_PATH,
    contentType: CONTENT_TYPE,
    date: new Date().toUTCString(),
    body,
    creds: opts.credentials,
  });
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    const json = parse(await res.text());
    const code = typeof json.code === 'string' ? json.code : `HTTP ${res.status}`;
    if (res.ok)
      return typeof json.EventBusARN === 'string'
        ? { kind: 'exists', arn: json.EventBusARN }
        : { kind: 'exists' };
    if (code === 'EventBusNotExist') return { kind: 'missing' };
    if (res.status === 403 && code.startsWith('AccessDenied')) return { kind: 'forbidden', code };
    return { kind: 'error', detail: code };
  } catch (err) {
    return { kind: 'error', detail: err instanceof Error ? err.message : String(err) };
  }
}

function parse(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
