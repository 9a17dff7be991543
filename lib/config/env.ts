import { z } from "zod";

/**
 * Every environment variable the hub reads, validated once at boot.
 * Nothing else in the code reads process.env; it calls getConfig().
 * Each variable is documented in .env.example.
 */
const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

/**
 * OpenTelemetry, read twice: by lib/tracing/boot.ts before anything else is
 * loaded (the SDK must start before the modules it instruments), and as part
 * of the config below, so a bad value still stops the boot with its name.
 */
export const tracingEnvShape = {
  /** OTLP/HTTP collector base URL (traces go to <url>/v1/traces). Unset: no tracing, and the SDK is never loaded. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).max(100).default("message-hub"),
};

export const envSchema = z.object({
  ...tracingEnvShape,

  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: port.default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  PUBLIC_URL: z.url().optional(),
  ROLE: z.enum(["web", "worker", "all"]).default("all"),

  DATABASE_URL: z.url().optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_POOL_MAX: positiveInt.default(10),
  PGLITE_PORT: port.default(0),

  REDIS_URL: z.url().optional(),
  /** Namespaces every Redis key and channel, so several hubs can share one Redis. */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,40}$/, "must be 1-40 letters, digits, dots, dashes or underscores")
    .default("mh"),

  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),

  MAX_BODY_BYTES: positiveInt.default(1_048_576),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),

  RATE_LIMIT_API_PER_MINUTE: positiveInt.default(1200),
  RATE_LIMIT_INGEST_PER_MINUTE: positiveInt.default(6000),
  RATE_LIMIT_AUTH_PER_15_MINUTES: positiveInt.default(10),
  RATE_LIMIT_SEND_PER_HOUR: positiveInt.default(60),
  RATE_LIMIT_SOCKET_CONNECTS_PER_MINUTE: positiveInt.default(300),

  ROOM_EDIT_WINDOW_MINUTES: positiveInt.default(15),

  SIGNIN_MAX_FAILURES: positiveInt.default(5),
  SIGNIN_LOCKOUT_SECONDS: positiveInt.default(900),

  INGEST_SIGNATURE_WINDOW_SECONDS: positiveInt.default(3600),
  RETENTION_SCHEDULE: z.string().min(9, "must be a cron expression such as '17 * * * *'").default("17 * * * *"),

  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  TRUST_PROXY: bool.default(false),
  INVITE_TTL_HOURS: positiveInt.max(24 * 365).default(72),

  GITHUB_CLIENT_ID: z.string().min(1).optional(),
  GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_NAME: z.string().min(1).max(60).default("Single sign-on"),

  // Web push. Without these the keys are generated on first use and kept in the database.
  VAPID_PUBLIC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{86,88}$/, "must be the base64url public key that web-push generate-vapid-keys prints")
    .optional(),
  VAPID_PRIVATE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{42,44}$/, "must be the base64url private key that web-push generate-vapid-keys prints")
    .optional(),
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:\S+@\S+|https:\/\/\S+)$/, "must be a mailto: address or an https:// URL")
    .optional(),

  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
  OUTBOX_RETENTION_DAYS: positiveInt.default(7),

  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: bool.default(false),
  WEBHOOK_RETRY_WINDOW_HOURS: z.coerce.number().positive().max(168).default(24),
  WEBHOOK_DISABLE_AFTER_FAILURES: positiveInt.default(15),
  WEBHOOK_DISABLE_AFTER_HOURS: z.coerce.number().min(0).max(720).default(24),
  WEBHOOK_DELIVERY_RETENTION_DAYS: positiveInt.default(30),
  WEBHOOK_SECRETS_KEY: z.string().min(32, "must be at least 32 characters").optional(),

  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/\S+$/, "must be an smtp:// or smtps:// URL")
    .optional(),
  EMAIL_FROM: z.string().min(3).default("Message Hub <hub@localhost>"),
  // SMS router (lib/sms).
  SMS_PROVIDER: z.enum(["console", "twilio"]).default("console"),
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "must be an account SID (AC followed by 32 hex digits)").optional(),
  TWILIO_AUTH_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  TWILIO_FROM_NUMBER: z.string().regex(/^\+[1-9][0-9]{6,14}$/, "must be an E.164 number such as +15551234567").optional(),
  TWILIO_MESSAGING_SERVICE_SID: z.string().regex(/^MG[0-9a-fA-F]{32}$/, "must be a messaging service SID (MG followed by 32 hex digits)").optional(),
  /** Replaces https://api.twilio.com (tests point it at a local fake). */
  TWILIO_API_BASE_URL: z.url().optional(),
  /** The reply an unknown or unverified sender gets; empty turns the reply off. */
  SMS_GUIDANCE_TEXT: z.string().max(320).default("This number does not recognise you. Add and verify your phone number in Message Hub settings to route your texts."),
  /** How many guidance replies one number may get per hour, so a reply loop cannot run up costs. */
  SMS_GUIDANCE_PER_HOUR: z.coerce.number().int().min(0).max(100).default(1),
  /** Price per segment by country (ISO 3166 alpha-2, plus "default"), in USD, when Twilio returns none. */
  SMS_RATE_TABLE: z
    .string()
    .default('{"US":0.0083,"CA":0.0083,"GB":0.0524,"DE":0.0905,"FR":0.0862,"default":0.05}')
    .transform((text, ctx) => {
      try {
        const parsed = z.record(z.string().regex(/^([A-Z]{2}|default)$/), z.number().min(0)).parse(JSON.parse(text));
        if (parsed.default === undefined) throw new Error("no default");
        return parsed as Record<string, number> & { default: number };
      } catch {
        ctx.addIssue({ code: "custom", message: 'must be a JSON object of country code to USD per segment with a "default", such as {"US":0.0083,"default":0.05}' });
        return z.NEVER;
      }
    }),
}).superRefine((env, ctx) => {
  // The embedded database lives inside one process; a web/worker split needs a
  // database that both processes reach.
  if (env.ROLE !== "all" && !env.DATABASE_URL) {
    ctx.addIssue({ code: "custom", path: ["ROLE"], message: `${env.ROLE} needs DATABASE_URL: the embedded database serves a single process, so run ROLE=all on it` });
  }
  if (env.SMS_PROVIDER === "twilio") {
    for (const name of ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"] as const) {
      if (!env[name]) ctx.addIssue({ code: "custom", path: [name], message: "is required when SMS_PROVIDER=twilio" });
    }
    if (!env.TWILIO_FROM_NUMBER && !env.TWILIO_MESSAGING_SERVICE_SID) {
      ctx.addIssue({ code: "custom", path: ["TWILIO_FROM_NUMBER"], message: "or TWILIO_MESSAGING_SERVICE_SID is required when SMS_PROVIDER=twilio" });
    }
  }
  // Half a key pair would sign with one key and advertise another.
  if (!!env.VAPID_PUBLIC_KEY !== !!env.VAPID_PRIVATE_KEY) {
    ctx.addIssue({ code: "custom", path: [env.VAPID_PUBLIC_KEY ? "VAPID_PRIVATE_KEY" : "VAPID_PUBLIC_KEY"], message: "must be set together with the other VAPID key" });
  }
});

