/**
 * The Azure Retail Prices API (`GET /api/retail/prices`, unauthenticated): Virtual Machines
 * meters of the emulator's sizes in every placement region (and networking and managed disk meters), as Linux pay-as-you-go, Spot and
 * one- and three-year reservations. Pay-as-you-go prices are the published East US Linux rates
 * of these sizes, scaled by what each region charges relative to East US. The answer has the
 * documented shape: `BillingCurrency`, `CustomerEntityId`, `CustomerEntityType`, `Items`,
 * `NextPageLink` (with `$skip`), `Count`; filter values are case-sensitive, as in 2023-01-01-preview.
 */
const eastUsHourly: Readonly<Record<string, number>> = {
  Standard_B1ls: 0.0052,
  Standard_B1s: 0.0104,
  Standard_B1ms: 0.0207,
  Standard_B2s: 0.0416,
  Standard_B2ms: 0.0832,
  Standard_D2s_v5: 0.096,
  Standard_D4s_v5: 0.192,
  Standard_D8s_v5: 0.384,
  Standard_D2as_v5: 0.086,
  Standard_F2s_v2: 0.0846,
  Standard_E8s_v5: 0.504,
  Standard_E16s_v5: 1.008,
  Standard_NC6s_v3: 3.06,
  Standard_M128ms: 26.688,
};

const regions: Readonly<Record<string, { location: string; ratio: number }>> = {
  eastus: { location: "US East", ratio: 1 },
  eastus2: { location: "US East 2", ratio: 1 },
  westus2: { location: "US West 2", ratio: 1 },
  centralus: { location: "US Central", ratio: 1.135 },
  westeurope: { location: "EU West", ratio: 1.15 },
  northeurope: { location: "EU North", ratio: 1.07 },
  uksouth: { location: "UK South", ratio: 1.12 },
  germanywestcentral: { location: "DE West Central", ratio: 1.15 },
  francecentral: { location: "FR Central", ratio: 1.16 },
  swedencentral: { location: "SE Central", ratio: 1.07 },
  southeastasia: { location: "AP Southeast", ratio: 1.2 },
  japaneast: { location: "JA East", ratio: 1.3 },
  australiaeast: { location: "AU East", ratio: 1.25 },
  canadacentral: { location: "CA Central", ratio: 1.1 },
};

/**
 * Managed disk tiers' monthly LRS prices in East US, about the published figures (USD). ZRS
 * costs about 1.5 × LRS (Premium) and 1.25 × (Standard SSD); Standard HDD has no ZRS.
 */
export const eastUsDiskMonthly: Readonly<Record<string, number>> = {
  P4: 5.28, P6: 10.21, P10: 19.71, P15: 38.02, P20: 73.22, P30: 135.17, P40: 259.05, P50: 495.57,
  E4: 2.4, E6: 4.8, E10: 9.6, E15: 19.2, E20: 38.4, E30: 76.8, E40: 153.6, E50: 307.2,
  S4: 1.54, S6: 3.01, S10: 5.89, S15: 11.33, S20: 21.76, S30: 40.96, S40: 77.83, S50: 143.36,
};
const diskProducts: Readonly<Record<string, { productName: string; zrs?: number }>> = {
  P: { productName: "Premium SSD Managed Disks", zrs: 1.5 },
  E: { productName: "Standard SSD Managed Disks", zrs: 1.25 },
  S: { productName: "Standard HDD Managed Disks" },
};

/** Reference rates of the API's other currencies (the docs: non-USD prices are for reference). */
const perUsd: Readonly<Record<string, number>> = { USD: 1, EUR: 0.92, GBP: 0.79 };

export interface RetailPriceItem {
  currencyCode: string;
  tierMinimumUnits: number;
  retailPrice: number;
  unitPrice: number;
  armRegionName: string;
  location: string;
  effectiveStartDate: string;
  meterId: string;
  meterName: string;
  productId: string;
  skuId: string;
  productName: string;
  skuName: string;
  serviceName: string;
  serviceId: string;
  serviceFamily: string;
  unitOfMeasure: string;
  type: string;
  isPrimaryMeterRegion: boolean;
  armSkuName: string;
  reservationTerm?: string;
}

function round(n: number, digits = 6): number {
  return Number(n.toFixed(digits));
}

