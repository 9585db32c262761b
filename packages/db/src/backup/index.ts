// Backup and restore of a cloudsync database on a PostgreSQL server (not the embedded PGlite).
// Used by scripts/backup.ts and scripts/restore.ts; not exported from the package index, since
// applications never need it.
export { type BackupOptions, type BackupResult, backupDatabase, manifestPathFor } from "./backup.ts";
export { BackupError, redactUrl } from "./connection.ts";
export {
  type BackupManifest,
  type ContentDifference,
  type DatabaseContents,
  type TableContents,
  compareContents,
  describeDifference,
  readDatabaseContents,
  readManifest,
} from "./manifest.ts";
export { type RestoreOptions, type RestoreResult, type VerifyResult, restoreDatabase, verifyDatabase } from "./restore.ts";
