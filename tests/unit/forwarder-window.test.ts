import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/http/errors";
import { smsforwarder } from "@/lib/messages/forwarders/formats";
import { parseConfig } from "@/lib/config/env";

const secret = "phone secret";
const now = new Date("2026-11-24T12:00:00Z");

/** SmsForwarder's webhook form for a request sent `ageSeconds` before `now`, signed as the app signs it. */
function request(ageSeconds: number, windowSeconds: number) {
  const timestamp = now.getTime() - ageSeconds * 1000;
  const sign = encodeURIComponent(createHmac("sha256", secret).update(`${timestamp}\n${secret}`).digest("base64"));
  const body = { from: "+15550100", content: "Your code is 1234", timestamp: String(timestamp), sign };
  return { body, rawBody: Buffer.alloc(0), headers: new Headers(), type: "sms" as const, signingSecret: secret, now, windowSeconds };
}

function refusal(run: () => unknown): AppError | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  return undefined;
}

describe("the signed timestamp's window (INGEST_SIGNATURE_WINDOW_SECONDS)", () => {
  it("accepts a request ten minutes old under the default hour, and refuses it under five minutes", () => {
    expect(smsforwarder(request(600, 3600)).kind).toBe("message");
    const refused = refusal(() => smsforwarder(request(600, 300)));
    expect(refused?.status).toBe(403);
    expect(refused?.message).toMatch(/600 s away .*\(the limit is 300 s\)/);
    // The window is the same either side of the server's clock.
    expect(refusal(() => smsforwarder(request(-600, 300)))?.status).toBe(403);
    expect(smsforwarder(request(-240, 300)).kind).toBe("message");
  });

  it("is read from the environment, an hour when unset", () => {
    expect(parseConfig({ NODE_ENV: "test" }).INGEST_SIGNATURE_WINDOW_SECONDS).toBe(3600);
    expect(parseConfig({ NODE_ENV: "test", INGEST_SIGNATURE_WINDOW_SECONDS: "300" }).INGEST_SIGNATURE_WINDOW_SECONDS).toBe(300);
  });
});
