export { createRng, hashString, type Rng } from "./rng.ts";
export { createFaultState, type FaultPlan, type FaultState, type FaultDecision } from "./faults.ts";
export { createLoopbackTls, type TlsMaterial } from "./tls.ts";
export * from "./aws/index.ts";
export * from "./azure/index.ts";
export * from "./gcp/index.ts";
export * from "./digitalocean/index.ts";
export * from "./linode/index.ts";
export * from "./vultr/index.ts";
