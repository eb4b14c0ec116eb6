/**
 * Every change type (`CoTypeCode`) SAE documents, with the title SAE shows for it (`CoType`).
 *
 * The codes are those of the DescribeChangeOrder and ListChangeOrders docs / SDK models (the request
 * side of ListChangeOrders spells start/stop `CoStartApplication` / `CoStopApplication`, the responses
 * `CoStart` / `CoStop`: both are accepted). The docs sample `CoType` in both languages — DescribeChangeOrder
 * `Restart Instances` (English), ListChangeOrders `创建应用` (Chinese) — so the emulator answers
 * DescribeChangeOrder with the English title and ListChangeOrders with the Chinese one, as the samples
 * do. The other titles follow the docs' description of each code; they are labels, never parsed.
 */
export const CO_TYPES = {
  CoBindSlb: { en: 'Bind SLB', zh: '绑定SLB' },
  CoUnbindSlb: { en: 'Unbind SLB', zh: '解绑SLB' },
  CoCreateApp: { en: 'Create Application', zh: '创建应用' },
  CoDeleteApp: { en: 'Delete Application', zh: '删除应用' },
  CoDeploy: { en: 'Deploy Application', zh: '部署应用' },
  CoRestartApplication: { en: 'Restart Application', zh: '重启应用' },
  CoRollback: { en: 'Rollback Application', zh: '回滚应用' },
  CoScaleIn: { en: 'Scale In Application', zh: '应用缩容' },
  CoScaleOut: { en: 'Scale Out Application', zh: '应用扩容' },
  CoStart: { en: 'Start Application', zh: '启动应用' },
  CoStop: { en: 'Stop Application', zh: '停止应用' },
  CoStartApplication: { en: 'Start Application', zh: '启动应用' },
  CoStopApplication: { en: 'Stop Application', zh: '停止应用' },
  CoRescaleApplicationVertically: { en: 'Change Instance Specifications', zh: '变更实例规格' },
  CoDeployHistroy: { en: 'Roll Back to Historical Version', zh: '回滚历史版本' },
  CoBindNas: { en: 'Bind NAS', zh: '绑定NAS' },
  CoUnbindNas: { en: 'Unbind NAS', zh: '解绑NAS' },
  CoBatchStartApplication: { en: 'Batch Start Applications', zh: '批量启动应用' },
  CoBatchStopApplication: { en: 'Batch Stop Applications', zh: '批量停止应用' },
  CoRestartInstances: { en: 'Restart Instances', zh: '重启实例' },
  CoDeleteInstances: { en: 'Delete Instances', zh: '删除实例' },
  CoScaleInAppWithInstances: { en: 'Scale In Specified Instances', zh: '指定实例缩容' },
} as const satisfies Record<string, { en: string; zh: string }>;

export type CoTypeCode = keyof typeof CO_TYPES;

export function isKnownCoType(code: string): code is CoTypeCode {
  return Object.hasOwn(CO_TYPES, code);
}

/** The `CoType` title SAE shows for a code, in the language of the doc sample of that API. */
export function coTypeName(code: string, lang: 'en' | 'zh' = 'en'): string {
  return isKnownCoType(code) ? CO_TYPES[code][lang] : code;
}

/** Change types that install a different version, so abort-and-rollback has something to restore. */
export const VERSION_CHANGING_TYPES: ReadonlySet<string> = new Set([
  'CoDeploy',
  'CoRollback',
  'CoDeployHistroy',
  'CoCreateApp',
]);

/**
 * Types that ship an existing version again and get a record of their own in ListAppVersions: a redeploy
 * of a historical version (`CoDeployHistroy`) deploys that version's image again — an assumption, the docs
 * do not say. RollbackApplication (`CoRollback`) goes back to an existing record by its `VersionId` and
 * adds none; a deployment (`CoDeploy`) of a label the app never ran adds one.
 */
export const REDEPLOY_TYPES: ReadonlySet<string> = new Set(['CoDeployHistroy']);
