/**
 * GetTopicAttributes (`GET /topics/<name>`), for `sae-rollback doctor`: whether the outcome topic
 * exists, read-only. Needs `mns:GetTopicAttributes`, which the functions' role does not have (it only
 * publishes): a 403 is reported as "cannot tell", not as a missing topic.
 */
import type { CloudCredentials } from '../credentials.js';
import { mnsSignature, mnsStringToSign } from './mns-signature.js';

export type TopicProbe =
  | { kind: 'exists' }
  | { kind: 'missing' }
  | { kind: 'forbidden'; code: string }
  | { kind: 'error'; detail: string };

export async function probeMnsTopic(opts: {
  endpoint: string;
  topic: string;
  credentials: CloudCredentials;
  timeoutMs: number;
}): Promise<TopicProbe> {
  const url = new URL(`/topics/${opts.topic}`, opts.endpoint);
  const date = new Date().toUTCString();
  const headers: Record<string, string> = { date, 'x-mns-version': '2015-06-06' };
  const signature = mnsSignature(
    mnsStringToSign({ method: 'GET', date, headers, resource: url.pathname }),
    opts.credentials.accessKeySecret,
  );
  headers.authorization = `MNS ${opts.credentials.accessKeyId}:${signature}`;
  if (opts.credentials.securityToken) headers['security-token'] = opts.credentials.securityToken;
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(opts.timeoutMs) });
    const text = await res.text();
    const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? `HTTP ${res.status}`;
    if (res.ok) return { kind: 'exists' };
    if (code === 'TopicNotExist') return { kind: 'missing' };
    if (res.status === 403) return { kind: 'forbidden', code };
    return { kind: 'error', detail: code };
  } catch (err) {
    return { kind: 'error', detail: err instanceof Error ? err.message : String(err) };
  }
}
