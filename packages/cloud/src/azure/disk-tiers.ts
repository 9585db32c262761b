/**
 * Azure bills a Premium SSD, Standard SSD or Standard HDD managed disk by its tier, a fixed
 * amount a month: the smallest tier at least as large as the disk ("the size you set is billed
 * as the next largest provisioned disk size", Microsoft Learn, "Understand Azure Disk Storage
 * billing"), or the performance tier set on a Premium SSD (`properties.tier`, never below the
 * size's own). Pure; table-tested in test/azure-disk-tiers.test.ts.
 */

/** Tier sizes in GiB (Microsoft Learn, "Azure managed disk types": the disk size tables). */
const ladder: readonly [number, number][] = [
  [1, 4],
  [2, 8],
  [3, 16],
  [4, 32],
  [6, 64],
  [10, 128],
  [15, 256],
  [20, 512],
  [30, 1024],
  [40, 2048],
  [50, 4096],
  [60, 8192],
  [70, 16384],
  [80, 32767],
];

/** Disk sku name → tier letter and the redundancy in its meters. Standard HDD starts at S4. */
const families: Readonly<Record<string, { letter: "P" | "E" | "S"; redundancy: "LRS" | "ZRS"; smallest: number }>> = {
  Premium_LRS: { letter: "P", redundancy: "LRS", smallest: 1 },
  Premium_ZRS: { letter: "P", redundancy: "ZRS", smallest: 1 },
  StandardSSD_LRS: { letter: "E", redundancy: "LRS", smallest: 1 },
  StandardSSD_ZRS: { letter: "E", redundancy: "ZRS", smallest: 1 },
  Standard_LRS: { letter: "S", redundancy: "LRS", smallest: 4 },
};

/**
 * The tier a disk is billed at, as cloudsync's price sku (`P10_LRS`, `E30_ZRS`, `S4_LRS`), or
 * undefined for disks not billed by tier (Ultra, Premium SSD v2: per GiB, IOPS and MB/s) or of
 * unknown size.
 */
export function azureDiskTier(skuName: string | undefined, sizeGb: number | undefined, performanceTier?: string): string | undefined {
  const family = skuName ? families[skuName] : undefined;
  if (!family || sizeGb === undefined || !Number.isFinite(sizeGb) || sizeGb <= 0) return undefined;
  const bySize = ladder.find(([n, gib]) => n >= family.smallest && gib >= sizeGb);
  if (!bySize) return undefined;
  let number = bySize[0];
  // A Premium SSD may run at a higher performance tier than its size's; it is billed at that tier.
  const set = performanceTier ? new RegExp(`^${family.letter}(\\d+)$`).exec(performanceTier) : null;
  if (set && Number(set[1]) > number && ladder.some(([n]) => n === Number(set[1]))) number = Number(set[1]);
  return `${family.letter}${number}_${family.redundancy}`;
}

/** `P10_LRS` → the Retail Prices `skuName` of its meters, `P10 LRS`. */
export function retailSkuNameOfTier(tier: string): string {
  return tier.replace("_", " ");
}

/** Whether a volume type cloudsync prices for Azure is a tier sku (`P10_LRS`). */
export function isAzureDiskTier(volumeType: string): boolean {
  return /^[PES]\d+_(LRS|ZRS)$/.test(volumeType);
}
