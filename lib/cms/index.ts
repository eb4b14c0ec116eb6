export { CmsClient, type CmsClientOptions, defaultCmsEndpoint } from './client.js';
export { CmsError, classifyCmsCode, toCmsError } from './errors.js';
export {
  AlertLevel,
  AlertState,
  CMS_ACTIONS,
  type CmsAction,
  type CmsApi,
  type CmsResult,
  type MetricRule,
  type MetricRulePage,
  type MetricRuleQuery,
  SAE_METRIC_NAMESPACE,
} from './types.js';
