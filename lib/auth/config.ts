import { z } from 'zod';
import { parseCidr } from './cidr.js';

/**
 * Authentication of the alarm function's HTTP trigger, read from the environment with the rest of the
 * config (lib/config.ts). Values are secrets: problems name the variable and the rule, never the value.
 */
const TOKEN = /^[A-Za-z0-9._~-]{16,256}$/;
const SECRET = /^[^\s,]{16,512}$/;

/** A comma-separated list; empty items (a trailing comma) are dropped. */
const list = (item: z.ZodString | z.ZodType<string, string>) =>
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    )
    .pipe(z.array(item));

export const authEnvSchema = z.object({
  /** Tokens accepted in `?token=` or the `x-sae-rollback-token` header; several allow rotation. */
  ALARM_AUTH_TOKENS: list(
    z
      .string()
      .regex(TOKEN, 'each token must be 16–256 URL-safe characters (letters, digits, ".", "_", "~", "-")'),
  ).optional(),
  /** Secrets for the `x-sae-rollback-signature` HMAC; several allow rotation. */
  ALARM_HMAC_SECRETS: list(
    z.string().regex(SECRET, 'each secret must be 16–512 characters without spaces or commas'),
  ).optional(),
  /** Source addresses allowed to call the HTTP trigger: IPs or CIDR blocks, IPv4 or IPv6. */
  ALARM_SOURCE_CIDRS: list(
    z
      .string()
      .refine(
        (c) => parseCidr(c) !== undefined,
        'each entry must be an IP or a CIDR block like 47.74.206.0/26',
      ),
  ).optional(),
  /**
   * Default `true`: every HTTP request needs a valid credential — with none configured, every one is
   * refused. `false` turns the credential check off on purpose (not the IP check).
   */
  ALARM_AUTH_REQUIRED: z.enum(['true', 'false']).optional(),
});

/** How the HTTP trigger is authenticated. */
export interface AuthConfig {
  tokens: string[];
  hmacSecrets: string[];
  /** Empty: any source address. */
  sourceCidrs: string[];
  /**
   * False (only with ALARM_AUTH_REQUIRED=false): requests without a valid credential are let through
   * (warned about at cold start). True with no tokens and no secrets: every HTTP request is refused.
   */
  required: boolean;
}

/**
 * Builds the auth config. Secure by default: unless ALARM_AUTH_REQUIRED is `false`, a credential is
 * required, so with no token or secret configured the HTTP trigger refuses every request (the consumer
 * and the guard, which share these variables, are not HTTP and keep working).
 */
export function authConfigFrom(e: z.output<typeof authEnvSchema>): AuthConfig {
  return {
    tokens: e.ALARM_AUTH_TOKENS ?? [],
    hmacSecrets: e.ALARM_HMAC_SECRETS ?? [],
    sourceCidrs: e.ALARM_SOURCE_CIDRS ?? [],
    required: e.ALARM_AUTH_REQUIRED !== 'false',
  };
}
