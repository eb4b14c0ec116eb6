/** SAE's own codes (spellings as SAE has them: "Resouce", "ChangerOrder"); the rest is POP-wide. */
import { classifierOf, codeIs, type ErrorTable, Verdict } from '../classify.js';
import { POP_TABLE } from './pop.js';

export const SAE_TABLE: ErrorTable = [
  { when: codeIs('Application.ChangerOrder.Not.Running'), is: Verdict.alreadyDone },
  { when: codeIs('Resouce.no.permission', 'Resource.no.permission'), is: Verdict.forbidden },
  { when: codeIs('Application.ChangerOrderRunning', 'System.Upgrading'), is: Verdict.retryable },
  ...POP_TABLE,
];

/** Classifies an SAE error code plus HTTP status. Unknown 5xx → retryable; unknown 4xx → permanent. */
export const classifySaeCode = classifierOf(SAE_TABLE);
