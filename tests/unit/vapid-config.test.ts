import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config/env";

const publicKey = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM";
const privateKey = "AzrDb3YKpsE8Z1Jz2u-6Z0f3ApXCr-4fMr6nKeUN1gY";

describe("web push configuration", () => {
  it("accepts a full VAPID key pair and a subject", () => {
    const config = parseConfig({ VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey, VAPID_SUBJECT: "mailto:ops@example.com" });
    expect(config.VAPID_PUBLIC_KEY).toBe(publicKey);
    expect(config.VAPID_SUBJECT).toBe("mailto:ops@example.com");
  });

  it.each([
    [{ VAPID_PUBLIC_KEY: publicKey }, "VAPID_PRIVATE_KEY"],
    [{ VAPID_PRIVATE_KEY: privateKey }, "VAPID_PUBLIC_KEY"],
    [{ VAPID_PUBLIC_KEY: "short", VAPID_PRIVATE_KEY: privateKey }, "VAPID_PUBLIC_KEY"],
    [{ VAPID_SUBJECT: "ops@example.com" }, "VAPID_SUBJECT"],
    [{ VAPID_SUBJECT: "http://example.com" }, "VAPID_SUBJECT"],
  ])("refuses %j naming %s", (env, name) => {
    expect(() => parseConfig(env)).toThrow(new RegExp(`^Invalid configuration: ${name} `));
  });
});
