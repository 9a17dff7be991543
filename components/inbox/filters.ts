import type { InboxFilters } from "@/lib/query-keys";

/**
 * The inbox's filters live in the URL (?device=&type=&read=&tag=&priority=&thread=&since=&until=&q=),
 * so a filtered view can be bookmarked and shared, and back/forward walk through them.
 */
export const FILTER_KEYS = ["device", "type", "read", "tag", "priority", "thread", "since", "until", "q"] as const;

export function filtersFromParams(params: URLSearchParams): InboxFilters {
  const filters: InboxFilters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key)?.trim();
    if (!value) continue;
    if (key === "read") {
      if (value === "true" || value === "false") filters.read = value;
    } else {
      filters[key] = value;
    }
  }
  return filters;
}

/** The filters as API query parameters. Date-only filters are whole days in the user's browser. */
function filterParams(filters: InboxFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filters[key];
    if (!value) continue;
    if (key === "since" || key === "until") {
      const date = dayBoundary(value, key === "until");
      if (date) params.set(key, date);
    } else params.set(key, value);
  }
  return params;
}

/** The API query for one page of the list. */
export function apiQuery(filters: InboxFilters, cursor?: string, limit = 50): string {
  const params = filterParams(filters);
  params.set("limit", String(limit));
  if (cursor) params.set("cursor", cursor);
  return params.toString();
}

/** The filters an export can apply: all of the list's but the search (`q`), which ranks rather than filters. */
export function exportFilters(filters: InboxFilters): InboxFilters {
  const { q: _search, ...rest } = filters;
  return rest;
}

/** The query of GET /api/v1/messages/export in this format with these filters. */
export function exportQuery(filters: InboxFilters, format: string): string {
  const params = filterParams(exportFilters(filters));
  params.set("format", format);
  return params.toString();
}

/** "2024-06-22" → the start of that day (since) or of the next day (until), as ISO with offset. */
export function dayBoundary(day: string, end: boolean): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + (end ? 1 : 0));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** A new URL search string with `changes` applied; empty values remove the parameter. */
export function withFilters(current: URLSearchParams, changes: Partial<Record<(typeof FILTER_KEYS)[number] | "m" | "view", string | undefined>>): string {
  const next = new URLSearchParams(current);
  for (const [key, value] of Object.entries(changes)) {
    if (value) next.set(key, value);
    else next.delete(key);
  }
  const text = next.toString();
  return text ? `?${text}` : "";
}

/** Whether a message (fresh from a live event) belongs in a list with these filters; search results are refetched instead. */
export function matchesFilters(
  message: { deviceId: string | null; type: string; read: boolean; tags: string[]; priority: string; sender: string; threadKey: string | null; receivedAt: string },
  filters: InboxFilters,
): boolean {
  if (filters.device && message.deviceId !== filters.device) return false;
  if (filters.type && message.type !== filters.type) return false;
  if (filters.read && String(message.read) !== filters.read) return false;
  if (filters.tag && !message.tags.includes(filters.tag.toLowerCase())) return false;
  if (filters.priority && message.priority !== filters.priority) return false;
  if (filters.thread && (message.threadKey ?? message.sender) !== filters.thread) return false;
  const at = new Date(message.receivedAt).getTime();
  const since = filters.since ? dayBoundary(filters.since, false) : null;
  const until = filters.until ? dayBoundary(filters.until, true) : null;
  if (since && at < new Date(since).getTime()) return false;
  if (until && at >= new Date(until).getTime()) return false;
  return true;
}
