import { createHash } from 'node:crypto';
import { type Clock, systemClock } from '../clock.js';
import { DuplicateTaskError } from '../invoke/errors.js';
import { isValidTaskId, TASK_ID_PREFIX } from '../invoke/task-id.js';
import type { Invoker } from '../invoke/types.js';
import { maskSecrets } from '../log.js';
import { WebhookNotifier } from '../notify/webhook.js';
import type { HookResult, Outcome } from '../rollback/outcome.js';
import type { PostRollbackHooks } from './check.js';
import type { HooksConfig } from './config.js';

/**
 * The async task ID of the post-rollback hook for one change order: `sae-rollback-hook-<id>`, so FC
 * refuses a second submission for the same rollback (a guard run that died after submitting). Distinct
 * from the fan-out's `sae-rollback-<id>`, which names the rollback itself.
 */
export function hookTaskId(changeOrderId: string): string {
  const id = `${TASK_ID_PREFIX}hook-${changeOrderId}`;
  if (isValidTaskId(id)) return id;
  // Not an SAE ID (never from the core): a digest still gives one stable, valid task ID.
  return `${TASK_ID_PREFIX}hook-${createHash('sha256').update(changeOrderId).digest('hex').slice(0, 40)}`;
}

interface Action {
  kind: HookResult['kind'];
  target: string;
  fire(outcome: Outcome): Promise<{ taskId?: string }>;
}

/**
 * The configured post-rollback actions: an FC function invoked asynchronously through the `Invoker`
 * port and/or a signed webhook, each with the follow-up outcome as its payload. Each is tried up to
 * `attempts` times (backing off, never past the deadline) and reported; a failure never touches SAE.
 */
export class ConfiguredHooks implements PostRollbackHooks {
  readonly #actions: Action[] = [];
  readonly #attempts: number;
  readonly #clock: Clock;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(
    config: HooksConfig,
    o: { invoker?: Invoker; clock?: Clock; sleep?: (ms: number) => Promise<void> } = {},
  ) {
    this.#attempts = config.attempts;
    this.#clock = o.clock ?? systemClock;
    this.#sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    const { fc, webhook } = config;
    const invoker = o.invoker;
    if (fc && invoker) {
      this.#actions.push({
        kind: 'fc',
        target: fc.functionName,
        async fire(outcome) {
          const taskId = hookTaskId(outcome.changeOrderId ?? outcome.messageId);
          try {
            await invoker.invokeAsync(fc.functionName, JSON.stringify(maskSecrets(outcome)), { taskId });
          } catch (err) {
            // FC already has this task: an earlier run submitted it. Done, not a failure.
            if (!(err instanceof DuplicateTaskError)) throw err;
          }
          return { taskId };
        },
      });
    }
    if (webhook) {
      const notifier = new WebhookNotifier({ ...webhook, clock: this.#clock });
      this.#actions.push({
        kind: 'webhook',
        target: new URL(webhook.url).host,
        async fire(outcome) {
          await notifier.publish(maskSecrets(outcome));
          return {};
        },
      });
    }
  }

  /** True when at least one action is configured. */
  get configured(): boolean {
    return this.#actions.length > 0;
  }

  async run(outcome: Outcome, deadline?: number): Promise<HookResult[]> {
    return Promise.all(this.#actions.map((a) => this.#runOne(a, outcome, deadline)));
  }

  async #runOne(a: Action, outcome: Outcome, deadline?: number): Promise<HookResult> {
    let error = '';
    for (let attempt = 1; ; attempt++) {
      try {
        const { taskId } = await a.fire(outcome);
        return { kind: a.kind, target: a.target, ok: true, attempts: attempt, ...(taskId ? { taskId } : {}) };
      } catch (err) {
        const e = err as { message?: string; retryable?: boolean };
        error = e.message ?? String(err);
        const delay = 200 * 2 ** (attempt - 1);
        const late = deadline !== undefined && this.#clock.now() + delay > deadline - 2_000;
        if (attempt >= this.#attempts || e.retryable === false || late) {
          const taskId = a.kind === 'fc' ? hookTaskId(outcome.changeOrderId ?? outcome.messageId) : undefined;
          return {
            kind: a.kind,
            target: a.target,
            ok: false,
            attempts: attempt,
            error,
            ...(taskId ? { taskId } : {}),
          };
        }
        await this.#sleep(delay);
      }
    }
  }
}
