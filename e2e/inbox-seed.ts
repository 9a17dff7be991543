import { expect, type APIRequestContext } from "@playwright/test";
import { sameOriginHeaders } from "./helpers";

/**
 * Seeding for the inbox specs, through the public API the way a phone does:
 * register a device with the signed-in session, then post messages with the
 * device's own key.
 */
export type SeededDevice = { id: string; name: string; key: string };

export async function registerDevice(request: APIRequestContext, name: string): Promise<SeededDevice> {
  const res = await request.post("/api/v1/devices/register", { data: { name, platform: "android" }, headers: await sameOriginHeaders(request) });
  expect(res.status()).toBe(201);
  const body = (await res.json()) as { device: { id: string; name: string }; key: string };
  return { id: body.device.id, name: body.device.name, key: body.key };
}

export type SeedMessage = { sender: string; body: string; title?: string; tags?: string[]; type?: string; priority?: string; threadKey?: string; receivedAt?: string };

export async function postMessages(request: APIRequestContext, device: SeededDevice, messages: SeedMessage[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [index, message] of messages.entries()) {
    const res = await request.post("/api/v1/messages", {
      headers: { authorization: `Bearer ${device.key}` },
      data: { type: "sms", receivedAt: new Date(Date.now() - index * 1000).toISOString(), ...message },
    });
    expect(res.status()).toBe(201);
    ids.push(((await res.json()) as { message: { id: string } }).message.id);
  }
  return ids;
}

export function unique(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
