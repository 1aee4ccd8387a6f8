import { MutationCache, QueryClient } from "@tanstack/react-query";
import { isApiError } from "./api-client";

function shouldRetry(failureCount: number, error: unknown): boolean {
  // 4xx answers will not change by asking again; network blips and 5xx might.
  if (isApiError(error) && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    // A refusal means what the page shows is out of date: fetch what the caller may do now.
    mutationCache: new MutationCache({
      onError: (error) => {
        if (isApiError(error) && error.status === 403) void client.invalidateQueries();
      },
    }),
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 15_000, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
  return client;
}
