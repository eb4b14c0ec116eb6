import { z } from 'zod';

/**
 * Which label and annotation names of an Alertmanager / ARMS alert carry the app and change order
 * IDs. Alert rules are written by many teams, so the defaults take the common spellings; a deployment
 * whose rules use another name sets `ALERT_APP_ID_KEYS` / `ALERT_CHANGE_ORDER_ID_KEYS` (the list
 * replaces the defaults).
 */
export interface AlertKeys {
  appId: readonly string[];
  changeOrderId: readonly string[];
}

export const DEFAULT_ALERT_KEYS: AlertKeys = {
  appId: ['appId', 'AppId', 'app_id', 'appid', 'sae_app_id', 'saeAppId', 'sae_appid'],
  changeOrderId: [
    'changeOrderId',
    'ChangeOrderId',
    'change_order_id',
    'sae_change_order_id',
    'saeChangeOrderId',
  ],
};

/** A Prometheus label name (annotations follow the same rule in practice), bounded. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_NAMES = 16;

const names = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  )
  .pipe(
    z
      .array(
        z
          .string()
          .regex(NAME, 'each name must be a label name: letters, digits and "_", not starting with a digit'),
      )
      .min(1, 'name at least one label')
      .max(MAX_NAMES, `at most ${MAX_NAMES} names`),
  );

export const alertKeysEnvSchema = z.object({
  /** Comma-separated label / annotation names holding the SAE app ID in Alertmanager / ARMS alerts. */
  ALERT_APP_ID_KEYS: names.optional(),
  /** Comma-separated label / annotation names holding the SAE change order ID. */
  ALERT_CHANGE_ORDER_ID_KEYS: names.optional(),
});

export function alertKeysFrom(e: z.output<typeof alertKeysEnvSchema>): AlertKeys {
  return {
    appId: e.ALERT_APP_ID_KEYS ?? DEFAULT_ALERT_KEYS.appId,
    changeOrderId: e.ALERT_CHANGE_ORDER_ID_KEYS ?? DEFAULT_ALERT_KEYS.changeOrderId,
  };
}
