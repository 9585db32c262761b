/** Base of every error `@cloudsync/db` throws on purpose. */
export class CloudsyncDbError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An argument was wrong; nothing was written. `field` names it, the message says what to pass. */
export class InvalidInputError extends CloudsyncDbError {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** Migrations could not be applied; the database is left at the last migration that succeeded. */
export class MigrationError extends CloudsyncDbError {}

/** No URL was given and the optional `@electric-sql/pglite` is not installed; the message says what to install. */
export class EmbeddedDatabaseUnavailableError extends CloudsyncDbError {}
