export { createInvoker, InvokerConfigError, type InvokerSettings, loadInvokerSettings } from './config.js';
export { DuplicateTaskError, InvokeError } from './errors.js';
export { FC2_API_VERSION, Fc2Invoker, type Fc2InvokerOptions } from './fc2.js';
export { defaultFc3Endpoint, FC3_API_VERSION, Fc3Invoker, type Fc3InvokerOptions } from './fc3.js';
export { isValidTaskId, TASK_ID_PATTERN, taskIdFor, taskIdForChangeOrder } from './task-id.js';
export type { AsyncInvocation, InvokeAsyncOptions, Invoker, SyncInvocation } from './types.js';
export { FC_ACTIONS } from './types.js';
