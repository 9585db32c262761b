import type { MicrosoftResourceHealth } from "@azure/arm-resourcehealth";
import { pipelineOptions } from "./arm-pipeline.ts";
import type { ClientSettings, RequestOptions } from "./clients.ts";
import type { RawAvailabilityStatus } from "./normalize-resource-health.ts";

/** Azure Resource Health through `@azure/arm-resourcehealth` (api-version 2022-10-01). */
export interface ResourceHealthApi {
  /** `GET /subscriptions/{id}/providers/Microsoft.ResourceHealth/availabilityStatuses`, page by page. */
  listPages(options: RequestOptions): AsyncIterable<RawAvailabilityStatus[]>;
}

export function createResourceHealthApi(settings: ClientSettings, subscriptionId: string): ResourceHealthApi {
  // Imported on first use: only metrics syncs read Resource Health.
  let client: Promise<MicrosoftResourceHealth> | undefined;
  const connect = () =>
    (client ??= import("@azure/arm-resourcehealth").then(
      ({ MicrosoftResourceHealth }) =>
        new MicrosoftResourceHealth(settings.credential, subscriptionId, {
          ...pipelineOptions(settings, subscriptionId, "arm"),
          ...(settings.endpoint ? { endpoint: settings.endpoint, $host: settings.endpoint } : {}),
        }),
    ));
  return {
    async *listPages({ abortSignal, timeoutMs }) {
      const pages = (await connect()).availabilityStatuses
        .listBySubscriptionId({ abortSignal, requestOptions: { timeout: timeoutMs } })
        .byPage();
      for await (const page of pages) yield page as RawAvailabilityStatus[];
    },
  };
}
