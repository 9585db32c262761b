import { describe, expect, it } from "vitest";
import { EmulatorsMissingError, loadEmulators } from "../src/demo/load-emulators.ts";

describe("the demo's emulators, loaded on demand", () => {
  it("loads the installed emulator package", async () => {
    const emulators = await loadEmulators();
    expect(typeof emulators.startAwsEmulator).toBe("function");
    expect(typeof emulators.startGcpEmulator).toBe("function");
  });

  it("says clearly that the emulators are not installed, and how to get them", async () => {
    // A real failed import, as in the production image where the package is absent.
    const attempt = loadEmulators(() => import("@cloudsync/package-that-is-not-installed" as string));
    await expect(attempt).rejects.toBeInstanceOf(EmulatorsMissingError);
    await expect(attempt).rejects.toThrow(/@cloudsync\/cloud-emulators.*not installed.*pnpm demo/);
  });

  it("passes other failures on as they are", async () => {
    const broken = new Error("the emulator module threw while loading");
    await expect(loadEmulators(() => Promise.reject(broken))).rejects.toBe(broken);
  });
});