function items(currency: string): RetailPriceItem[] {
  const rate = perUsd[currency] ?? 1;
  const out: RetailPriceItem[] = [];
  let n = 0;
  for (const [armRegionName, r] of Object.entries(regions)) {
    for (const [armSkuName, base] of Object.entries(eastUsHourly)) {
      const short = armSkuName.replace(/^Standard_/, "").replace(/_/g, " ");
      const series = /^([A-Z]+)\d+[a-z-]*\d*[a-z]*(?:_(v\d+))?/.exec(armSkuName.replace(/^Standard_/, ""));
      const productName = `Virtual Machines ${series?.[1] ?? ""}${series?.[2] ? ` ${series[2]}` : ""} Series`;
      const hourly = base * r.ratio * rate;
      const common = {
        currencyCode: currency,
        tierMinimumUnits: 0,
        armRegionName,
        location: r.location,
        effectiveStartDate: "2024-01-01T00:00:00Z",
        productId: `DZH318Z0${(n % 1000).toString().padStart(4, "0")}`,
        serviceName: "Virtual Machines",
        serviceId: "DZH313Z7MMC8",
        serviceFamily: "Compute",
        unitOfMeasure: "1 Hour",
        isPrimaryMeterRegion: true,
        armSkuName,
      };
      n++;
      const meter = (suffix: string) => `${armRegionName}-${armSkuName}-${suffix}`;
      out.push(
        { ...common, retailPrice: round(hourly), unitPrice: round(hourly), meterId: meter("payg"), meterName: short, productName, skuId: `${common.productId}/00RW`, skuName: short, type: "Consumption" },
        { ...common, retailPrice: round(hourly * 1.84), unitPrice: round(hourly * 1.84), meterId: meter("win"), meterName: short, productName: `${productName} Windows`, skuId: `${common.productId}/00WN`, skuName: short, type: "Consumption" },
        { ...common, retailPrice: round(hourly * 0.2), unitPrice: round(hourly * 0.2), meterId: meter("spot"), meterName: `${short} Spot`, productName, skuId: `${common.productId}/00SP`, skuName: `${short} Spot`, type: "Consumption" },
        // Reservations are priced for the whole term, per the docs: about 59 % (1 year) and 38 % (3 years) of pay-as-you-go.
        { ...common, retailPrice: round(hourly * 0.59 * 8760, 2), unitPrice: round(hourly * 0.59 * 8760, 2), meterId: meter("payg"), meterName: short, productName, skuId: `${common.productId}/01R1`, skuName: short, type: "Reservation", reservationTerm: "1 Year" },
        { ...common, retailPrice: round(hourly * 0.38 * 26280, 2), unitPrice: round(hourly * 0.38 * 26280, 2), meterId: meter("payg"), meterName: short, productName, skuId: `${common.productId}/01R3`, skuName: short, type: "Reservation", reservationTerm: "3 Years" },
      );
    }
  }
  // Networking meters, flat across regions: a Standard public IPv4 address and a Standard load
  // balancer's first five rules are billed by the hour (USD 0.005 and 0.025 on the public page).
  for (const [armRegionName, r] of Object.entries(regions)) {
    const network = {
      currencyCode: currency,
      tierMinimumUnits: 0,
      armRegionName,
      location: r.location,
      effectiveStartDate: "2023-07-01T00:00:00Z",
      unitOfMeasure: "1 Hour",
      isPrimaryMeterRegion: true,
      armSkuName: "",
      type: "Consumption",
      serviceFamily: "Networking",
    };
    out.push(
      { ...network, retailPrice: round(0.005 * rate), unitPrice: round(0.005 * rate), meterId: `${armRegionName}-pip-std`, meterName: "Standard IPv4 Static Public IP", productId: "DZH318Z0BNVX", skuId: "DZH318Z0BNVX/0052", productName: "IP Addresses", skuName: "Standard", serviceName: "Virtual Network", serviceId: "DZH313Z7MMC8" },
      { ...network, retailPrice: round(0.004 * rate), unitPrice: round(0.004 * rate), meterId: `${armRegionName}-pip-basic`, meterName: "Basic IPv4 Static Public IP Address", productId: "DZH318Z0BNVX", skuId: "DZH318Z0BNVX/0051", productName: "IP Addresses", skuName: "Basic", serviceName: "Virtual Network", serviceId: "DZH313Z7MMC8" },
      { ...network, retailPrice: round(0.025 * rate), unitPrice: round(0.025 * rate), meterId: `${armRegionName}-lb-rules`, meterName: "Standard Included LB Rules and Outbound Rules", productId: "DZH318Z0BP04", skuId: "DZH318Z0BP04/0003", productName: "Load Balancer", skuName: "Standard", serviceName: "Load Balancer", serviceId: "DZH317F1HKN0" },
      { ...network, retailPrice: round(0.005 * rate), unitPrice: round(0.005 * rate), meterId: `${armRegionName}-lb-overage`, meterName: "Standard Overage LB Rules and Outbound Rules", productId: "DZH318Z0BP04", skuId: "DZH318Z0BP04/0004", productName: "Load Balancer", skuName: "Standard", serviceName: "Load Balancer", serviceId: "DZH317F1HKN0" },
    );
  }
  // Managed disks: each tier and redundancy is a sku (`P10 LRS`) with its monthly "Disk" meter,
  // plus meters that are not the disk's own price: a Premium shared disk's "Disk Mount" and a
  // Standard disk's "Disk Operations" per 10K transactions.
  for (const [armRegionName, r] of Object.entries(regions)) {
    for (const [tier, base] of Object.entries(eastUsDiskMonthly)) {
      const product = diskProducts[tier[0] as string] as { productName: string; zrs?: number };
      for (const [redundancy, factor] of [["LRS", 1], ...(product.zrs ? [["ZRS", product.zrs]] : [])] as [string, number][]) {
        const skuName = `${tier} ${redundancy}`;
        const disk = {
          currencyCode: currency,
          tierMinimumUnits: 0,
          armRegionName,
          location: r.location,
          effectiveStartDate: "2024-04-01T00:00:00Z",
          productId: `DZH318Z0BP${tier[0]}${redundancy[0]}`,
          productName: product.productName,
          skuName,
          serviceName: "Storage",
          serviceId: "DZH317F1HKN0",
          serviceFamily: "Storage",
          isPrimaryMeterRegion: true,
          armSkuName: "",
          type: "Consumption",
        };
        const monthly = round(base * factor * r.ratio * rate, 4);
        out.push({ ...disk, retailPrice: monthly, unitPrice: monthly, meterId: `${armRegionName}-${tier}-${redundancy}-disk`, meterName: `${skuName} Disk`, skuId: `${disk.productId}/${tier}${redundancy}`, unitOfMeasure: "1/Month" });
        if (tier.startsWith("P")) {
          const mount = round(base * 0.06 * r.ratio * rate, 4);
          out.push({ ...disk, retailPrice: mount, unitPrice: mount, meterId: `${armRegionName}-${tier}-${redundancy}-mount`, meterName: `${skuName} Disk Mount`, skuId: `${disk.productId}/${tier}${redundancy}M`, unitOfMeasure: "1/Month" });
        } else {
          const ops = round(0.002 * r.ratio * rate, 6);
          out.push({ ...disk, retailPrice: ops, unitPrice: ops, meterId: `${armRegionName}-${tier}-${redundancy}-ops`, meterName: `${skuName} Disk Operations`, skuId: `${disk.productId}/${tier}${redundancy}O`, unitOfMeasure: "10K" });
        }
      }
    }
  }
  return out;
}

