import { z } from 'zod';
import { numberish, optionalString } from '../aliyun/lenient.js';
import { once } from '../lazy.js';

/**
 * `Data` of the SAE application APIs (field names from the TS SDK models), lenient on types and nulls.
 * Each built on its first use: only a namespace allowlist, the guard and the bake window call these APIs,
 * and every cold start would build them otherwise.
 */

const optionalNumber = () => numberish.nullish().transform((v) => v ?? undefined);

export const applicationPageDataSchema = once(() =>
  z.object({
    CurrentPage: numberish,
    PageSize: numberish,
    TotalSize: numberish,
    Applications: z
      .array(
        z.object({
          AppId: z.string().min(1),
          AppName: optionalString,
          NamespaceId: optionalString,
          RegionId: optionalString,
          Instances: optionalNumber(),
          RunningInstances: optionalNumber(),
        }),
      )
      .nullish()
      .transform((v) => v ?? []),
  }),
);

export const appVersionsDataSchema = once(() =>
  z
    .array(
      z.object({
        Id: z.string().min(1),
        Type: optionalString,
        CreateTime: z
          .union([z.string(), z.number()])
          .nullish()
          .transform((v) => (v === null || v === undefined || v === '' ? undefined : String(v))),
        BuildPackageUrl: optionalString,
        WarUrl: optionalString,
        ImageUrl: optionalString,
      }),
    )
    .nullish()
    .transform((v) => v ?? []),
);

/** RollbackApplication's Data (the SDK's RollbackApplicationResponseBodyData: ChangeOrderId, IsNeedApproval). */
export const rollbackDataSchema = once(() =>
  z
    .object({ ChangeOrderId: optionalString, IsNeedApproval: z.boolean().nullish() })
    .nullish()
    .transform((d) => ({ ChangeOrderId: d?.ChangeOrderId, IsNeedApproval: d?.IsNeedApproval === true })),
);
