import { expect, type APIRequestContext, type Browser, type TestInfo } from "@playwright/test";
import { inviteMember, sameOriginHeaders, signInViaApi } from "./helpers";
import { postMessages, registerDevice, unique } from "./inbox-seed";

/**
 * Seeding for the analytics specs, through the public API: a device that
 * forwards messages from uniquely named senders, an incident room that is
 * resolved, and tasks done on time, late and left overdue. Everything is
 * named with a unique stamp, so specs running beside it on the same server
 * do not disturb what these assert; the docs' pictures pass an empty stamp
 * for plain names.
 */
export type AnalyticsSeed = { stamp: string; device: string; senders: string[]; room: string; tasks: string[] };

const DAY = 86_400_000;

export async function seedAnalytics(request: APIRequestContext, stamp = unique("an")): Promise<AnalyticsSeed> {
  const named = (name: string) => `${name} ${stamp}`.trim();
  const headers = await sameOriginHeaders(request);
  const device = await registerDevice(request, named("Pixel 7"));
  const senders = [named("Bank"), named("Mum"), named("Alerts")];
  await postMessages(request, device, [
    ...Array.from({ length: 5 }, (_, i) => ({ sender: senders[0]!, body: `Your code is ${1000 + i}` })),
    ...Array.from({ length: 3 }, (_, i) => ({ sender: senders[1]!, body: `Dinner at ${6 + i}?` })),
    { sender: senders[2]!, body: "Disk 91% full", type: "notification", title: "Grafana" },
    { sender: senders[2]!, body: "Missed call", type: "call" },
  ]);

  const room = named("Checkout outage");
  const created = await request.post("/api/v1/rooms", { data: { title: room, severity: "sev2" }, headers });
  expect(created.status()).toBe(201);
  const roomId = ((await created.json()) as { room: { id: string } }).room.id;
  for (const content of ["Payments failing since 10:02", "Rolled back the deploy", "Error rate back to normal"]) {
    expect((await request.post(`/api/v1/rooms/${roomId}/messages`, { data: { content }, headers })).status()).toBe(201);
  }
  expect((await request.patch(`/api/v1/rooms/${roomId}`, { data: { status: "resolved" }, headers })).status()).toBe(200);

  const now = Date.now();
  const tasks = [named("Renew certificate"), named("Rotate keys"), named("File report")];
  const dues = [now + DAY, now - DAY, now - 2 * DAY];
  const ids: string[] = [];
  for (const [index, title] of tasks.entries()) {
    const res = await request.post("/api/v1/tasks", { data: { title, dueAt: new Date(dues[index]!).toISOString() }, headers });
    expect(res.status()).toBe(201);
    ids.push(((await res.json()) as { id: string }).id);
  }
  // The first done on time, the second late; the third stays overdue.
  for (const id of ids.slice(0, 2)) expect((await request.post(`/api/v1/tasks/${id}/complete`, { headers })).status()).toBe(200);
  return { stamp, device: device.name, senders, room, tasks };
}

/** A member, invited and signed in through the API in a context of their own. */
export async function memberContext(browser: Browser, testInfo: TestInfo, admin: APIRequestContext) {
  const email = `member-${unique("an")}@example.test`;
  const password = "member password 789";
  await inviteMember(admin, { email, name: "Mo Member", password });
  const { viewport, isMobile, hasTouch, deviceScaleFactor, userAgent, baseURL } = testInfo.project.use;
  const context = await browser.newContext({ viewport, isMobile, hasTouch, deviceScaleFactor, userAgent, baseURL, storageState: { cookies: [], origins: [] } });
  await signInViaApi(context.request, email, password);
  return { context, email };
}
