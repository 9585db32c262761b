import type { GcpApi } from "./token.ts";

export interface ApiAnswer {
  status: number;
  body: unknown;
}

/**
 * A request an API module recognised: the operation name the fault knobs match against, the API
 * whose OAuth scopes it needs, and how to answer it once auth and faults let it through.
 */
export interface RoutedRequest {
  operation: string;
  api: GcpApi;
  answer(): ApiAnswer;
}
