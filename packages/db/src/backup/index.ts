// Backup and restore of a cloudsync database on a PostgreSQL server (not the embedded PGlite).
// Exported as `@cloudsync/db/backup` (apart from the package index, so an application that only
// queries never loads it) and used by the cloudsync-db-backup / cloudsync-db-restore bins.
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
