import { describe, expect, inject, it } from "vitest";
import { POST as postMessages } from "@/app/api/v1/messages/route";
import { GET as getMessage } from "@/app/api/v1/messages/[id]/route";
import { POST as bulkRead } from "@/app/api/v1/messages/read/route";
import { call } from "@/tests/helpers/http";
import { makeUser } from "@/tests/helpers/factories";
import { makeDevice, sms } from "@/tests/helpers/inbox";
import { blockedBehind, changeUnderCounter, holdCounter, releaseHeldCounters } from "@/tests/helpers/locks";

// The retention pass's case is in inbox-retention.test.ts, whose passes would otherwise run beside it.
releaseHeldCounters();

async function post(key: string, body: Record<string, unknown>): Promise<string> {
  const result = await call(postMessages, { key, body });
  if (result.status !== 201) throw new Error(`${result.status} ${result.text}`);
  return result.body.message.id;
}

describe.skipIf(inject("databaseKind") !== "postgres")("message writers' lock order", () => {
  it("a bulk read waits for the counter before it locks any row, so a single change under the counter finishes", async () => {
    const alice = await makeUser();
    const phone = await makeDevice(alice);
    const ids = [await post(phone.key, sms({ body: "one" })), await post(phone.key, sms({ body: "two" })), await post(phone.key, sms({ body: "three" }))];

    const holder = await holdCounter(alice);
    const bulk = call(bulkRead, { key: alice.key, body: { filter: { device: phone.id } } });
    await blockedBehind(holder);
    await changeUnderCounter(holder, ids[1]!);

    const result = await bulk;
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ updated: 3 });
    const changed = (await call(getMessage, { key: alice.key, params: { id: ids[1]! } })).body.message;
    expect(changed).toMatchObject({ read: true, priority: "high" });
  });
});
