/**
 * CloudMonitor's codes on top of the POP gateway's. A `Success: false` body may carry a numeric HTTP-like
 * `Code` (the SDK types it as a number): 5xx/429 is retryable, 403 forbidden, 404 not found, other 4xx
 * invalid input.
 */
import { classifierOf, codeIs, codeMatches, type ErrorTable, Verdict } from '../classify.js';
import { POP_TABLE } from './pop.js';

export const CMS_TABLE: ErrorTable = [
  { when: codeMatches(/^([5-9]\d\d|429)$/), is: Verdict.retryable },
  { when: codeIs('403'), is: Verdict.forbidden },
  { when: codeIs('404', 'ResourceNotFound'), is: Verdict.notFound },
  { when: codeMatches(/^\d{3}$/), is: Verdict.invalidInput },
  ...POP_TABLE,
];

export const classifyCmsCode = classifierOf(CMS_TABLE);
