import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, cuttableProxy, startCli, startCliHub, type CliHub, type LiveCli } from "@/tests/helpers/cli";

/**
 * Incident rooms from the CLI against a real server: open, list, change
 * status, post (also from stdin), and `rooms tail` following a room live
 * (room:join, then message:new) and resuming after a network drop with
 * what it missed.
 */

let hub: CliHub;
let env: Record<string, string>;
const live: LiveCli[] = [];
const run = (args: string[], stdin?: string) => cli(args, { env, stdin });
const json = async (...args: string[]) => {
  const result = await run([...args, "--json"]);
  expect(result.stderr, args.join(" ")).toBe("");
  expect(result.code, args.join(" ")).toBe(0);
  return JSON.parse(result.stdout);
};
/** Posts to a room over REST, as another client of the same user would. */
const say = async (roomId: string, content: string) => {
  const res = await hub.api("POST", `/api/v1/rooms/${roomId}/messages`, { content });
  expect(res.status).toBe(201);
  return res.body.message;
};

beforeAll(async () => {
  hub = await startCliHub();
  env = { MESSAGE_HUB_URL: hub.url, MESSAGE_HUB_TOKEN: hub.key };
});

afterAll(async () => {
  await Promise.all(live.map((cmd) => cmd.stop()));
  await hub?.stop();
});

describe("rooms", () => {
  let room: any;

  it("open, list (table and --json), say, status", async () => {
    const opened = await run(["rooms", "open", "--title", "Checkout errors", "--severity", "sev2", "--description", "5xx on /pay"]);
    expect(opened.stderr).toBe("");
    expect(opened.code).toBe(0);
    expect(opened.stdout).toMatch(/^Opened room_[0-9a-z]{26} "Checkout errors" \(sev2, investigating\)\.\n$/);
    room = { id: /room_[0-9a-z]{26}/.exec(opened.stdout)![0] };
    const other = await json("rooms", "open", "-t", "DB failover", "-s", "sev1");
    expect(other.room).toMatchObject({ title: "DB failover", severity: "sev1", status: "investigating" });

    const table = await run(["rooms"]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+SEV\s+STATUS\s+TITLE/);
    expect(lines.find((line) => line.startsWith(room.id))).toMatch(/sev2\s+investigating\s+Checkout errors/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    const page = await json("rooms");
    expect(page.data.map((r: any) => r.title).sort()).toEqual(["Checkout errors", "DB failover"]);

    const said = await run(["rooms", "say", room.id, "Rolled back to v41"]);
    expect(said.stdout).toMatch(new RegExp(`^Posted #\\d+ to ${room.id}\\.\\n$`));
    const piped = await run(["rooms", "say", room.id, "-", "--json"], "error rate back to 0.1%\n");
    expect(JSON.parse(piped.stdout).message).toMatchObject({ content: "error rate back to 0.1%", roomId: room.id, type: "text" });

    const status = await run(["rooms", "status", room.id, "monitoring"]);
    expect(status.stdout).toBe(`${room.id} "Checkout errors" is now monitoring.\n`);
    expect((await json("rooms", "--status", "monitoring")).data.map((r: any) => r.id)).toEqual([room.id]);
    expect((await json("rooms", "status", other.room.id, "identified")).room).toMatchObject({ id: other.room.id, status: "identified" });
  });

  it("usage and unknown rooms: exit 2 and exit 4", async () => {
    const badStatus = await run(["rooms", "status", room.id, "fixed"]);
    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toMatch(/'fixed' is not a status: use investigating, identified, monitoring, resolved/);
    const badSeverity = await run(["rooms", "open", "-t", "x", "-s", "sev9"]);
    expect(badSeverity.code).toBe(2);
    const noTitle = await run(["rooms", "open", "-s", "sev3"]);
    expect(noTitle.code).toBe(2);
    for (const args of [["rooms", "status", "room_00000000000000000000000000", "resolved"], ["rooms", "say", "room_00000000000000000000000000", "hi"], ["rooms", "tail", "room_00000000000000000000000000"]]) {
      const result = await run(args);
      expect(result.code, args.join(" ")).toBe(4);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(/^error: Not found: /);
    }
  });

  it("tail shows the last messages, then new ones live, status changes included", async () => {
    const tail = startCli(["rooms", "tail", room.id, "-n", "2"], { env });
    live.push(tail);
    await tail.waitForStderr(new RegExp(`Following ${room.id} "Checkout errors" \\(sev2, monitoring\\)\\. Ctrl-C to stop\\.`));
    // The history: the last two messages (the status change is a system message).
    await tail.waitForLine((line) => line.includes("changed the status from investigating to monitoring"));
    expect(tail.lines[0]).toMatch(/^\d{2}:\d{2} {2}Ada Lovelace: error rate back to 0\.1%$/);
    expect(tail.lines[1]).toMatch(/^\d{2}:\d{2} {2}\* Ada Lovelace changed the status from investigating to monitoring$/);

    await say(room.id, "Root cause: a bad config push");
    await tail.waitForLine((line) => line.endsWith("Ada Lovelace: Root cause: a bad config push"));
    expect((await run(["rooms", "status", room.id, "resolved"])).code).toBe(0);
    await tail.waitForLine((line) => line.includes("changed the status from monitoring to resolved"));
    expect(tail.lines.filter((line) => line.includes("Root cause"))).toHaveLength(1);
    expect(await tail.stop()).toBe(0);
  });

  it("tail --json resumes after a network drop with what it missed, once each, in order", async () => {
    const proxy = await cuttableProxy(hub.hub.port);
    try {
      const tail = startCli(["rooms", "tail", room.id, "-n", "0", "--json"], { env: { ...env, MESSAGE_HUB_URL: proxy.url } });
      live.push(tail);
      await tail.waitForStderr(/Following/);
      await say(room.id, "before the drop");
      await tail.waitForLine((line) => line.includes("before the drop"));

      await proxy.cut();
      await tail.waitForStderr(/Connection lost/);
      for (const n of [1, 2, 3]) await say(room.id, `while down ${n}`);
      await proxy.restore();
      await tail.waitForStderr(/Reconnected; catching up\./, 30_000);
      await tail.waitForLine((line) => line.includes("while down 3"), 30_000);
      await say(room.id, "after the drop");
      await tail.waitForLine((line) => line.includes("after the drop"));

      const events = tail.lines.filter(Boolean).map((line) => JSON.parse(line));
      expect(events.map((e) => e.message.content)).toEqual(["before the drop", "while down 1", "while down 2", "while down 3", "after the drop"]);
      expect(events.every((e) => e.event === "message:new" && e.message.roomId === room.id)).toBe(true);
      expect(await tail.stop()).toBe(0);
    } finally {
      await proxy.close();
    }
  });
});
