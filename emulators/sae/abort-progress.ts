/** What an abort does over time when `abortProgress` is `terminating` (the emulator clock decides). */
import { CO_STATUS } from './status.js';
import type { AbortProgress } from './types.js';

export type Terminating = Map<string, { at: number; progress: AbortProgress & { mode: 'terminating' } }>;

/**
 * The aborts whose terminating time has passed — taken out of `terminating` — each with how it ends:
 * rolled back, or the change order's final failed status. A `stuck` one never ends.
 */
export function dueAborts(
  terminating: Terminating,
  now: number,
  exists: (id: string) => boolean,
): Array<[string, 'rolled-back' | number]> {
  const due: Array<[string, 'rolled-back' | number]> = [];
  for (const [id, t] of terminating) {
    if (t.progress.end === 'stuck' || t.at > now || !exists(id)) continue;
    terminating.delete(id);
    const failed = t.progress.systemFailure ? CO_STATUS.SYSTEM_FAILURE : CO_STATUS.FAILED;
    due.push([id, t.progress.end === 'rolled-back' ? 'rolled-back' : failed]);
  }
  return due;
}
