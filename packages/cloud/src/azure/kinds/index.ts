/**
 * The Azure kinds. One generic reader, `resources.list` (./resources-list.ts), reports every
 * kind of the ARM type table (./arm-types.ts), one line per kind.
 */
export { resourcesListReader } from "./resources-list.ts";
export { azureKindDescriptions, azureKinds, azureKindTable, kindForArmType, kindInfo, type AzureKindInfo } from "./arm-types.ts";
