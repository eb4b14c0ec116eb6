/** What the dev server serves and ./functions.ts loads: a deployable function and its handler. */
import type { FcContext } from '../fc/context.js';

/** An FC handler as the functions export it: `(event: Buffer, context) => Promise<result>`. */
export type FcHandler = (event: Buffer, context: FcContext) => Promise<unknown>;

export interface DevFunction {
  /** The path segment, e.g. `alarm`. */
  name: string;
  /** The FC function name, e.g. `sae-rollback-alarm` (in the fake context and the event's domain). */
  functionName: string;
  kind: 'http' | 'event';
  handler: FcHandler;
  timeoutSeconds?: number;
}
