import { z } from 'zod';
import { numberish, optionalString } from '../aliyun/lenient.js';

/**
 * SAE response bodies, parsed at the boundary. Lenient where SAE is inconsistent in practice (numbers
 * sent as strings, nulls for absent fields), strict where a wrong value would mislead a decision.
 */

/** The common envelope. `Code` is a string ("200") in SAE, a number in some doc samples. */
export const envelopeSchema = z.object({
  RequestId: z.string().min(1),
  TraceId: optionalString,
  Code: z.union([z.string(), z.number()]).nullish(),
  ErrorCode: optionalString,
  Message: optionalString,
  Success: z.boolean().nullish(),
  Data: z.unknown().optional(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

export const abortDataSchema = z
  .object({ ChangeOrderId: optionalString })
  .nullish()
  .transform((d) => ({ ChangeOrderId: d?.ChangeOrderId }));

export const changeOrderDataSchema = z.object({
  ChangeOrderId: z.string().min(1),
  AppId: z.string().min(1),
  AppName: optionalString,
  Status: numberish,
  SubStatus: numberish.nullish().transform((v) => v ?? 0),
  CoTypeCode: optionalString,
  CreateTime: optionalString,
  Description: optionalString,
  SupportRollback: z.boolean().nullish(),
});

export const applicationStatusDataSchema = z.object({
  AppId: z.string().min(1),
  LastChangeOrderId: optionalString,
  LastChangeOrderRunning: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  LastChangeOrderStatus: optionalString,
  SubStatus: optionalString,
  CurrentStatus: optionalString,
});

export const changeOrderPageDataSchema = z.object({
  CurrentPage: numberish,
  PageSize: numberish,
  TotalSize: numberish,
  ChangeOrderList: z
    .array(
      z.object({
        ChangeOrderId: z.string().min(1),
        AppId: optionalString,
        Status: numberish,
        CoTypeCode: optionalString,
        CreateTime: optionalString,
        FinishTime: optionalString,
        BatchCount: numberish.nullish(),
      }),
    )
    .nullish()
    .transform((v) => v ?? []),
});
