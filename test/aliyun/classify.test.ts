import { describe, expect, it } from 'vitest';
import { classify, type ErrorTable } from '../../lib/aliyun/classify.js';
import { CMS_TABLE } from '../../lib/aliyun/tables/cms.js';
import { EVENTBRIDGE_ENTRY_TABLE, EVENTBRIDGE_TABLE } from '../../lib/aliyun/tables/eventbridge.js';
import { FC_TABLE } from '../../lib/aliyun/tables/fc.js';
import { MNS_TABLE } from '../../lib/aliyun/tables/mns.js';
import { POP_TABLE } from '../../lib/aliyun/tables/pop.js';
import { SAE_TABLE } from '../../lib/aliyun/tables/sae.js';

const TABLES: Record<string, ErrorTable> = {
  pop: POP_TABLE,
  sae: SAE_TABLE,
  cms: CMS_TABLE,
  mns: MNS_TABLE,
  eventbridge: EVENTBRIDGE_TABLE,
  'eventbridge-entry': EVENTBRIDGE_ENTRY_TABLE,
  fc: FC_TABLE,
};

type Row = [service: string, code: string, status: number | undefined, kind: string, reason?: string];

/** Each row of each table, once on each side of where it stops applying. */
const ROWS: Row[] = [
  ['pop', 'Throttling.User', 400, 'retryable'],
  ['pop', 'SignatureNonceUsed', 400, 'retryable'],
  ['pop', 'InvalidSecurityToken.Expired', 400, 'retryable'],
  ['pop', 'SignatureDoesNotMatch', 403, 'retryable'],
  ['pop', 'InvalidAccessKeyId.Inactive', 403, 'retryable'],
  ['pop', 'MissingAuthorization', 400, 'permanent', 'forbidden'],
  ['pop', 'AccessDenied.Sub', 403, 'permanent', 'forbidden'],
  ['pop', 'AccessDeniedX', 403, 'permanent', 'other'],
  ['pop', 'Forbidden.RAM', 403, 'permanent', 'forbidden'],
  ['pop', 'NoPermission', 403, 'permanent', 'forbidden'],
  ['pop', 'MissingParameter', 400, 'permanent', 'invalid-input'],
  ['pop', 'InvalidParameter.Foo', 400, 'permanent', 'invalid-input'],
  ['pop', 'InvalidApplication.NotFound', 400, 'permanent', 'not-found'],
  ['pop', 'TopicNotExist', 400, 'permanent', 'not-found'],
  ['pop', 'Weird', 503, 'retryable'],
  ['pop', 'Weird', 429, 'retryable'],
  ['pop', 'Weird', 499, 'permanent', 'other'],
  ['pop', 'Weird', undefined, 'permanent', 'other'],
  ['sae', 'Application.ChangerOrder.Not.Running', 400, 'already-done'],
  ['sae', 'Resouce.no.permission', 400, 'permanent', 'forbidden'],
  ['sae', 'Resource.no.permission', 400, 'permanent', 'forbidden'],
  ['sae', 'Application.ChangerOrderRunning', 400, 'retryable'],
  ['sae', 'System.Upgrading', 400, 'retryable'],
  ['sae', 'Throttling', 400, 'retryable'],
  ['sae', 'Weird', 400, 'permanent', 'other'],
  ['cms', '500', undefined, 'retryable'],
  ['cms', '429', undefined, 'retryable'],
  ['cms', '403', undefined, 'permanent', 'forbidden'],
  ['cms', '404', undefined, 'permanent', 'not-found'],
  ['cms', '400', undefined, 'permanent', 'invalid-input'],
  ['cms', 'ResourceNotFound', 400, 'permanent', 'not-found'],
  ['cms', 'Forbidden.RAM', 403, 'permanent', 'forbidden'],
  ['cms', 'Weird', 502, 'retryable'],
  ['mns', 'TopicNotExist', 404, 'permanent', 'other'],
  ['mns', 'AccessDenied', 403, 'permanent', 'other'],
  ['mns', 'TimeExpired', 408, 'retryable'],
  ['mns', 'QpsLimitExceeded', 400, 'retryable'],
  ['mns', 'InternalError', 400, 'retryable'],
  ['mns', 'Anything', 500, 'retryable'],
  ['mns', '', 429, 'retryable'],
  ['eventbridge', 'EventBusNotExist', 404, 'permanent', 'other'],
  ['eventbridge', 'SignatureDoesNotMatch', 403, 'permanent', 'other'],
  ['eventbridge', 'StsAccessIdExpired', 400, 'retryable'],
  ['eventbridge', 'Throttling.User', 400, 'retryable'],
  ['eventbridge', 'TooManyRequests', 400, 'retryable'],
  ['eventbridge', 'Anything', 408, 'retryable'],
  ['eventbridge', 'Anything', 503, 'retryable'],
  ['eventbridge-entry', 'EventBridge.FlowControl', 200, 'retryable'],
  ['eventbridge-entry', 'SystemBusy', 200, 'retryable'],
  ['eventbridge-entry', 'InternalError', 200, 'retryable'],
  ['eventbridge-entry', 'EventTooLarge', 200, 'permanent', 'other'],
  ['fc', '', 409, 'already-done'],
  ['fc', 'ResourceThrottled', 429, 'retryable'],
  ['fc', '', 500, 'retryable'],
  ['fc', '', undefined, 'retryable'],
  ['fc', 'FunctionNotFound', 404, 'permanent', 'other'],
  ['fc', 'AccessDenied', 403, 'permanent', 'other'],
];

describe('one classifier, a table per service', () => {
  it.each(ROWS)('%s: %s (HTTP %s) is %s %s', (service, code, status, kind, reason) => {
    const table = TABLES[service];
    if (table === undefined) throw new Error(`no table for ${service}`);
    expect(classify(table, code, status)).toEqual(reason ? { kind, reason } : { kind });
  });

  it('every table has a row exercised above', () => {
    expect(Object.keys(TABLES).filter((s) => !ROWS.some(([r]) => r === s))).toEqual([]);
  });

  it('a table without a catch-all says permanent for what it does not name', () => {
    expect(classify([], 'Anything', 503)).toEqual({ kind: 'permanent', reason: 'other' });
  });
});
