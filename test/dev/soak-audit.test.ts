import { describe, expect, it } from 'vitest';
import { soakAudit } from '../../lib/dev/soak-audit.js';

const ABORT = 'AbortAndRollbackChangeOrder';

describe("the soak's audit: the calls whose answer a runtime never saw, from its `decision` lines", () => {
  it('counts timed-out publications, in info or warn decision lines, and nothing else', () => {
    const a = soakAudit();
    a.logger.info('decision', {
      publications: [
        { channel: 'mns', ok: false, code: 'Client.Timeout', retryable: true },
        { channel: 'webhook', ok: false, code: 'Client.NetworkError', retryable: true },
        { channel: 'dingtalk', ok: true, messageId: 'd-1' },
      ],
    });
    a.logger.warn('decision', { publications: [{ channel: 'mns', ok: false, code: 'Client.Timeout' }] });
    a.logger.info('publish-retry', { publications: [{ channel: 'mns', ok: false, code: 'Client.Timeout' }] });
    a.logger.info('decision', { publications: 'not a list' });
    a.logger.info('decision');
    a.logger.error('decision', { publications: [{ channel: 'mns', ok: false, code: 'Client.Timeout' }] });
    expect(a.timedOutPublishes()).toBe(2);
    expect(a.timedOutAborts()).toBe(0);
  });

  it('counts aborts whose trace says RequestTimeout, not other calls or other errors', () => {
    const a = soakAudit();
    a.logger.info('decision', {
      sae: [
        { action: 'DescribeChangeOrder', errorCode: 'RequestTimeout' },
        { action: ABORT, errorCode: 'RequestTimeout' },
        { action: ABORT, errorCode: 'ECONNRESET' },
        { action: ABORT, requestId: 'r-1' },
      ],
    });
    a.logger.warn('decision', { sae: [{ action: ABORT, errorCode: 'RequestTimeout' }] });
    a.logger.info('guard-run', { sae: [{ action: ABORT, errorCode: 'RequestTimeout' }] });
    expect(a.timedOutAborts()).toBe(2);
    expect(a.timedOutPublishes()).toBe(0);
  });
});
