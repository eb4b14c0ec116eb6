/** zod schemas for the `/__admin/` JSON bodies; they parse into the same types the in-process API takes. */
import { z } from 'zod';

const id = z.string().min(1).max(256);

export const credentialSchema = z.object({
  accessKeyId: id,
  accessKeySecret: z.string().min(1),
  securityToken: z.string().min(1).exactOptional(),
  deniedActions: z.array(z.string()).exactOptional(),
  allowedAppIds: z.array(z.string()).exactOptional(),
});

export const seedAppSchema = z.object({
  appId: id,
  appName: z.string().exactOptional(),
  namespaceId: z.string().exactOptional(),
  versions: z.array(z.string().min(1)).exactOptional(),
  versionIds: z.array(id).exactOptional(),
  runningInstances: z.int().min(0).exactOptional(),
  history: z.boolean().exactOptional(),
  approvalRequired: z.boolean().exactOptional(),
});

export const autoScaleOutSchema = z.object({
  afterCalls: z.int().min(0).max(1_000_000).exactOptional(),
  instances: z.int().min(1).max(1000).exactOptional(),
});

const subStatus = z.union([z.literal(0), z.literal(1)]);

export const startChangeOrderSchema = z.object({
  appId: id,
  changeOrderId: id.exactOptional(),
  coTypeCode: z.string().min(1).exactOptional(),
  status: z.int().exactOptional(),
  subStatus: subStatus.exactOptional(),
  toVersion: z.string().min(1).exactOptional(),
  toVersionId: id.exactOptional(),
  batchCount: z.int().min(1).max(100).exactOptional(),
  source: z.enum(['console', 'api', 'system']).exactOptional(),
  description: z.string().exactOptional(),
});

export const statusSchema = z.object({ status: z.int(), subStatus: subStatus.exactOptional() });

export const finishSchema = z.object({
  status: z.union([z.literal(2), z.literal(3), z.literal(6), z.literal(10)]).exactOptional(),
  /** FinishTime, epoch ms. */
  at: z.int().min(0).exactOptional(),
});

export const namespaceSchema = z.object({ namespaceId: id });

export const rollbackCompletionSchema = z.object({ mode: z.enum(['immediate', 'manual']) });

export const abortProgressSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('immediate') }),
  z.object({
    mode: z.literal('terminating'),
    terminatingMs: z.int().min(0),
    end: z.enum(['rolled-back', 'failed', 'stuck']),
    systemFailure: z.boolean().exactOptional(),
  }),
]);

export const errorShapeSchema = z.object({ shape: z.enum(['documented', 'legacy']) });

const faultBase = { action: z.string().min(1).exactOptional(), times: z.int().min(1).exactOptional() };
const httpStatus = z.int().min(100).max(599);

export const faultSchema = z.discriminatedUnion('kind', [
  z.object({
    ...faultBase,
    kind: z.literal('http-error'),
    status: httpStatus,
    code: z.string().min(1),
    message: z.string().exactOptional(),
    shape: z.enum(['sae', 'pop']).exactOptional(),
  }),
  z.object({ ...faultBase, kind: z.literal('throttle'), status: httpStatus.exactOptional() }),
  z.object({ ...faultBase, kind: z.literal('html'), status: httpStatus.exactOptional() }),
  z.object({ ...faultBase, kind: z.literal('latency'), ms: z.int().min(0).max(120_000) }),
  z.object({ ...faultBase, kind: z.literal('reset') }),
  z.object({
    ...faultBase,
    kind: z.literal('success-false'),
    code: z.string().min(1),
    message: z.string().exactOptional(),
  }),
]);
