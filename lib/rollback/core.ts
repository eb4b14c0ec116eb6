import { admitEvidence, admitRequest } from './admit.js';
import { claimChangeOrder } from './claim.js';
import { type Ctx, type Decision, fresh, meteredClients } from './context.js';
import type { RollbackCoreOptions } from './core-options.js';
import type { Draft } from './drafts.js';
import type { Outcome, SaeTrace } from './outcome.js';
import { recordOutcome } from './record.js';
import { buildOutcome, type Stamp } from './records.js';
import { resolveApp } from './resolve.js';
import type { InvocationInfo, RollbackRequest } from './types.js';
import { type Steps, wireSteps } from './wiring.js';

export type { RollbackCoreOptions } from './core-options.js';

/**
 * The decision core, a pipeline of named steps — each its own module with its own tests:
 *
 *   resolve (resolve.ts: an app → its change order) → admit (admit.ts: the policy, the evidence)
 *   → claim (claim.ts) → inspect (inspect.ts) → valves (valves-step.ts)
 *   → act (act.ts: abort | bake-window.ts: roll the app back) → record (record.ts)
 *   → publish (process.ts, on the {@link Decision} this returns).
 *
 * Pure logic over the SAE and store ports (wired in wiring.ts); never throws for SAE or input
 * problems — every path ends in exactly one outcome.
 */
export class RollbackCore {
  readonly #s: Steps;

  constructor(opts: RollbackCoreOptions) {
    this.#s = wireSteps(opts);
  }

  async decide(req: RollbackRequest, inv: InvocationInfo = {}): Promise<Decision> {
    const trace: SaeTrace[] = [];
    const finish = (d: Draft): Outcome => buildOutcome(req, inv, trace, d, this.#stamp());
    // Waits for budget tokens, for another delivery's look-up and throttling backoff all end here.
    const workUntil = (inv.deadline ?? this.#s.clock.now() + this.#s.defaultClaimMs) - this.#s.marginMs;
    const { sae, app, call } = meteredClients(this.#s.meter, workUntil, trace);
    try {
      return await this.#decide(req, inv, { req, sae, app, call, finish, trace, workUntil });
    } catch (err) {
      // Not an SAE answer (those become outcomes where they happen): in practice the store (Redis)
      // failed before anything was acted on. No claim means no abort, so a redelivery is safe.
      const what = req.changeOrderId ? `change order ${req.changeOrderId}` : `app ${req.appId ?? '-'}`;
      return fresh(
        finish({
          outcome: 'failed-retryable',
          summary: `Could not handle ${what}: unexpected error (is the idempotency store reachable?); will retry.`,
          reason: String((err as Error)?.message ?? err),
        }),
      );
    }
  }

  async #decide(req: RollbackRequest, inv: InvocationInfo, x: Ctx): Promise<Decision> {
    const s = this.#s;
    // Every delivery counts for the flapping guard, duplicates included (a repeat is not a change).
    const changes = s.valves ? await s.valves.observe(req) : 0;
    // The policy and the evidence, on what the request itself says: before any SAE call about it.
    const refusal = (await admitRequest(s.admit, req, x)) ?? (await admitEvidence(s.evidence, req, x));
    if (refusal) return refusal;
    const resolved = req.changeOrderId
      ? { changeOrderId: req.changeOrderId }
      : await resolveApp(s.resolve, req, x);
    if ('decision' in resolved) return resolved.decision;
    const { changeOrderId } = resolved;
    const key = s.key(changeOrderId);
    const claimed = await claimChangeOrder(s.claim, req, inv, x, changeOrderId, key);
    if ('decision' in claimed) return claimed.decision;
    // A finished release inside the bake window is rolled back (RollbackApplication); a running
    // change order is inspected, passed through the valves and aborted (act.ts).
    const outcome =
      resolved.bake && req.appId
        ? await s.bake.act(req.appId, changeOrderId, resolved.bake, changes, x)
        : await s.act.run(changeOrderId, req.appId, changes, x);
    const recorded = await recordOutcome(s.record, x, changeOrderId, key, claimed.token, outcome);
    return x.started ? { ...recorded, started: x.started } : recorded;
  }

  /**
   * The outcome for input that can never succeed: acknowledged and reported, never acted on. The
   * message ID derives from the delivery, so a redelivered bad message is reported under the same ID.
   */
  rejected(
    source: string,
    reason: string,
    receivedAt: number,
    inv: InvocationInfo = {},
    deliveryId?: string,
  ): Outcome {
    const req: RollbackRequest = {
      alarm: { source },
      receivedAt,
      deliveryId: deliveryId ?? `${inv.fcRequestId ?? ''}:${reason}`,
    };
    return buildOutcome(
      req,
      inv,
      [],
      {
        outcome: 'rejected-input',
        summary: `Rejected ${/^[aeiou]/i.test(source) ? 'an' : 'a'} ${source} event that can never be acted on: ${reason}`,
        reason,
      },
      this.#stamp(),
    );
  }

  #stamp(): Stamp {
    return { dryRun: this.#s.policy?.dryRun === true, now: this.#s.clock.now() };
  }
}
