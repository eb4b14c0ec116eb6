import { z } from 'zod';
import { wholeNumber } from '../config-values.js';
import type { CredentialSource } from '../credentials.js';
import { once } from '../lazy.js';
import { FUNCTION_NAME_PATTERN } from './adapter.js';
import { Fc2Invoker } from './fc2.js';
import { Fc3Invoker } from './fc3.js';
import type { Invoker } from './types.js';

/**
 * Where the fan-out goes, from the environment. Not `FC_*` names: FC reserves those for itself (it sets
 * `FC_ACCOUNT_ID` and `FC_REGION`, which are used as defaults). Built on first use: only the fan-out and the
 * FC hook read these, and every cold start would build it otherwise.
 */
export const invokerEnvSchema = once(() =>
  z.object({
    /** `fc3` (FC 3.0, the default) or `fc2` (functions in an FC 2.0 service). */
    INVOKE_API: z.enum(['fc3', 'fc2']).default('fc3'),
    /** FC 3.0: host[:port]; FC 2.0: a full URL. Default: the public regional endpoint of the account. */
    INVOKE_ENDPOINT: z
      .string()
      .regex(/^(https?:\/\/)?[A-Za-z0-9.-]+(:\d{1,5})?\/?$/, 'must be host[:port] or a URL')
      .optional(),
    INVOKE_PROTOCOL: z.enum(['https', 'http']).default('https'),
    INVOKE_ACCOUNT_ID: z.string().regex(/^\d+$/, 'must be the numeric Alibaba Cloud account ID').optional(),
    INVOKE_REGION: z
      .string()
      .regex(/^[a-z]{2}-[a-z0-9-]+$/, 'must look like cn-hangzhou')
      .optional(),
    /** FC 2.0 only: the service holding the functions. */
    INVOKE_FC2_SERVICE: z.string().regex(FUNCTION_NAME_PATTERN, 'must be an FC service name').optional(),
    INVOKE_QUALIFIER: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a version or alias')
      .default('LATEST'),
    INVOKE_TIMEOUT_MS: wholeNumber(10_000, 100, 900_000),
    FC_ACCOUNT_ID: z.string().optional(),
    FC_REGION: z.string().optional(),
    SAE_REGION: z.string().optional(),
  }),
);

export interface InvokerSettings {
  api: 'fc3' | 'fc2';
  accountId: string;
  regionId: string;
  endpoint: string | undefined;
  protocol: 'https' | 'http';
  serviceName: string | undefined;
  qualifier: string;
  timeoutMs: number;
}

export class InvokerConfigError extends Error {
  override readonly name = 'InvokerConfigError';
}

/** Parses the invoker settings; throws {@link InvokerConfigError} naming each bad variable and the fix. */
export function loadInvokerSettings(env: Record<string, string | undefined> = process.env): InvokerSettings {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = invokerEnvSchema().safeParse(cleaned);
  const problems: string[] = r.success
    ? []
    : r.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message}`);
  const e = r.success ? r.data : undefined;
  const accountId = e?.INVOKE_ACCOUNT_ID ?? e?.FC_ACCOUNT_ID;
  const regionId = e?.INVOKE_REGION ?? e?.FC_REGION ?? e?.SAE_REGION;
  if (e && !accountId)
    problems.push('  INVOKE_ACCOUNT_ID (unset): set it to the account that owns the functions.');
  if (e && !regionId)
    problems.push("  INVOKE_REGION (unset): set it to the functions' region, e.g. cn-hangzhou.");
  if (e?.INVOKE_API === 'fc2' && !e.INVOKE_FC2_SERVICE)
    problems.push('  INVOKE_FC2_SERVICE (unset): FC 2.0 functions live in a service; name it.');
  if (!e || !accountId || !regionId || problems.length > 0) {
    throw new InvokerConfigError(`Invalid FC invoker configuration:\n${problems.join('\n')}`);
  }
  return {
    api: e.INVOKE_API,
    accountId,
    regionId,
    endpoint: e.INVOKE_ENDPOINT,
    protocol: e.INVOKE_PROTOCOL,
    serviceName: e.INVOKE_FC2_SERVICE,
    qualifier: e.INVOKE_QUALIFIER,
    timeoutMs: e.INVOKE_TIMEOUT_MS,
  };
}

/** The adapter the settings name. */
export function createInvoker(s: InvokerSettings, credentials: CredentialSource): Invoker {
  if (s.api === 'fc2') {
    const endpoint =
      s.endpoint && !/^https?:\/\//.test(s.endpoint) ? `${s.protocol}://${s.endpoint}` : s.endpoint;
    return new Fc2Invoker({
      accountId: s.accountId,
      regionId: s.regionId,
      credentials,
      serviceName: s.serviceName ?? '',
      qualifier: s.qualifier,
      timeoutMs: s.timeoutMs,
      ...(endpoint ? { endpoint } : {}),
    });
  }
  const endpoint = s.endpoint?.replace(/^https?:\/\//, '').replace(/\/$/, '');
  return new Fc3Invoker({
    accountId: s.accountId,
    regionId: s.regionId,
    credentials,
    protocol: s.protocol,
    qualifier: s.qualifier,
    readTimeoutMs: s.timeoutMs,
    ...(endpoint ? { endpoint } : {}),
  });
}
