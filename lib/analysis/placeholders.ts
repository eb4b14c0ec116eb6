/** The placeholders a query template may use, shared by the config's checks and the evaluation. */

export const PLACEHOLDERS = ['appId', 'appName', 'namespaceId', 'version'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateVars = Partial<Record<Placeholder, string>>;

/** Placeholders `template` uses (unknown ones too, so the caller can refuse them). */
export function placeholdersIn(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([A-Za-z]+)\s*\}\}/g)].map((m) => m[1] as string);
}
