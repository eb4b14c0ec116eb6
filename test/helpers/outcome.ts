import type { Outcome } from '../../lib/rollback/outcome.js';

/** An alarm name with everything that tends to get mangled: markdown/HTML/XML/JSON specials and Chinese. */
export const TRICKY_ALARM_NAME = '$Average>=95 & <x> "q" 回滚';

/** A complete `aborted` outcome; override any field. */
export function makeOutcome(overrides: Partial<Outcome> = {}): Outcome {
  return {
    schemaVersion: 1,
    outcome: 'aborted',
    summary: `Aborted change order ba386059-69b1-4e65-b1e5-0682d9fa1234 of checkout after alarm ${TRICKY_ALARM_NAME}`,
    messageId: 'sae-rollback:ba386059-69b1-4e65-b1e5-0682d9fa1234:aborted',
    dedupeKey: 'co:ba386059-69b1-4e65-b1e5-0682d9fa1234',
    changeOrderId: 'ba386059-69b1-4e65-b1e5-0682d9fa1234',
    changeOrderStatus: 1,
    appId: '0099b7be-5f5b-4512-a7fc-56049ef11234',
    appName: 'checkout',
    alarm: {
      source: 'cloudmonitor',
      name: TRICKY_ALARM_NAME,
      state: 'ALERT',
      value: '97.5',
      metric: 'acs_sae:cpu',
      ruleId: 'rule-7f3a',
    },
    sae: [
      { action: 'DescribeChangeOrder', requestId: '7A3F1B2C-0000-4D6E-9F10-REQ000000001' },
      { action: 'AbortAndRollbackChangeOrder', requestId: '7A3F1B2C-0000-4D6E-9F10-REQ000000002' },
    ],
    retryable: false,
    fcRequestId: '1-6789abcd-0123456789abcdef01234567',
    receivedAt: '2026-11-29T03:00:00.000Z',
    decidedAt: '2026-11-29T03:00:00.412Z',
    ...overrides,
  };
}
