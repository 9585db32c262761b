/**
 * The two ways a command ends without doing its job, told apart by the exit code (README, "Exit
 * codes"): 2 when it was asked wrongly (fix the command line, the environment or an input file
 * and run it again), 1 when it was asked rightly but could not or would not do it.
 */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A refusal or failure the user did not cause by typing something wrong: exit code 1. */
export class CommandFailedError extends Error {
  override name = "CommandFailedError";
}
