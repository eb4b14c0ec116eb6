export { type Cidr, parseCidr, SourceAllowlist } from './cidr.js';
export { hmacV1, matchesAny } from './compare.js';
export { type AuthConfig, authConfigFrom, authEnvSchema } from './config.js';
export {
  type AuthVerdict,
  type AuthVia,
  HttpAuth,
  SIGNATURE_HEADER,
  SIGNATURE_WINDOW_MS,
  TIMESTAMP_HEADER,
  TOKEN_HEADER,
  TOKEN_QUERY_PARAM,
} from './http-auth.js';
