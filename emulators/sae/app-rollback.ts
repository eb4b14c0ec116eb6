/** RollbackApplication over the emulator's state: SAE's serial rule, and release approval. */
import { type SaeState, SaeStateError } from './state.js';
import { CO_STATUS } from './status.js';

/**
 * A `CoRollback` change order to an existing version of the app, refused while another change order
 * runs (SAE's serial rule). With release approval on for the app (`IsNeedApproval`), the change order
 * waits for an approver (status 11) and nothing moves yet; otherwise it ends as `rollbackCompletion` says.
 */
export function rollbackApplication(
  state: SaeState,
  appId: string,
  versionId: string,
): { changeOrderId: string; isNeedApproval: boolean } {
  const app = state.getApp(appId);
  if (!app) throw new SaeStateError('InvalidApplication.NotFound', 'The current application does not exist.');
  const target = app.versionRecords.find((v) => v.versionId === versionId);
  if (!target) {
    throw new SaeStateError('InvalidParameter.WithMessage', `The version ${versionId} does not exist.`);
  }
  const pending = state.approvalRequired.has(appId);
  const done = state.rollbackCompletion === 'immediate' ? CO_STATUS.SUCCEEDED : CO_STATUS.EXECUTING;
  const changeOrderId = state.startChangeOrder({
    appId,
    coTypeCode: 'CoRollback',
    // Awaiting approval, the app stays where it is: the version moves when an approver lets it run.
    toVersion: pending ? app.currentVersion : target.label,
    ...(pending ? {} : { toVersionId: target.versionId }),
    status: pending ? CO_STATUS.PENDING_APPROVAL : done,
    description: `Rollback to version ${target.label}`,
  });
  return { changeOrderId, isNeedApproval: pending };
}

/** Turns release approval on or off for an app. */
export function setApprovalRequired(state: SaeState, appId: string, on: boolean): void {
  if (!state.getApp(appId)) {
    throw new SaeStateError('InvalidAppId.NotFound', `The specified AppId does not exist: ${appId}`);
  }
  if (on) state.approvalRequired.add(appId);
  else state.approvalRequired.delete(appId);
}