/** `field eq 'value'` clauses joined by `and`: the part of OData `$filter` the docs' examples use. */
function parseFilter(filter: string | null): { field: string; value: string }[] | undefined {
  if (!filter) return [];
  const clauses = filter.split(/\s+and\s+/i);
  const out: { field: string; value: string }[] = [];
  for (const c of clauses) {
    const m = /^\s*(\w+)\s+eq\s+'([^']*)'\s*$/.exec(c);
    if (!m) return undefined;
    out.push({ field: m[1] as string, value: m[2] as string });
  }
  return out;
}

export type RetailPricesAnswer = { status: 200; body: Record<string, unknown> } | { status: 400; body: Record<string, unknown> };

export function retailPrices(url: URL, baseUrl: string, pageSize: number): RetailPricesAnswer {
  const currency = (url.searchParams.get("currencyCode") ?? "'USD'").replace(/'/g, "");
  const filter = parseFilter(url.searchParams.get("$filter"));
  if (!filter) return { status: 400, body: { Error: { Code: "InvalidFilter", Message: "The $filter could not be parsed." } } };
  const skip = Number(url.searchParams.get("$skip") ?? "0");
  const matches = items(currency).filter((i) => filter.every((f) => String((i as unknown as Record<string, unknown>)[f.field]) === f.value));
  const page = matches.slice(skip, skip + pageSize);
  let next: string | null = null;
  if (skip + pageSize < matches.length) {
    const link = new URL(url.pathname, baseUrl);
    for (const [k, v] of url.searchParams) if (k !== "$skip") link.searchParams.set(k, v);
    link.searchParams.set("$skip", String(skip + pageSize));
    next = link.toString();
  }
  return {
    status: 200,
    body: { BillingCurrency: currency, CustomerEntityId: "Default", CustomerEntityType: "Retail", Items: page, NextPageLink: next, Count: page.length },
  };
}
