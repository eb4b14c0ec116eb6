/**
 * ListApplications, ListAppVersions and RollbackApplication.
 *
 * Verified against the official TS SDK `aliyun/alibabacloud-typescript-sdk` `sae-20190506/src/client.ts`
 * (listApplicationsWithOptions, listAppVersionsWithOptions, rollbackApplicationWithOptions; all
 * version 2019-05-06, ROA, every parameter in the query) and the SAE API doc pages
 * (AlibabaCloudDocs/sae `ListApplications.md`, `ListAppVersions.md`, `RollbackApplication.md`):
 * - ListApplications: GET /pop/v1/sam/app/listApplications; query AppName, AppSource, CurrentPage,
 *   FieldType, FieldValue, NamespaceId, OrderBy, PageSize, Reverse, Tags (all optional). The emulator
 *   filters on NamespaceId and AppName (substring) and ignores the rest.
 * - ListAppVersions: GET /pop/v1/sam/app/listAppVersions; query AppId. Data is an array of
 *   {Id, Type, CreateTime, BuildPackageUrl, WarUrl}. Documented error: InvalidApplication.NotFound (400).
 * - RollbackApplication: PUT /pop/v1/sam/app/rollbackApplication; query AppId and VersionId (required),
 *   AutoEnableApplicationScalingRule, BatchWaitTime, MinReadyInstanceRatio, MinReadyInstances,
 *   UpdateStrategy. Data is {ChangeOrderId}. Documented errors include InvalidApplication.NotFound,
 *   InvalidParameter.NotEmpty/Obviously/WithMessage, Application.ChangerOrderRunning.
 * Not documented: the error for an unknown VersionId. The emulator answers InvalidParameter.WithMessage
 * ("The parameter is invalid {VersionId}: ..."), a code the RollbackApplication page does list. Nor is
 * the error for an unknown NamespaceId on ListApplications: the emulator answers
 * InvalidNamespaceId.NotFound (404, SAE's global error list).
 */
import { applicationListItem, appVersionItem } from './app-render.js';
import { rollbackApplication } from './app-rollback.js';
import { knownSaeError, type Reply, saeSuccess } from './envelope.js';
import {
  type HandlerContext,
  isReply,
  mayTouch,
  optionalId,
  optionalInt,
  type Route,
  requireId,
  visibleApp,
} from './handler-kit.js';
import { SaeStateError } from './state.js';

/** Optional integer knobs of RollbackApplication: present means an integer of at least -1. */
const ROLLBACK_INT_PARAMS = ['BatchWaitTime', 'MinReadyInstances', 'MinReadyInstanceRatio'] as const;

function badRollbackOption(ctx: HandlerContext): Reply | undefined {
  for (const name of ROLLBACK_INT_PARAMS) {
    const raw = ctx.query[name];
    if (raw !== undefined && raw !== '' && !(Number.isInteger(Number(raw)) && Number(raw) >= -1)) {
      return knownSaeError(ctx.requestId, 'InvalidParameter.Obviously', name);
    }
  }
  const strategy = ctx.query.UpdateStrategy;
  if (strategy !== undefined && strategy !== '') {
    try {
      JSON.parse(strategy);
    } catch {
      return knownSaeError(ctx.requestId, 'InvalidParameter.WithMessage', 'UpdateStrategy', 'not JSON');
    }
  }
  return undefined;
}

export const APP_ROUTES: readonly Route[] = [
  {
    action: 'ListApplications',
    method: 'GET',
    path: '/pop/v1/sam/app/listApplications',
    handle(ctx) {
      const namespaceId = optionalId(ctx, 'NamespaceId');
      if (typeof namespaceId === 'object') return namespaceId;
      if (namespaceId !== undefined && !ctx.state.hasNamespace(namespaceId)) {
        return knownSaeError(ctx.requestId, 'InvalidNamespaceId.NotFound');
      }
      const page = optionalInt(ctx, 'CurrentPage', 1, 100_000);
      if (typeof page !== 'number') return page;
      const size = optionalInt(ctx, 'PageSize', 10, 100);
      if (typeof size !== 'number') return size;
      const name = ctx.query.AppName ?? '';
      // A key restricted to some apps lists only those, as RAM resource-level policies would.
      const all = ctx.state
        .listApps(namespaceId)
        .filter((a) => mayTouch(ctx, a.appId) && a.appName.includes(name));
      return saeSuccess(ctx.requestId, {
        CurrentPage: page,
        PageSize: size,
        TotalSize: all.length,
        Applications: all
          .slice((page - 1) * size, page * size)
          .map((a) => applicationListItem(a, ctx.regionId)),
      });
    },
  },
  {
    action: 'ListAppVersions',
    method: 'GET',
    path: '/pop/v1/sam/app/listAppVersions',
    handle(ctx) {
      const app = visibleApp(ctx, 'InvalidApplication.NotFound');
      if (isReply(app)) return app;
      return saeSuccess(ctx.requestId, (ctx.state.appVersions(app.appId) ?? []).map(appVersionItem));
    },
  },
  {
    action: 'RollbackApplication',
    method: 'PUT',
    path: '/pop/v1/sam/app/rollbackApplication',
    handle(ctx) {
      const app = visibleApp(ctx, 'InvalidApplication.NotFound');
      if (isReply(app)) return app;
      const versionId = requireId(ctx, 'VersionId');
      if (typeof versionId !== 'string') return versionId;
      const bad = badRollbackOption(ctx);
      if (bad) return bad;
      try {
        const { changeOrderId, isNeedApproval } = rollbackApplication(ctx.state, app.appId, versionId);
        return saeSuccess(ctx.requestId, { ChangeOrderId: changeOrderId, IsNeedApproval: isNeedApproval });
      } catch (err) {
        if (!(err instanceof SaeStateError)) throw err;
        if (err.code === 'InvalidParameter.WithMessage') {
          return knownSaeError(ctx.requestId, err.code, 'VersionId', 'the version does not exist');
        }
        if (err.code === 'Application.ChangerOrderRunning' || err.code === 'InvalidApplication.NotFound') {
          return knownSaeError(ctx.requestId, err.code);
        }
        throw err;
      }
    },
  },
];
