export { alarmingApps } from './alarms.js';
export { LAST_STATUS_CODES, runningCondition } from './conditions.js';
export { Guard, type GuardOptions } from './guard.js';
export {
  type Dispatch,
  type DispatchResult,
  type Finding,
  GUARD_CONDITIONS,
  type GuardCondition,
  type GuardReport,
  type GuardSettings,
  type WatchedApp,
} from './types.js';
export { type WatchList, watchList } from './watch-list.js';
