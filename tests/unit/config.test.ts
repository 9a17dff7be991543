import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@/lib/config/env";

describe("config", () => {
  it("defaults to the embedded database on port 3000", () => {
    const config = parseConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.embeddedDatabase).toBe(true);
    expect(config.DATA_DIR).toBe("./data");
  });

  it("uses Postgres when DATABASE_URL is set", () => {
    const config = parseConfig({ DATABASE_URL: "postgres://u@localhost:5432/hub" });
    expect(config.embeddedDatabase).toBe(false);
  });

  it.each([
    [{ PORT: "eighty" }, "PORT"],
    [{ DATABASE_URL: "not a url" }, "DATABASE_URL"],
    [{ METRICS_TOKEN: "short" }, "METRICS_TOKEN"],
    [{ ROLE: "cook" }, "ROLE"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ WEBHOOK_TIMEOUT_MS: "10" }, "WEBHOOK_TIMEOUT_MS"],
    [{ WEBHOOK_ALLOW_PRIVATE_TARGETS: "sure" }, "WEBHOOK_ALLOW_PRIVATE_TARGETS"],
    [{ WEBHOOK_SECRETS_KEY: "short" }, "WEBHOOK_SECRETS_KEY"],
    [{ OUTBOX_POLL_INTERVAL_MS: "0" }, "OUTBOX_POLL_INTERVAL_MS"],
  ])("refuses %j with a message naming %s", (env, name) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(new RegExp(`^Invalid configuration: ${name} `));
  });

  it("refuses a web or worker role on the embedded database, naming ROLE and DATABASE_URL", () => {
    for (const role of ["web", "worker"]) {
      expect(() => parseConfig({ ROLE: role })).toThrow(new RegExp(`^Invalid configuration: ROLE ${role} needs DATABASE_URL`));
    }
    expect(parseConfig({ ROLE: "worker", DATABASE_URL: "postgres://u@localhost:5432/hub" }).ROLE).toBe("worker");
    expect(parseConfig({}).ROLE).toBe("all");
  });

  it("namespaces Redis under REDIS_KEY_PREFIX, mh by default, and refuses one that would break key names", () => {
    expect(parseConfig({}).REDIS_KEY_PREFIX).toBe("mh");
    expect(parseConfig({ REDIS_KEY_PREFIX: "staging-hub" }).REDIS_KEY_PREFIX).toBe("staging-hub");
    expect(() => parseConfig({ REDIS_KEY_PREFIX: "a:b" })).toThrow(/^Invalid configuration: REDIS_KEY_PREFIX /);
  });

  it.each([
    [{ GITHUB_CLIENT_ID: "id" }, "GITHUB_CLIENT_SECRET"],
    [{ GOOGLE_CLIENT_SECRET: "secret" }, "GOOGLE_CLIENT_ID"],
    [{ OIDC_ISSUER: "https://id.example.com", OIDC_CLIENT_ID: "hub" }, "OIDC_CLIENT_SECRET"],
  ])("refuses half an OAuth provider %j, naming the missing %s", (env, name) => {
    expect(() => parseConfig(env)).toThrow(new RegExp(`^Invalid configuration: ${name} is required`));
  });

  it("defaults invites to 72 hours and validates the value", () => {
    expect(parseConfig({}).INVITE_TTL_HOURS).toBe(72);
    expect(() => parseConfig({ INVITE_TTL_HOURS: "0" })).toThrow(/INVITE_TTL_HOURS/);
  });

  it("treats an empty value as unset", () => {
    expect(parseConfig({ DATABASE_URL: "" }).embeddedDatabase).toBe(true);
  });
});
