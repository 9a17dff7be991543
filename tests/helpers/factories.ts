import { randomBytes } from "node:crypto";
import { SCOPES, type Role, type Scope } from "@/lib/auth/actor";
import { createApiKey } from "@/lib/auth/api-keys";
import { getDb } from "@/lib/db/client";
import { createUser, type UserRow } from "@/lib/users/users";
import { rememberSecret } from "@/tests/helpers/logs";

export type TestUser = { user: UserRow; key: string; password: string };

/** A fresh user with an API key. Each test makes its own, so files never share rows. */
export async function makeUser(options: { role?: Role; scopes?: readonly Scope[]; name?: string } = {}): Promise<TestUser> {
  const password = rememberSecret("password", `pw-${randomBytes(8).toString("hex")}`);
  const user = await createUser(getDb(), {
    email: `user-${randomBytes(6).toString("hex")}@example.test`,
    name: options.name ?? "Test User",
    password,
    role: options.role ?? "member",
  });
  const scopes = options.scopes ?? SCOPES.filter((scope) => scope !== "admin" || options.role === "admin");
  const { key } = await createApiKey(getDb(), user.id, { name: "test", scopes });
  return { user, key: rememberSecret("api-key", key), password };
}
