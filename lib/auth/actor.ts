/** Who is making a request: a person (session) or a machine (API key). */
export const SCOPES = [
  "messages:read",
  "messages:write",
  "devices:write",
  "rooms:read",
  "rooms:write",
  "tasks:read",
  "tasks:write",
  "webhooks:read",
  "webhooks:write",
  "admin",
] as const;

export type Scope = (typeof SCOPES)[number];
export type Role = "admin" | "member";

export type Actor = {
  userId: string;
  role: Role;
  /** How the actor authenticated. */
  via: "session" | "apiKey";
  /** A session holds every scope; an API key holds its own. */
  scopes: readonly Scope[];
  apiKeyId?: string;
  /** Set when the API key belongs to a registered device. */
  deviceId?: string;
};

export function hasScopes(actor: Actor, required: readonly Scope[]): boolean {
  return required.every((scope) => actor.scopes.includes(scope) || actor.scopes.includes("admin"));
}
