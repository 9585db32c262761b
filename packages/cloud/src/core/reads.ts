import type { ScopeRead } from "./scope-runner.ts";
import type { ScopeRef } from "../types.ts";

/**
 * A read that fails at once with an error the planner already has (an account whose regions
 * could not be listed, a target of an account the adapter does not know), so that scope is
 * still reported through the runner like every other.
 */
export function failingRead<T>(scope: ScopeRef, operation: string, error: Error): ScopeRead<T> {
  return {
    scopes: [scope],
    operation,
    read: () => ({
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }),
    }),
  };
}
