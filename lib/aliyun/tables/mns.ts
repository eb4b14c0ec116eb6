/**
 * MNS (topics) answers: 5xx, 408, 429 and a few codes are worth sending the same message again; every
 * other 4xx (TopicNotExist, SignatureDoesNotMatch, AccessDenied, InvalidArgument, MalformedXML, …) is
 * permanent because repeating the identical request yields the identical answer.
 */
import { always, classifierOf, codeIs, type ErrorTable, transientStatus, Verdict } from '../classify.js';

export const MNS_TABLE: ErrorTable = [
  { when: transientStatus, is: Verdict.retryable },
  // `TimeExpired` (documented as 408): the next attempt is signed with a fresh Date, and the usual cause is
  // a request that sat in a queue or a retry loop; if the host clock itself is off, the caller's retry
  // budget bounds the damage. `QpsLimitExceeded` is documented with status 400 but is throttling.
  { when: codeIs('TimeExpired', 'QpsLimitExceeded', 'InternalError'), is: Verdict.retryable },
  { when: always, is: Verdict.permanent },
];

export const classifyMnsCode = classifierOf(MNS_TABLE);
