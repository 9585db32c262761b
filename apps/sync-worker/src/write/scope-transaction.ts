import type { Database, Transaction } from "@cloudsync/db";

/**
 * A transaction held open while a scope's pages arrive, committed when the scope completes
 * and rolled back when it fails, so a period's old lines are replaced by its new ones
 * atomically or not at all.
 */
export interface ScopeTransaction {
  tx: Transaction;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

class Rollback extends Error {}

export async function openScopeTransaction(db: Database): Promise<ScopeTransaction> {
  let finish!: (commit: boolean) => void;
  const decided = new Promise<boolean>((resolve) => {
    finish = resolve;
  });
  let opened!: (tx: Transaction) => void;
  let failedToOpen!: (error: unknown) => void;
  const ready = new Promise<Transaction>((resolve, reject) => {
    opened = resolve;
    failedToOpen = reject;
  });
  const done = db
    .transaction(async (tx) => {
      opened(tx);
      if (!(await decided)) throw new Rollback();
    })
    .catch((error: unknown) => {
      if (error instanceof Rollback) return;
      failedToOpen(error);
      throw error;
    });
  const tx = await ready;
  return {
    tx,
    async commit() {
      finish(true);
      await done;
    },
    async rollback() {
      finish(false);
      await done.catch(() => undefined);
    },
  };
}