/**
 * An OAuth provider is on only when all of its variables are set; half a
 * configuration is a mistake worth stopping the boot for.
 */
const OAUTH_GROUPS = [
  ["GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET"],
  ["GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"],
  ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"],
] as const;

function checkOAuthGroups(parsed: z.infer<typeof envSchema>): void {
  for (const group of OAUTH_GROUPS) {
    const set = group.filter((name) => parsed[name] !== undefined);
    if (set.length > 0 && set.length < group.length) {
      const missing = group.find((name) => parsed[name] === undefined)!;
      throw new ConfigError(`Invalid configuration: ${missing} is required when ${set.join(" and ")} ${set.length > 1 ? "are" : "is"} set`);
    }
  }
}

export type Config = z.infer<typeof envSchema> & {
  /** Whether the server runs the embedded PGlite database. */
  embeddedDatabase: boolean;
  logFormat: "json" | "pretty";
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Parses an environment into a config, or throws a ConfigError naming the first bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty string means "unset", as it does in most .env files.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    // Lower-case only the first letter: the rest may name variables or values.
    throw new ConfigError(`Invalid configuration: ${name} ${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}`);
  }
  const parsed = result.data;
  checkOAuthGroups(parsed);
  return {
    ...parsed,
    embeddedDatabase: !parsed.DATABASE_URL,
    logFormat: parsed.LOG_FORMAT ?? (parsed.NODE_ENV === "development" ? "pretty" : "json"),
  };
}

const CONFIG_KEY = Symbol.for("message-hub.config");
type Holder = { [CONFIG_KEY]?: Config };

/**
 * The process-wide config. The custom server sets it at boot; route handlers
 * bundled by Next read the same object through globalThis.
 */
export function getConfig(): Config {
  const holder = globalThis as Holder;
  holder[CONFIG_KEY] ??= parseConfig(process.env);
  return holder[CONFIG_KEY];
}

export function setConfig(config: Config): void {
  (globalThis as Holder)[CONFIG_KEY] = config;
}
