import type { InvalidateQueryFilters, QueryClient } from "@tanstack/react-query";

/**
 * Refetches the matching queries because something changed on the server
 * just now (a realtime event, or a save this page made).
 *
 * A fetch already under way may have read before the change committed.
 * `invalidateQueries` restarts such a fetch for a query that holds data, but
 * a query still on its first load keeps the fetch under way and its stale
 * answer: a change that landed while a list was first loading (a filter just
 * picked, a page just opened) stayed missing until something else refetched.
 * Those first loads are cancelled here (back to loading, with nothing to
 * lose), so every matching query reads after the change.
 */
export async function refetchAfterChange(queryClient: QueryClient, filters: InvalidateQueryFilters): Promise<void> {
  const firstLoads = queryClient
    .getQueryCache()
    .findAll(filters)
    .filter((query) => query.state.data === undefined && query.state.fetchStatus === "fetching");
  await Promise.all(firstLoads.map((query) => query.cancel({ revert: true })));
  await queryClient.invalidateQueries(filters);
}
