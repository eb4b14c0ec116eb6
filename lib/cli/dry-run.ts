import { changeOrderRefusal, type ReleaseRules } from '../rollback/release-rules.js';
import { SaeError, SaeErrorKind } from '../sae/errors.js';
import { describeStatus, type SaeApi, TERMINAL_STATUSES } from '../sae/types.js';
import { EXIT, type Io } from './command.js';
import { errorLine } from './settings.js';

/**
 * `abort --dry-run` when the core has no dry-run policy (DRY_RUN) in this build: the same reads the core
 * makes (DescribeApplicationStatus for an app, DescribeChangeOrder), then what it would do. Nothing is
 * aborted, stored or published.
 */
export async function readOnlyDryRun(
  sae: SaeApi,
  target: { changeOrderId?: string; appId?: string },
  io: Io,
  json: boolean,
  rules: { rules: ReleaseRules; allowTypes: readonly string[] },
): Promise<number> {
  const calls: string[] = [];
  const answer = (outcome: string, summary: string, extra: Record<string, unknown>, code: number) => {
    if (json)
      io.stdout(
        `${JSON.stringify({ outcome, summary, dryRun: true, ...extra, saeCalls: calls }, null, 2)}\n`,
      );
    else io.stdout(`${outcome}: ${summary}\n`);
    return code;
  };
  try {
    let changeOrderId = target.changeOrderId;
    if (!changeOrderId && target.appId) {
      calls.push('DescribeApplicationStatus');
      const st = (await sae.describeApplicationStatus(target.appId)).data;
      if (!st.lastChangeOrderId || !st.lastChangeOrderRunning) {
        const summary = `App ${target.appId} has no running change order; nothing would be aborted.`;
        return answer('no-running-change-order', summary, { appId: target.appId }, EXIT.nothingToDo);
      }
      changeOrderId = st.lastChangeOrderId;
    }
    if (!changeOrderId) return EXIT.usage;
    calls.push('DescribeChangeOrder');
    const co = (await sae.describeChangeOrder(changeOrderId)).data;
    const facts = { changeOrderId, appId: co.appId, changeOrderStatus: co.status };
    if (TERMINAL_STATUSES.has(co.status)) {
      const summary = `Change order ${changeOrderId} of app ${co.appName ?? co.appId} is already ${describeStatus(co.status)}; nothing would be aborted.`;
      return answer('already-finished', summary, facts, EXIT.nothingToDo);
    }
    // The same release rules the core applies: a scale-out, a restart or a rollback is never aborted.
    const refusal = changeOrderRefusal(co, `app ${co.appName ?? co.appId}`, rules.rules, rules.allowTypes);
    if (refusal) {
      const extra = { ...facts, coTypeCode: co.coTypeCode, reason: refusal.reason };
      return answer('refused', `Dry run: ${refusal.summary}`, extra, EXIT.nothingToDo);
    }
    const summary = `Dry run: would abort and roll back change order ${changeOrderId} of app ${co.appName ?? co.appId} (now ${describeStatus(co.status)}). Nothing was changed.`;
    return answer('dry-run', summary, facts, EXIT.ok);
  } catch (err) {
    io.stderr(`sae-rollback abort: ${errorLine(err)}\n`);
    return err instanceof SaeError && err.kind === SaeErrorKind.Permanent ? EXIT.failed : EXIT.tempFail;
  }
}
