import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestInfo } from "@playwright/test";

/**
 * What scripts/e2e-server.mjs runs beside the hub it started for this
 * project (one per viewport, keyed by its port): the public URL and test
 * Twilio auth token it configured, and the file its SMTP sink appends every
 * received email to.
 */
export type ServerFixtures = { publicUrl: string; twilioAuthToken: string; mailFile: string; smtpUrl: string };

export type ReceivedMail = { to: string[]; from: string; subject: string | null; messageId: string | null; text: string; receivedAt: string };

function portOf(testInfo: TestInfo): string {
  const baseURL = testInfo.project.use.baseURL;
  if (!baseURL) throw new Error("the project has no baseURL");
  return new URL(baseURL).port;
}

export function serverFixtures(testInfo: TestInfo): ServerFixtures {
  const file = path.join(os.tmpdir(), `message-hub-e2e-${portOf(testInfo)}`, "server.json");
  return JSON.parse(readFileSync(file, "utf8")) as ServerFixtures;
}

/** Every email the hub has sent to `address` so far, oldest first. */
export function mailTo(testInfo: TestInfo, address: string): ReceivedMail[] {
  const { mailFile } = serverFixtures(testInfo);
  return readFileSync(mailFile, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ReceivedMail)
    .filter((mail) => mail.to.includes(address.toLowerCase()) || mail.to.includes(address));
}
