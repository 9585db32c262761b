/**
 * What a resource's tags declare about it, read the same way as the SQL functions
 * `environment_from_tags()` and `wedding_critical_from_tags()` of migration 0008 (a test runs both
 * over one table of cases). Computed here so inserting a page of new resources calls no
 * non-inlinable SQL function per row; the update path keeps the SQL functions because it must
 * fall back to the stored value, which only the database has.
 */

const environmentKeyRank: Readonly<Record<string, number>> = { environment: 0, env: 1, stage: 2 };

const environments: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["production", ["prod", "production", "prd", "live"]],
  ["staging", ["staging", "stage", "stg", "preprod", "pre-prod", "uat"]],
  ["testing", ["test", "testing", "qa", "tst"]],
  ["development", ["dev", "development", "sandbox", "local"]],
];

/**
 * The environment the tags declare (`environment`, `env` or `stage`, in that order of precedence,
 * keys in any case), or null when no such tag exists or its value names no known environment.
 */
export function environmentFromTags(tags: Readonly<Record<string, string>>): string | null {
  let best: string | undefined;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const [key, value] of Object.entries(tags)) {
    const rank = environmentKeyRank[key.toLowerCase()];
    if (rank !== undefined && rank < bestRank) {
      best = value;
      bestRank = rank;
    }
  }
  if (best === undefined) return null;
  const v = best.trim().toLowerCase();
  for (const [environment, spellings] of environments) if (spellings.includes(v)) return environment;
  return null;
}

/** True or false when a wedding-critical tag (any spelling of the key) is present, null otherwise. */
export function weddingCriticalFromTags(tags: Readonly<Record<string, string>>): boolean | null {
  for (const [key, value] of Object.entries(tags)) {
    if (key.toLowerCase().replaceAll("-", "").replaceAll("_", "") === "weddingcritical") {
      return ["true", "yes", "1", "y"].includes(value.trim().toLowerCase());
    }
  }
  return null;
}
