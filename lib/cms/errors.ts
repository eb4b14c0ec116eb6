/** CloudMonitor errors, classified once where they are caught, with the same kinds as SAE errors. */
import { ApiError, type ApiErrorContext, apiErrorConverter } from '../aliyun/errors.js';
import { classifyCmsCode } from '../aliyun/tables/cms.js';

export type CmsErrorContext = ApiErrorContext;

/** Any failed CloudMonitor call. `message` never contains credentials. */
export class CmsError extends ApiError {
  override readonly name = 'CmsError';
}

/** CloudMonitor's table (lib/aliyun/tables/cms.ts). */
export { classifyCmsCode };

/** Turns whatever `callApi` threw into a classified {@link CmsError}. */
export const toCmsError = apiErrorConverter(CmsError, classifyCmsCode, 'CloudMonitor');
