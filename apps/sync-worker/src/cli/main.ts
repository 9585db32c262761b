#!/usr/bin/env node
import { CommanderError } from "commander";
import { explainDatabaseError } from "@cloudsync/db";
import { EnvError } from "../env.ts";
import { CredentialsFileError } from "../providers/credentials.ts";
import { EmulatorsMissingError } from "../demo/load-emulators.ts";
import { KeyringError } from "../secrets/keyring.ts";
import { UsageError } from "./errors.ts";
import { buildProgram } from "./program.ts";

/** Exit codes, as the README documents them. */
const DONE = 0;
const FAILED = 1;
const USAGE = 2;

/** Errors that mean "asked wrongly": the message says what to change, and nothing was done. */
function isUsage(error: unknown): boolean {
  return error instanceof UsageError || error instanceof EmulatorsMissingError || error instanceof EnvError || error instanceof CredentialsFileError || error instanceof KeyringError;
}

async function main(argv: string[]): Promise<number> {
  const { program, exitCode } = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode();
  } catch (error) {
    // commander has already printed its message (with a "Did you mean …?" when one is close).
    if (error instanceof CommanderError) return error.exitCode === 0 ? DONE : USAGE;
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (raw: unknown) => {
    // A write the database refused becomes a message naming the rule and what it accepts.
    const error = explainDatabaseError(raw);
    const usage = isUsage(error);
    console.error(`cloudsync: ${error instanceof Error ? error.message : String(error)}`);
    if (!usage && error instanceof Error && error.stack && process.env.LOG_LEVEL === "debug") console.error(error.stack);
    process.exitCode = usage ? USAGE : FAILED;
  },
);
