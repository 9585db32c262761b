import type { AlertType, SeverityLevel } from "@cloudsync/db";

/** What the rules know about a resource: its row, as the last syncs left it. */
export interface ResourceFacts {
  id: string;
  providerId: string;
  name: string;
  /** `resource_status` (`running`, `stopped`, `terminated`, …). */
  status: string | null;
  /** `health_status` (`healthy`, `warning`, `critical`, `unknown`). */
  healthStatus: string | null;
  isWeddingCritical: boolean;
}

/** What the backup tables say of a running wedding-critical resource (for `wedding_day_critical`). */
export interface BackupCoverageFacts {
  resourceId: string;
  /** `resource_type`: only `compute`, `storage` and `database` resources hold data to restore. */
  resourceType: string;
  /** Its backup configurations that are not disabled, of any origin (a cloud's or hand-written). */
  configurations: number;
}

/** One stored metric sample of a resource. */
export interface SampleFacts {
  resourceId: string;
  /** Epoch milliseconds. */
  at: number;
  metrics: Readonly<Record<string, number | undefined>>;
}

/** A resource's billed cost of one day (the sum of its daily cost lines). */
export interface DailyCostFacts {
  resourceId: string;
  /** `YYYY-MM-DD`. */
  day: string;
  amount: number;
  currency: string;
}

/** An alert a rule wants open now: raised if none is open for the resource and type, else kept. */
export interface AlertCandidate {
  alertType: AlertType;
  resourceId: string;
  providerId: string;
  severity: SeverityLevel;
  name: string;
  /** What the rule tested, with its parameters (`alert_conditions`). */
  conditions: Record<string, unknown>;
  /** The figures that made it true (`current_values`). */
  currentValues: Record<string, unknown>;
  weddingDayEscalation: boolean;
}

/**
 * A rule's answer: the alerts that should be open, and every resource it could judge. An open
 * alert of the rule's type on a judged resource that has no candidate has cleared, and is
 * resolved with `clearedNote`; resources it could not judge (no samples) keep theirs.
 */
export interface RuleResult {
  alertType: AlertType;
  candidates: AlertCandidate[];
  judged: Set<string>;
  /** Why an alert of this type was resolved, for `resolution_notes`. */
  clearedNote: string;
}

export const isRunning = (r: ResourceFacts) => r.status === "running";
