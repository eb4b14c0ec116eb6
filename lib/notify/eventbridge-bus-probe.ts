/**
 * GetEventBus (`POST /openapi/getEventBus`, body `{"EventBusName"}`, as the official SDK
 * aliyun/alibabacloud-eventbridge-sdk calls it), for `sae-rollback doctor`: whether the outcome bus exists,
 * read-only. Signed like PutEvents (./eventbridge-signature.ts). Needs `eventbridge:GetEventBus`, which the
 * functions' role does not have (it only puts events): doctor runs it with the operator's credentials.
 */
import { randomUUID } from 'node:crypto';
import type { CloudCredentials } from '../credentials.js';
import {
  eventBridgeContentMd5,
  eventBridgeSignature,
  eventBridgeStringToSign,
} from './eventbridge-signature.js';
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
  const date = new Date().toUTCString();
  const headers: Record<string, string> = {
    date,
    accept: 'application/json',
    'content-type': CONTENT_TYPE,
    'content-md5': eventBridgeContentMd5(body),
    'x-eventbridge-version': '2020-04-01',
    'x-acs-signature-method': 'HMAC-SHA1',
    'x-acs-signature-version': '1.0',
    'x-acs-signature-nonce': randomUUID(),
  };
  const { accessKeyId, accessKeySecret, securityToken } = opts.credentials;
  if (securityToken) {
    headers['x-acs-accesskey-id'] = accessKeyId;
    headers['x-acs-security-token'] = securityToken;
  }
  const stringToSign = eventBridgeStringToSign({
    method: 'POST',
    contentMd5: headers['content-md5'],
    contentType: CONTENT_TYPE,
    date,
    headers,
    path: GET_EVENT_BUS_PATH,
  });
  headers.authorization = `acs:${accessKeyId}:${eventBridgeSignature(stringToSign, accessKeySecret)}`;
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
