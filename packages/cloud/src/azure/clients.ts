import { Agent } from "node:https";
import { ComputeManagementClient } from "@azure/arm-compute";
import { createComputeManagement } from "@azure/arm-compute/api";
import { ResourceManagementClient } from "@azure/arm-resources";
import type { TokenCredential } from "@azure/core-auth";
import type { RateLimiter } from "../common/rate-limiter.ts";
import { pipelineOptions } from "./arm-pipeline.ts";
import { type CostQueryApi, createCostQueryApi } from "./cost-query-client.ts";
import { createMetricsApi, type MetricsApi } from "./metrics-client.ts";
import type { RawGenericResource } from "./normalize.ts";
import { createResourceHealthApi, type ResourceHealthApi } from "./resource-health-client.ts";

/**
 * The few ARM calls the adapter makes, as narrow interfaces: the adapter depends on these, and
 * `createAzureClients` fills them with the real SDK clients, one set per subscription.
 */
export interface RequestOptions {
  abortSignal?: AbortSignal;
  timeoutMs?: number;
}

export interface ResourcesApi {
  /** `GET /subscriptions/{id}/resources`, page by page, following every `nextLink`. */
  listPages(options: RequestOptions & { top?: number; filter?: string; expand?: string }): AsyncIterable<RawGenericResource[]>;
}

export interface RawVmStatusItem {
  id?: string;
  hardwareProfile?: { vmSize?: string };
  instanceView?: { statuses?: { code?: string }[] };
  /** The SDK flattens ARM's `properties`: the VM's managed disks and network interfaces. */
  storageProfile?: { osDisk?: { managedDisk?: { id?: string } }; dataDisks?: { managedDisk?: { id?: string } }[] };
  networkProfile?: { networkInterfaces?: { id?: string }[] };
}

export interface VirtualMachinesApi {
  /** `GET …/providers/Microsoft.Compute/virtualMachines?statusOnly=true`, page by page. */
  listStatusPages(options: RequestOptions): AsyncIterable<RawVmStatusItem[]>;
}

export interface RawLocation {
  name?: string;
  displayName?: string;
  metadata?: {
    regionType?: string;
    latitude?: string;
    longitude?: string;
    physicalLocation?: string;
    geography?: string;
    geographyGroup?: string;
  };
  availabilityZoneMappings?: { logicalZone?: string }[];
}

export interface LocationsApi {
  /** `GET /subscriptions/{id}/locations`; throws an SDK-style error (statusCode, code) on failure. */
  list(options: RequestOptions): Promise<RawLocation[]>;
}

/** A resource provider's own subscription-wide list (`GET …/providers/{type}?api-version=…`). */
export interface ProviderResourcesApi {
  /** Page by page, following every `nextLink`; throws an SDK-style error (statusCode, code) on failure. */
  listPages(armType: string, apiVersion: string, options: RequestOptions): AsyncIterable<Record<string, unknown>[]>;
}

export interface SubscriptionClients {
  resources: ResourcesApi;
  /** The full resources (with `properties`) of the types whose facts the generic listing lacks. */
  providerResources: ProviderResourcesApi;
  virtualMachines: VirtualMachinesApi;
  locations: LocationsApi;
  /** Cost Management's query API (`POST …/providers/Microsoft.CostManagement/query`). */
  costQuery: CostQueryApi;
  /** Azure Monitor's metrics API (`GET {resourceUri}/providers/Microsoft.Insights/metrics`). */
  metrics: MetricsApi;
  /** Resource Health's current availability of the subscription's resources. */
  resourceHealth: ResourceHealthApi;
}

export type SubscriptionClientsFactory = (subscriptionId: string) => SubscriptionClients;

export interface ClientSettings {
  credential: TokenCredential;
  /** ARM base URL; default: Azure public cloud. */
  endpoint?: string;
  agent?: Agent;
  maxAttempts: number;
  retryDelayInMs: number;
  maxRetryDelayInMs: number;
  limiter?: RateLimiter;
  /** See AdapterOptions.onThrottle. */
  onThrottle?: () => void;
}

const locationsApiVersion = "2022-12-01";

/** An https.Agent that trusts exactly the given CA (an emulator's or a private endpoint's certificate). */
export function createTrustingAgent(caCertificate: string): Agent {
  return new Agent({ ca: caCertificate, keepAlive: true });
}

export function createAzureClients(settings: ClientSettings): SubscriptionClientsFactory {
  return (subscriptionId) => {
    const options = pipelineOptions(settings, subscriptionId, "arm");
    const resourceClient = new ResourceManagementClient(settings.credential, subscriptionId, {
      ...options,
      ...(settings.endpoint ? { endpoint: settings.endpoint, $host: settings.endpoint } : {}),
    });
    const computeClient = new ComputeManagementClient(settings.credential, subscriptionId, options);
    // arm-resources has no locations call; the modular compute context is a plain ARM client
    // with the same credential, retry, TLS and rate-limit policies, so the request goes through it.
    const armContext = createComputeManagement(settings.credential, subscriptionId, options);

    return {
      resources: {
        listPages: ({ top, filter, expand, abortSignal, timeoutMs }) =>
          resourceClient.resources
            .list({ top, filter, expand, abortSignal, requestOptions: { timeout: timeoutMs } })
            .byPage() as AsyncIterable<RawGenericResource[]>,
      },
      virtualMachines: {
        listStatusPages: ({ abortSignal, timeoutMs }) =>
          computeClient.virtualMachines
            .listAll({ statusOnly: "true", abortSignal, requestOptions: { timeout: timeoutMs } })
            .byPage() as AsyncIterable<RawVmStatusItem[]>,
      },
      locations: {
        async list({ abortSignal, timeoutMs }) {
          const response = await armContext
            .path("/subscriptions/{subscriptionId}/locations", subscriptionId)
            .get({ queryParameters: { "api-version": locationsApiVersion }, abortSignal, timeout: timeoutMs });
          const body = (response.body ?? {}) as { value?: RawLocation[]; error?: { code?: string; message?: string } };
          if (response.status !== "200") {
            throw Object.assign(new Error(body.error?.message ?? `HTTP ${response.status}`), {
              name: "RestError",
              statusCode: Number(response.status),
              code: body.error?.code,
            });
          }
          return body.value ?? [];
        },
      },
      providerResources: {
        // The same plain ARM client as locations: arm-network is not a dependency, and these
        // lists need nothing but a GET with the provider's api-version and nextLink paging.
        async *listPages(armType, apiVersion, { abortSignal, timeoutMs }) {
          let next: string | undefined = `/subscriptions/${encodeURIComponent(subscriptionId)}/providers/${armType}`;
          let first = true;
          while (next) {
            const response = await armContext
              .pathUnchecked(next)
              .get({ ...(first ? { queryParameters: { "api-version": apiVersion } } : {}), abortSignal, timeout: timeoutMs });
            const body = (response.body ?? {}) as { value?: Record<string, unknown>[]; nextLink?: string | null; error?: { code?: string; message?: string } };
            if (response.status !== "200") {
              throw Object.assign(new Error(body.error?.message ?? `HTTP ${response.status}`), { name: "RestError", statusCode: Number(response.status), code: body.error?.code });
            }
            yield body.value ?? [];
            next = body.nextLink ?? undefined;
            first = false;
          }
        },
      },
      costQuery: createCostQueryApi(settings, subscriptionId),
      metrics: createMetricsApi(settings, subscriptionId),
      resourceHealth: createResourceHealthApi(settings, subscriptionId),
    };
  };
}
