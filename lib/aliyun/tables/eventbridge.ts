/**
 * EventBridge (PutEvents) answers. A failed request: 5xx, 408, 429, throttling, and an expired STS token
 * (the redelivery carries fresh credentials) are worth repeating; a signature mismatch, a denied action or
 * an unknown bus answers the same every time. A refused entry in a 200 answer: throttling and the
 * service's own trouble are worth repeating; anything else is permanent.
 */
import { always, classifierOf, codeMatches, type ErrorTable, transientStatus, Verdict } from '../classify.js';

export const EVENTBRIDGE_TABLE: ErrorTable = [
  { when: transientStatus, is: Verdict.retryable },
  {
    when: codeMatches(/^(TooManyRequests|Throttling.*|InternalError|StsAccessIdExpired)$/),
    is: Verdict.retryable,
  },
  { when: always, is: Verdict.permanent },
];

export const EVENTBRIDGE_ENTRY_TABLE: ErrorTable = [
  {
    when: codeMatches(/throttl|toomanyrequests|flowcontrol|internal|timeout|busy|unavailable|systemerror/i),
    is: Verdict.retryable,
  },
  { when: always, is: Verdict.permanent },
];

export const classifyEventBridgeCode = classifierOf(EVENTBRIDGE_TABLE);
export const classifyEventBridgeEntry = classifierOf(EVENTBRIDGE_ENTRY_TABLE);
