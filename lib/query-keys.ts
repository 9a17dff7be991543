/**
 * Every TanStack Query key in the web app, from one factory, so a cache
 * update or invalidation names exactly what it means and never a stray
 * string. A feature adds its own branch here:
 *
 *   messages: {
 *     all: () => ["messages"] as const,
 *     list: (filters: MessageFilters) => ["messages", "list", filters] as const,
 *     detail: (id: string) => ["messages", "detail", id] as const,
 *   },
 *
 * and invalidates by prefix: queryClient.invalidateQueries({ queryKey: queryKeys.messages.all() }).
 */
/** The inbox's filters as they appear in the URL and in a list query's key. */
export type InboxFilters = {
  device?: string;
  type?: string;
  read?: "true" | "false";
  tag?: string;
  priority?: string;
  /** A conversation's key (lib/messages/threads). */
  thread?: string;
  since?: string;
  until?: string;
  q?: string;
};

export const queryKeys = {
  me: () => ["me"] as const,
  apiKeys: {
    all: () => ["api-keys"] as const,
    list: () => ["api-keys", "list"] as const,
  },
  notifications: {
    all: () => ["notifications"] as const,
    /** Every list-shaped query of notifications: the bell's count and the centre's pages. */
    list: () => ["notifications", "list"] as const,
    unread: () => ["notifications", "list", "unread"] as const,
    pages: () => ["notifications", "list", "pages"] as const,
    preferences: () => ["notifications", "preferences"] as const,
  },
  messages: {
    all: () => ["messages"] as const,
    lists: () => ["messages", "list"] as const,
    list: (filters: InboxFilters) => ["messages", "list", filters] as const,
    detail: (id: string) => ["messages", "detail", id] as const,
    threads: (device?: string) => ["messages", "threads", device ?? null] as const,
  },
  devices: {
    all: () => ["devices"] as const,
    list: () => ["devices", "list"] as const,
  },
  settings: {
    retention: () => ["settings", "retention"] as const,
  },
  totp: {
    status: () => ["totp", "status"] as const,
  },
  admin: {
    all: () => ["admin"] as const,
    users: (filters: { q?: string; role?: string; status?: string }) => ["admin", "users", filters] as const,
    usersAll: () => ["admin", "users"] as const,
    invites: (filters: { status?: string }) => ["admin", "invites", filters] as const,
    invitesAll: () => ["admin", "invites"] as const,
    jobs: () => ["admin", "jobs"] as const,
    queueJobs: (queue: string, filters: { state?: string }) => ["admin", "jobs", queue, filters] as const,
    job: (queue: string, id: string) => ["admin", "jobs", queue, "job", id] as const,
    audit: (filters: { action?: string; actor?: string; since?: string; until?: string }) => ["admin", "audit", filters] as const,
  },
  webhooks: {
    all: () => ["webhooks"] as const,
    list: () => ["webhooks", "list"] as const,
    detail: (id: string) => ["webhooks", "detail", id] as const,
    deliveries: (id: string, filters: { status?: string }) => ["webhooks", "deliveries", id, filters] as const,
  },
  push: {
    all: () => ["push"] as const,
    vapidPublicKey: () => ["push", "vapid-public-key"] as const,
    subscriptions: () => ["push", "subscriptions"] as const,
  },
  sms: {
    all: () => ["sms"] as const,
    phoneNumbers: () => ["sms", "phone-numbers"] as const,
    analytics: (filters: { from?: string; to?: string; groupBy: "day" | "user" }) => ["sms", "analytics", filters] as const,
    outbox: () => ["sms", "outbox"] as const,
  },
  tasks: {
    all: () => ["tasks"] as const,
    lists: () => ["tasks", "list"] as const,
    list: (filters: Record<string, string>) => ["tasks", "list", filters] as const,
    detail: (id: string) => ["tasks", "detail", id] as const,
    history: (id: string) => ["tasks", "history", id] as const,
    tags: () => ["tasks", "tags"] as const,
    views: () => ["tasks", "views"] as const,
    preview: (params: { rrule: string; dtstart: string; timezone: string }) => ["tasks", "preview", params] as const,
  },
  rooms: {
    all: () => ["rooms"] as const,
    list: (archived: "true" | "false") => ["rooms", "list", archived] as const,
    timeline: (id: string) => ["rooms", "timeline", id] as const,
    search: (id: string, q: string) => ["rooms", "search", id, q] as const,
    history: (id: string, messageId: string) => ["rooms", "history", id, messageId] as const,
  },
} as const;
