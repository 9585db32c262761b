import type { LinodeEmulator } from "@cloudsync/cloud-emulators";
import type { LinodeProviderCredentials } from "../providers/credentials.ts";

/** A credentials document that points the Linode adapter at its loopback emulator (demo and tests). */
export function linodeEmulatorCredentials(em: LinodeEmulator): LinodeProviderCredentials {
  return {
    cloud: "linode",
    accounts: em.accounts.map((a) => ({ account: a.euuid, token: a.token })),
    endpoint: em.endpoint,
  };
}
