import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@/lib/config/env";

const twilio = { SMS_PROVIDER: "twilio", TWILIO_ACCOUNT_SID: `AC${"a".repeat(32)}`, TWILIO_AUTH_TOKEN: "0123456789abcdef0123", TWILIO_FROM_NUMBER: "+15551234567" };

describe("SMS config", () => {
  it("defaults to the console provider with a rate table that has a default", () => {
    const config = parseConfig({});
    expect(config.SMS_PROVIDER).toBe("console");
    expect(config.SMS_RATE_TABLE.default).toBeGreaterThan(0);
    expect(config.SMS_GUIDANCE_PER_HOUR).toBe(1);
  });

  it("accepts a complete Twilio configuration, with a number or a messaging service", () => {
    expect(parseConfig(twilio).SMS_PROVIDER).toBe("twilio");
    const { TWILIO_FROM_NUMBER: _, ...rest } = twilio;
    expect(parseConfig({ ...rest, TWILIO_MESSAGING_SERVICE_SID: `MG${"b".repeat(32)}` }).TWILIO_MESSAGING_SERVICE_SID).toMatch(/^MG/);
    expect(parseConfig({ SMS_RATE_TABLE: '{"US":0.01,"default":0.02}' }).SMS_RATE_TABLE).toEqual({ US: 0.01, default: 0.02 });
  });

  it.each([
    [{ ...twilio, TWILIO_ACCOUNT_SID: undefined }, "TWILIO_ACCOUNT_SID"],
    [{ ...twilio, TWILIO_AUTH_TOKEN: undefined }, "TWILIO_AUTH_TOKEN"],
    [{ ...twilio, TWILIO_FROM_NUMBER: undefined }, "TWILIO_FROM_NUMBER"],
    [{ TWILIO_ACCOUNT_SID: "AC123" }, "TWILIO_ACCOUNT_SID"],
    [{ TWILIO_FROM_NUMBER: "555-1234" }, "TWILIO_FROM_NUMBER"],
    [{ SMS_PROVIDER: "carrier-pigeon" }, "SMS_PROVIDER"],
    [{ SMS_RATE_TABLE: '{"US":0.01}' }, "SMS_RATE_TABLE"],
    [{ SMS_RATE_TABLE: "cheap" }, "SMS_RATE_TABLE"],
  ])("refuses %j with a message naming %s", (env, name) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(new RegExp(`^Invalid configuration: ${name} `));
  });
});
