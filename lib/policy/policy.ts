import type { Alarm } from '../rollback/outcome.js';

/**
 * The rollback policy: which apps may be rolled back at all (allowlist, opt-out), which alarms are
 * serious enough (minimum severity), and whether anything may change (dry-run). Config-driven and pure;
 * the decision core asks it before any mutating call — and, for the app named by a request, before any
 * SAE call — and turns each refusal into a published `refused` outcome.
 */

/** Severity levels, least severe first (CloudMonitor's `triggerLevel` names). */
export const SEVERITIES = ['INFO', 'WARN', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The policy rule that refused a request (named in the outcome's `reason`). */
export const POLICY_RULES = ['allowlist', 'opt-out', 'severity'] as const;
export type PolicyRule = (typeof POLICY_RULES)[number];

export type Verdict = { ok: true } | { ok: false; rule: PolicyRule; reason: string };

export interface PolicySettings {
  /** When this or `allowNamespaceIds` is non-empty, only listed apps (or apps of listed namespaces) are acted on. */
  allowAppIds: readonly string[];
  allowNamespaceIds: readonly string[];
  /** Never acted on, whatever else says. */
  optOutAppIds: readonly string[];
  /** Alarms below this are refused; undefined: no minimum. */
  minSeverity?: Severity | undefined;
  /** With a minimum set: alarms from an alerting source that carry no severity pass too. Default false. */
  allowUnrated?: boolean;
  /** Every read runs; no mutating call is made. */
  dryRun: boolean;
}

export const DEFAULT_POLICY: PolicySettings = {
  allowAppIds: [],
  allowNamespaceIds: [],
  optOutAppIds: [],
  dryRun: false,
};

/**
 * How the sources name severities, mapped onto CloudMonitor's three levels: CloudMonitor `triggerLevel`
 * (CRITICAL/WARN/INFO), Alertmanager/ARMS `severity` labels (critical/warning/info, error, page, …), ARMS
 * `_aliyun_arms_alert_level` (P1 highest … P4), SAE event `level` (WARNING, …).
 */
const SEVERITY_NAMES: Readonly<Record<string, Severity>> = Object.fromEntries([
  ...['critical', 'crit', 'fatal', 'emergency', 'emerg', 'page', 'disaster', 'p0', 'p1', 'sev0', 'sev1'].map(
    (n) => [n, 'CRITICAL'] as const,
  ),
  ...['warn', 'warning', 'error', 'err', 'high', 'major', 'medium', 'p2', 'p3', 'sev2', 'sev3'].map(
    (n) => [n, 'WARN'] as const,
  ),
  ...['info', 'information', 'informational', 'notice', 'low', 'minor', 'debug', 'p4', 'p5', 'sev4'].map(
    (n) => [n, 'INFO'] as const,
  ),
]);

/**
 * CloudMonitor numbers its levels from 2: Critical (2, shown as P2), Warning (3, P3), Info (4, P4) —
 * the `level` of a rule's escalations and of the callback's `expression`. ARMS counts from P1, so
 * "P2" means a different level there: the source decides.
 */
const CLOUDMONITOR_LEVELS: Readonly<Record<string, Severity>> = {
  p2: 'CRITICAL',
  '2': 'CRITICAL',
  p3: 'WARN',
  '3': 'WARN',
  p4: 'INFO',
  '4': 'INFO',
};

/** The level a source's severity string names; undefined when it names none we know. */
export function normalizeSeverity(raw: string, source?: string): Severity | undefined {
  const key = raw.trim().toLowerCase();
  const cloudMonitor = source === 'cloudmonitor' || source === 'guard';
  return (cloudMonitor ? CLOUDMONITOR_LEVELS[key] : undefined) ?? SEVERITY_NAMES[key];
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/** Sources whose alarms are rated: CloudMonitor, Alertmanager/ARMS, and the guard's CloudMonitor rules. */
function isAlertingSource(alarm: Alarm): boolean {
  return (
    alarm.source === 'cloudmonitor' ||
    alarm.source === 'alertmanager' ||
    (alarm.source === 'guard' && !!alarm.ruleId)
  );
}

export class Policy {
  readonly settings: PolicySettings;
  readonly #allowApps: ReadonlySet<string>;
  readonly #allowNamespaces: ReadonlySet<string>;
  readonly #optOut: ReadonlySet<string>;

  constructor(settings: Partial<PolicySettings> = {}) {
    this.settings = { ...DEFAULT_POLICY, ...settings };
    this.#allowApps = new Set(this.settings.allowAppIds);
    this.#allowNamespaces = new Set(this.settings.allowNamespaceIds);
    this.#optOut = new Set(this.settings.optOutAppIds);
  }

  get dryRun(): boolean {
    return this.settings.dryRun;
  }

  /** True when an allowlist is set: everything not on it is refused. */
  get restrictsApps(): boolean {
    return this.#allowApps.size > 0 || this.#allowNamespaces.size > 0;
  }

  /** Whether an app may be acted on at all, without any SAE call (its namespace, when known, helps). */
  appFromConfig(appId: string, namespaceId?: string): Verdict | 'needs-namespace' {
    if (this.#optOut.has(appId)) {
      return {
        ok: false,
        rule: 'opt-out',
        reason: `opt-out: app ${appId} is in POLICY_OPT_OUT_APP_IDS, so it is never rolled back automatically. Roll back by hand if needed.`,
      };
    }
    if (!this.restrictsApps || this.#allowApps.has(appId)) return { ok: true };
    if (namespaceId !== undefined && this.#allowNamespaces.has(namespaceId)) return { ok: true };
    if (namespaceId === undefined && this.#allowNamespaces.size > 0) return 'needs-namespace';
    return this.#notListed(appId, namespaceId);
  }

  /**
   * Whether an app may be acted on. `findNamespace` is asked only when the app is not listed by ID and a
   * namespace allowlist is set: it returns the first allowed namespace holding the app, if any.
   */
  async app(
    appId: string,
    findNamespace?: (allowed: readonly string[]) => Promise<string | undefined>,
    knownNamespace?: string,
  ): Promise<Verdict> {
    const v = this.appFromConfig(appId, knownNamespace);
    if (v !== 'needs-namespace') return v;
    const ns = findNamespace ? await findNamespace(this.settings.allowNamespaceIds) : undefined;
    return ns !== undefined && this.#allowNamespaces.has(ns) ? { ok: true } : this.#notListed(appId, ns);
  }

  /**
   * Whether the alarm is severe enough. Requests that are not alarms (direct, the guard's own
   * conditions, SAE events) pass; an alarm from an alerting source without a severity is refused when a
   * minimum is set, unless unrated alarms are allowed on purpose.
   */
  severity(alarm: Alarm): Verdict {
    const min = this.settings.minSeverity;
    if (!min) return { ok: true };
    if (alarm.severity === undefined || alarm.severity.trim() === '') {
      if (this.settings.allowUnrated || !isAlertingSource(alarm)) return { ok: true };
      return {
        ok: false,
        rule: 'severity',
        reason: `severity: the ${alarm.source} alarm carries no severity, and POLICY_MIN_SEVERITY is ${min}; an unrated alarm is not acted on. Give the rule a level (CloudMonitor triggerLevel, a severity label on the Alertmanager/ARMS rule) or set POLICY_ALLOW_UNRATED=true.`,
      };
    }
    const level = normalizeSeverity(alarm.severity, alarm.source);
    if (level === undefined) {
      return {
        ok: false,
        rule: 'severity',
        reason: `severity: the alarm's severity "${alarm.severity.slice(0, 40)}" is not one we can rank, and POLICY_MIN_SEVERITY is ${min}; not acting on it. Use CRITICAL, WARN or INFO (or critical/warning/info, P1–P4).`,
      };
    }
    if (rank(level) >= rank(min)) return { ok: true };
    return {
      ok: false,
      rule: 'severity',
      reason: `severity: the alarm is ${level} (${alarm.severity}), below POLICY_MIN_SEVERITY ${min}; only alarms of ${min} or above roll back.`,
    };
  }

  #notListed(appId: string, namespaceId: string | undefined): Verdict {
    const where = namespaceId ? ` (namespace ${namespaceId})` : '';
    return {
      ok: false,
      rule: 'allowlist',
      reason: `allowlist: app ${appId}${where} is not in POLICY_ALLOW_APP_IDS or a namespace of POLICY_ALLOW_NAMESPACE_IDS; only listed apps are rolled back. Add it there to let sae-rollback act on it.`,
    };
  }
}
