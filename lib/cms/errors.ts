/** CloudMonitor errors, classified once where they are caught, with the same kinds as SAE errors. */
import { ApiError, type ApiErrorContext, toApiError } from '../aliyun/errors.js';
import { classifyCmsCode } from '../aliyun/tables/cms.js';

export type CmsErrorContext = ApiErrorContext;

/** Any failed CloudMonitor call. `message` never contains credentials. */
export class CmsError extends ApiError {
  override readonly name = 'CmsError';
}

/** CloudMonitor's table (lib/aliyun/tables/cms.ts). */
export { classifyCmsCode };

/** Turns whatever `callApi` threw into a classified {@link CmsError}. */
export function toCmsError(action: string, err: unknown): CmsError {
  if (err instanceof CmsError) return err;
  return toApiError(action, err, {
    classify: classifyCmsCode,
    service: 'CloudMonitor',
    make: (message, ctx) => new CmsError(message, ctx),
  });
}
