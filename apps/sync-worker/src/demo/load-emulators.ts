/** The emulator package: a development dependency, which production images leave out. */
export type Emulators = typeof import("@cloudsync/cloud-emulators");

/** `cloudsync demo` was asked for where the emulators are not installed. */
export class EmulatorsMissingError extends Error {
  override name = "EmulatorsMissingError";
}

const emulatorPackage = "@cloudsync/cloud-emulators";

/**
 * Loads the cloud emulators when the demo starts, not when the CLI does: the production image
 * (`pnpm deploy --prod`) carries no emulator code, and every other command works without it.
 * `importer` is the import to attempt (the package itself unless a test names another).
 */
export async function loadEmulators(importer: () => Promise<unknown> = () => import("@cloudsync/cloud-emulators")): Promise<Emulators> {
  try {
    return (await importer()) as Emulators;
  } catch (error) {
    if (!isModuleNotFound(error)) throw error;
    throw new EmulatorsMissingError(
      `cloudsync demo needs the cloud emulators (${emulatorPackage}), a development dependency that is not installed here ` +
        "(production images leave it out). Run the demo from a checkout of the repository after `pnpm install`: `pnpm demo`.",
      { cause: error },
    );
  }
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
}
