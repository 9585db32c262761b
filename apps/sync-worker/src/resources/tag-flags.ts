/**
 * What a resource's tags declare about it. Computed here, once per resource before a page is
 * sent, so neither the insert nor the update statement calls a non-inlinable SQL function per
 * row; a null means "the tags say nothing", and the update statement then keeps the stored value.
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
