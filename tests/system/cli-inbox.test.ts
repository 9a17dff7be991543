import { spawnSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_BIN, cli, cliEnv, cliHome, cuttableProxy, startCli, startCliHub, type CliHub, type LiveCli } from "@/tests/helpers/cli";

/**
 * The inbox from the CLI against a real server: devices (register with key
 * and QR code, list with status, revoke), messages posted by a device and
 * read back (table, --json, filters, show, tags, mark-read and
 * mark-unread), export to a file with constant memory, and `tail` receiving
 * a device's message live, then resuming after a network drop without
 * missing any; retention rules and what the job's last run deleted;
 * threads, one conversation, and deleting by id.
 */

let hub: CliHub;
let env: Record<string, string>;
const home = cliHome();
const live: LiveCli[] = [];
const run = (...args: string[]) => cli(args, { env });
const json = async (...args: string[]) => {
  const result = await run(...args, "--json");
  expect(result.stderr, args.join(" ")).toBe("");
  expect(result.code, args.join(" ")).toBe(0);
  return JSON.parse(result.stdout);
};

let phone: { id: string; key: string };
/** When the tablet's messages were posted: --since/--until in ISO around them. */
let postedAt = 0;
let tablet: { id: string; key: string };

/** Posts as a device, the way a phone does. */
async function post(deviceKey: string, message: Record<string, unknown> | Record<string, unknown>[]) {
  const body = Array.isArray(message) ? { messages: message } : message;
  const res = await hub.api("POST", "/api/v1/messages", body, deviceKey);
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res.body;
}

/** A fixed-offset zone (Etc/GMT-12 … Etc/GMT+11) where it is about noon now. */
function zoneAtNoon(now = new Date()): string {
  const hoursEast = 12 - now.getUTCHours();
  // Etc/GMT zones name the offset with the opposite sign: Etc/GMT-5 is UTC+5.
  return hoursEast === 0 ? "Etc/GMT" : `Etc/GMT${hoursEast > 0 ? "-" : "+"}${Math.abs(hoursEast)}`;
}

const sms = (sender: string, text: string, minutesAgo = 0, extra: Record<string, unknown> = {}) => ({
  type: "sms",
  sender,
  body: text,
  receivedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
  ...extra,
});

beforeAll(async () => {
  hub = await startCliHub();
  env = { MESSAGE_HUB_URL: hub.url, MESSAGE_HUB_TOKEN: hub.key, MESSAGE_HUB_CONFIG: home.config };
});

afterAll(async () => {
  await Promise.all(live.map((cmd) => cmd.stop()));
  await hub?.stop();
  home.cleanup();
});

describe("devices", () => {
  it("register prints the key once and a QR code; --json gives the API's response", async () => {
    const result = await run("devices", "register", "Pixel 8", "--platform", "android");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toMatch(/^Registered Pixel 8 \(dev_[0-9a-z]{26}\)\.$/);
    expect(lines[2]).toBe("API key, shown once (scopes: messages:read, messages:write):");
    expect(lines[3]).toMatch(/^ {2}mh_[0-9a-z]{8}_\S+$/);
    phone = { id: /dev_[0-9a-z]{26}/.exec(lines[0]!)![0], key: lines[3]!.trim() };
    // A QR code in half blocks: a square of equal-width lines, no colour codes.
    const qr = lines.slice(5, lines.indexOf("Scan it on the phone to copy the key."));
    expect(qr.length).toBeGreaterThan(10);
    for (const line of qr) {
      expect(line).toMatch(/^[█▀▄ ]+$/);
      expect(line.length).toBe(qr[0]!.length);
    }
    expect(result.stdout).not.toContain("\u001b[");

    const made = await json("devices", "register", "Old tablet");
    expect(made).toMatchObject({ device: { name: "Old tablet", status: "offline" }, apiKey: { scopes: ["messages:read", "messages:write"] } });
    tablet = { id: made.device.id, key: made.key };

    const webhook = await run("devices", "register", "Forwarder", "--ingest", "smsforwarder", "--no-qr");
    expect(webhook.stdout).toMatch(new RegExp(`Webhook URL for smsforwarder:\\n {2}${hub.url}/api/v1/ingest/smsforwarder\\?key=mh_[0-9a-z]{8}_\\S+\\n$`));
  });

  it("lists devices with their status and message counts", async () => {
    await post(phone.key, [sms("+15550001", "Your code is 771 204", 5), sms("ACME Bank", "Card ending 4242 charged $12.00", 3)]);
    const table = await run("devices");
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+NAME\s+STATUS\s+LAST SEEN\s+MESSAGES/);
    const pixel = lines.find((line) => line.startsWith(phone.id))!;
    expect(pixel).toMatch(/Pixel 8\s+online\s+just now\s+2/);
    expect(lines.find((line) => line.startsWith(tablet.id))).toMatch(/Old tablet\s+offline\s+never\s+0/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    const page = await json("devices");
    expect(page.data.find((d: any) => d.id === phone.id)).toMatchObject({ status: "online", messageCount: 2, platform: "android" });
  });
});

describe("messages", () => {
  let ids: Record<string, string>;

  beforeAll(async () => {
    postedAt = Date.now();
    await post(tablet.key, [
      sms("+15550002", "Dinner at 8? 🍝", 2),
      { type: "notification", sender: "Calendar", app: "calendar", title: "Standup", body: "in 10 minutes", receivedAt: new Date(postedAt - 90_000).toISOString() },
      sms("+15550003", "evil \u001b[31mred\u001b[0m \u202etext", 1),
    ]);
    const page = await json("messages", "--limit", "50");
    ids = Object.fromEntries(page.data.map((m: any) => [m.body, m.id]));
  });

  it("lists newest first in a table that fits 80 columns, unread marked, no colour when piped", async () => {
    // The messages are minutes old. In a zone where it is midday they are all
    // "today", shown as HH:MM; near midnight some would show a date instead.
    const result = await cli(["messages"], { env: { ...env, TZ: zoneAtNoon() } });
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ {3}ID\s+RECEIVED\s+FROM\s+MESSAGE$/);
    expect(lines).toHaveLength(6);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    expect(lines[1]).toMatch(/^• {2}msg_[0-9a-z]{26}\s+\d{2}:\d{2}\s+\+15550003\s+evil \[31mred\[0m text/);
    expect(lines[2]).toMatch(/Calendar\s+Standup: in 10 minutes$/);
    expect(lines[5]).toMatch(/\+15550001\s+Your code is 771 204$/);
    expect(result.stdout).not.toContain("\u001b");
    expect(result.stdout).not.toContain("\u202e");
  });

  it("--json is the API's page; filters reach the server", async () => {
    const page = await json("messages");
    expect(page).toMatchObject({ hasMore: false, nextCursor: null });
    expect(page.data).toHaveLength(5);
    expect(page.data[0]).toMatchObject({ sender: "+15550003", read: false, type: "sms" });

    expect((await json("messages", "--type", "notification")).data.map((m: any) => m.sender)).toEqual(["Calendar"]);
    expect((await json("messages", "--type", "sms,notification", "--device", tablet.id)).data).toHaveLength(3);
    expect((await json("messages", "--search", "card")).data.map((m: any) => m.sender)).toEqual(["ACME Bank"]);
    const between = new Date(postedAt - 150_000).toISOString();
    expect((await json("messages", "--since", between)).data.map((m: any) => m.sender)).toEqual(["+15550003", "Calendar", "+15550002"]);
    expect((await json("messages", "--until", between)).data.map((m: any) => m.sender)).toEqual(["ACME Bank", "+15550001"]);
    expect((await json("messages", "--since", "yesterday")).data).toHaveLength(5);
    expect((await json("messages", "--until", "yesterday")).data).toHaveLength(0);

    const first = await run("messages", "--limit", "2");
    expect(first.stdout.trimEnd().split("\n")).toHaveLength(3);
    const cursor = /--cursor (\S+)/.exec(first.stderr)![1]!;
    expect((await json("messages", "--limit", "2", "--cursor", cursor)).data.map((m: any) => m.sender)).toEqual(["+15550002", "ACME Bank"]);
  });

  it("show prints one message in full; an unknown id is exit 4", async () => {
    const shown = await run("messages", "show", ids["in 10 minutes"]!);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^Id\s+msg_/);
    expect(shown.stdout).toMatch(/^From\s+Calendar$/m);
    expect(shown.stdout).toMatch(/^Type\s+notification$/m);
    expect(shown.stdout).toMatch(/^Title\s+Standup$/m);
    expect(shown.stdout).toMatch(/^Read\s+no$/m);
    expect(shown.stdout).toMatch(/\n\nin 10 minutes\n$/);
    expect((await json("messages", "show", ids["in 10 minutes"]!)).message.title).toBe("Standup");

    const missing = await run("messages", "show", "msg_00000000000000000000000000");
    expect(missing.code).toBe(4);
    expect(missing.stderr).toBe("error: Not found: Message not found\n");
  });

  it("tag adds and removes tags; --tag filters by them", async () => {
    const id = ids["Card ending 4242 charged $12.00"]!;
    const added = await run("tag", id, "--add", "Bank,important");
    expect(added.stdout).toBe(`Tags of ${id}: bank, important\n`);
    const removed = await json("tag", id, "--remove", "important", "--add", "money");
    expect(removed.message.tags).toEqual(["bank", "money"]);
    expect((await json("messages", "--tag", "bank")).data.map((m: any) => m.id)).toEqual([id]);
    expect((await run("tag", "msg_00000000000000000000000000", "--add", "x")).code).toBe(4);
    expect((await run("tag", id)).code).toBe(2);
  });

  it("mark-read by ids (an unknown one is exit 4, the rest are still marked) and --all for a device", async () => {
    const a = ids["Your code is 771 204"]!;
    const b = ids["in 10 minutes"]!;
    const result = await run("mark-read", a, b);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Marked 2 messages read.\n");
    const page = await json("messages", "--unread");
    expect(page.data.map((m: any) => m.id)).not.toContain(a);
    expect(page.data.map((m: any) => m.id)).not.toContain(b);

    const partly = await run("mark-read", ids["Dinner at 8? 🍝"]!, "msg_00000000000000000000000000", "--json");
    expect(partly.code).toBe(4);
    expect(JSON.parse(partly.stdout)).toEqual({ marked: [ids["Dinner at 8? 🍝"]], notFound: ["msg_00000000000000000000000000"] });
    expect(partly.stderr).toBe("error: No message msg_00000000000000000000000000 (not found, deleted, or not yours).\n");

    const all = await run("mark-read", "--all", "--device", tablet.id);
    expect(all.code).toBe(0);
    expect(all.stdout).toBe("Marked 1 message read.\n");
    expect((await json("messages", "--unread")).data.map((m: any) => m.sender)).toEqual(["ACME Bank"]);
    expect((await json("mark-read", "--all")).updated).toBe(1);
    expect((await json("messages", "--unread")).data).toEqual([]);

    const table = await run("messages");
    expect(table.stdout.split("\n").slice(1, -1).every((line) => /^ {3}msg_/.test(line))).toBe(true);
    expect((await run("mark-read")).code).toBe(2);
    expect((await run("mark-read", "--device", tablet.id)).code).toBe(2);
  });

  it("mark-unread by ids and --all for a device undoes mark-read, and counts only what changed", async () => {
    const a = ids["Your code is 771 204"]!;
    const result = await run("mark-unread", a, a);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Marked 1 message unread.\n");
    expect((await json("messages", "--unread")).data.map((m: any) => m.id)).toEqual([a]);

    const everything = (await json("messages", "--limit", "500")).data;
    const onTablet = everything.filter((m: any) => m.deviceId === tablet.id);
    expect(onTablet.length).toBeGreaterThan(0);
    const tabletRead = onTablet.filter((m: any) => m.id !== a).length;
    expect((await json("mark-unread", "--all", "--device", tablet.id)).updated).toBe(tabletRead);
    const unread = (await json("messages", "--unread", "--limit", "500")).data.map((m: any) => m.id).sort();
    expect(unread).toEqual([a, ...onTablet.map((m: any) => m.id)].filter((id, index, all) => all.indexOf(id) === index).sort());

    expect((await json("mark-unread", "--all")).updated).toBe(everything.length - unread.length);
    expect((await json("messages", "--unread", "--limit", "500")).data).toHaveLength(everything.length);
    expect((await run("mark-unread", "msg_00000000000000000000000000")).code).toBe(4);
    expect((await run("mark-unread")).code).toBe(2);
    // Leave the inbox read, as the tests below found it.
    expect((await json("mark-read", "--all")).updated).toBe(everything.length);
  });
});

describe("export", () => {
  it("writes CSV, JSON and NDJSON files (0600) with every matching message", async () => {
    for (const format of ["csv", "json", "ndjson"]) {
      const file = path.join(home.dir, `inbox.${format}`);
      const result = await run("export", "-o", file);
      expect(result.stderr, format).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Exported 5 messages \\([\\d.]+ (B|KB)\\) to ${file.replace(/[.]/g, "\\.")} in [\\d.]+ s\\.\\n$`));
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const text = readFileSync(file, "utf8");
      if (format === "json") expect(JSON.parse(text).map((m: any) => m.sender)).toEqual(["+15550001", "ACME Bank", "+15550002", "Calendar", "+15550003"]);
      if (format === "ndjson") expect(text.trimEnd().split("\n").map((line) => JSON.parse(line).sender)).toHaveLength(5);
      if (format === "csv") expect(text.split("\r\n")[0]).toMatch(/^id,receivedAt,/);
    }
    const filtered = await json("export", "--format", "ndjson", "--device", phone.id, "-o", path.join(home.dir, "phone.ndjson"));
    expect(filtered).toMatchObject({ format: "ndjson", messages: 2 });
    const stdout = await run("export", "--format", "ndjson", "--type", "notification");
    expect(stdout.code).toBe(0);
    expect(JSON.parse(stdout.stdout.trim()).sender).toBe("Calendar");
    expect(stdout.stderr).toMatch(/^Exported 1 message \(\d+ B\)\.\n$/);
  });

  it("streams in constant memory: a 50 MB export peaks about where a 3-message one does", async () => {
    const big = "x".repeat(2000);
    for (let batch = 0; batch < 40; batch++) {
      await post(phone.key, Array.from({ length: 500 }, (_, i) => sms(`+1555${batch}`, `${batch}-${i} ${big}`, 60 + batch, { externalId: `bulk-${batch}-${i}` })));
    }
    // The CLI reports its own peak resident memory as it exits.
    const probe = path.join(home.dir, "max-rss.cjs");
    writeFileSync(probe, 'process.on("exit", () => require("node:fs").writeSync(2, `maxrss=${process.resourceUsage().maxRSS}\\n`));\n');
    const peak = (args: string[]) => {
      // A small young generation: garbage is collected as it is made, so the peak shows what is kept, not what is yet to be swept.
      const result = spawnSync(process.execPath, ["--max-semi-space-size=1", "--require", probe, CLI_BIN, ...args], { env: cliEnv(env), encoding: "utf8" });
      expect(result.status, result.stderr).toBe(0);
      return { kb: Number(/maxrss=(\d+)/.exec(result.stderr)![1]), stdout: result.stdout };
    };
    const small = peak(["export", "--format", "json", "--device", tablet.id, "-o", path.join(home.dir, "small.json"), "--json"]);
    const large = peak(["export", "--format", "json", "-o", path.join(home.dir, "large.json"), "--json"]);
    const summary = JSON.parse(large.stdout);
    expect(summary.messages).toBe(20_005);
    expect(summary.bytes).toBeGreaterThan(40_000_000);
    expect(statSync(path.join(home.dir, "large.json")).size).toBe(summary.bytes);
    expect(JSON.parse(readFileSync(path.join(home.dir, "large.json"), "utf8"))).toHaveLength(20_005);
    // A 50 MB export held in memory would add at least 50 MB to the peak. What
    // streaming adds is socket and stream buffers, which grow with how fast the
    // server sends (10–16 MB here), not with the size of the export.
    console.log(`export peak RSS: ${small.kb} KB for 3 messages, ${large.kb} KB for ${summary.messages} (${summary.bytes} bytes in ${summary.seconds} s)`);
    expect(large.kb - small.kb).toBeLessThan(30_000);
  });
});

describe("tail", () => {
  it("prints a message a device posts, live", async () => {
    const tail = startCli(["tail", "--json"], { env });
    live.push(tail);
    await tail.waitForStderr(/Following http:\/\/127\.0\.0\.1:\d+\. Ctrl-C to stop\./);
    const posted = await post(phone.key, sms("+15559999", "Your one-time code is 123 456"));
    const line = await tail.waitForLine((l) => l.includes("123 456"));
    expect(JSON.parse(line)).toMatchObject({ id: posted.message.id, sender: "+15559999", body: "Your one-time code is 123 456", deviceId: phone.id, deleted: false });
    // An update to an older message (read, tags) is not a new message.
    await hub.api("PUT", `/api/v1/messages/${posted.message.id}/read`);
    await post(phone.key, sms("+15559999", "second"));
    await tail.waitForLine((l) => l.includes('"second"'));
    expect(tail.lines.filter((l) => l.includes(posted.message.id))).toHaveLength(1);
    expect(await tail.stop()).toBe(0);
  });

  it("human lines; --device filters; --count exits by itself", async () => {
    const tail = startCli(["tail", "--device", tablet.id, "--count", "1"], { env });
    live.push(tail);
    await tail.waitForStderr(/Following .* \(device dev_/);
    await post(phone.key, sms("+15550100", "from the phone"));
    await post(tablet.key, sms("+15550200", "from the tablet\nsecond line"));
    expect(await tail.exited).toBe(0);
    expect(tail.lines.filter(Boolean)).toHaveLength(1);
    expect(tail.lines[0]).toMatch(/^\d{2}:\d{2}:\d{2} {2}sms {3}\+15550200 {2}from the tablet second line$/);
  });

  it("resumes after a network drop: what arrived meanwhile is printed once, in order", async () => {
    const proxy = await cuttableProxy(hub.hub.port);
    try {
      const tail = startCli(["tail", "--json"], { env: { ...env, MESSAGE_HUB_URL: proxy.url } });
      live.push(tail);
      await tail.waitForStderr(/Following/);
      await post(phone.key, sms("+15550300", "before the drop"));
      await tail.waitForLine((l) => l.includes("before the drop"));

      await proxy.cut();
      // "transport error" when the cut comes before the client has moved from HTTP polling to its WebSocket.
      await tail.waitForStderr(/Connection lost \(transport (close|error)\); reconnecting…/);
      // Posted straight to the hub while the CLI cannot reach it.
      for (const n of [1, 2, 3]) await post(phone.key, sms("+15550300", `while down ${n}`));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(tail.lines.some((l) => l.includes("while down"))).toBe(false);

      await proxy.restore();
      await tail.waitForStderr(/Reconnected; catching up\./, 30_000);
      await tail.waitForLine((l) => l.includes("while down 3"), 30_000);
      await post(phone.key, sms("+15550300", "after the drop"));
      await tail.waitForLine((l) => l.includes("after the drop"));
      const bodies = tail.lines.filter(Boolean).map((l) => JSON.parse(l).body);
      expect(bodies).toEqual(["before the drop", "while down 1", "while down 2", "while down 3", "after the drop"]);
      expect(await tail.stop()).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it("ends with exit 3 when its key is revoked while it runs", async () => {
    const made = await hub.api("POST", "/api/v1/api-keys", { name: "tailer", scopes: ["messages:read"] });
    const tail = startCli(["tail"], { env: { ...env, MESSAGE_HUB_TOKEN: made.body.key } });
    live.push(tail);
    await tail.waitForStderr(/Following/);
    expect((await hub.api("DELETE", `/api/v1/api-keys/${made.body.apiKey.id}`)).status).toBe(200);
    expect(await tail.exited).toBe(3);
    expect(tail.stderr()).toMatch(/error: Unauthorized: .* — The API key was refused/);
  });

  it("a server that is down at the start: exit 1 with a clear message", async () => {
    const proxy = await cuttableProxy(hub.hub.port);
    const url = proxy.url;
    await proxy.close();
    const result = await cli(["tail"], { env: { ...env, MESSAGE_HUB_URL: url } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: Cannot reach Message Hub at ${url}: connection refused — Is the server running and is the address right? Check \`message-hub config list\` or MESSAGE_HUB_URL.\n`);
  });
});

describe("revoking a device", () => {
  it("stops its key at once and shows it as revoked; an unknown device is exit 4", async () => {
    const result = await run("devices", "revoke", tablet.id);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Revoked Old tablet (${tablet.id}): its keys no longer work. Its messages stay in the inbox.\n`);
    const refused = await hub.api("POST", "/api/v1/messages", sms("+1", "after revoke"), tablet.key);
    expect(refused.status).toBe(401);
    const table = await run("devices");
    expect(table.stdout.split("\n").find((line) => line.startsWith(tablet.id))).toMatch(/Old tablet\s+revoked/);
    const forwarder = (await json("devices")).data.find((d: any) => d.name === "Forwarder");
    expect((await json("devices", "revoke", forwarder.id)).device).toMatchObject({ id: forwarder.id, revokedAt: expect.any(String) });
    const unknown = await run("devices", "revoke", "dev_00000000000000000000000000");
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toBe("error: Not found: Device not found\n");
  });
});

describe("retention", () => {
  it("sets the rule for all messages and for one device, and shows what the job's last run deleted", async () => {
    const fresh = (await json("devices", "register", "Archive", "--no-qr")) as { device: { id: string }; key: string };
    // Labels pad to the longest ("All messages"), then two spaces.
    const line = (label: string, value: string) => `${label.padEnd(12)}  ${value}`;
    const notYet = line("Last run", "not yet: the job applies the rules on its next scheduled run");
    expect((await run("retention")).stdout).toBe(`${line("All messages", "kept forever")}\n${line("Last run", "never (no rule set)")}\n`);

    const set = await run("retention", "set", "--days", "30");
    expect(set.code).toBe(0);
    expect(set.stdout).toBe(`${line("All messages", "deleted after 30 days")}\n${notYet}\n`);
    expect((await run("retention", "set", "--device", fresh.device.id, "--days", "1")).stdout).toBe(
      `${line("All messages", "deleted after 30 days")}\n${line("Archive", `deleted after 1 day (${fresh.device.id})`)}\n${notYet}\n`,
    );
    expect(await json("retention")).toEqual({ days: 30, devices: [{ deviceId: fresh.device.id, days: 1 }], lastRun: null });

    // Out of range is commander's usage error; someone else's or an unknown device is a 404.
    const zero = await run("retention", "set", "--days", "0");
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/must be a whole number of days from 1 to 36500, or off/);
    const unknown = await run("retention", "set", "--device", "dev_00000000000000000000000000", "--days", "5");
    expect(unknown.code).toBe(4);

    // Two days old: past the device's rule, not the one for all. The admin runs the job now.
    await post(fresh.key, sms("+15550300", "two days old", 2 * 24 * 60));
    const ran = await hub.api("POST", "/api/v1/admin/jobs/inbox.retention");
    expect(ran.status).toBe(201);
    let shown = "";
    for (let i = 0; i < 60 && !shown.includes(line("Last run", "just now")); i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 250));
      shown = (await run("retention")).stdout;
    }
    expect(shown.split("\n").at(-2)).toBe(line("Last run", "just now: deleted 1 message"));

    const off = await run("retention", "set", "--days", "off");
    expect(off.stdout.split("\n")[0]).toBe(line("All messages", "kept forever"));
    expect((await json("retention")).days).toBeNull();
  });
});

describe("threads and delete", () => {
  it("lists conversations with their counts, one conversation's messages, and deletes by id", async () => {
    const pager = (await json("devices", "register", "Pager", "--no-qr")) as { device: { id: string }; key: string };
    const [first, second] = (await post(pager.key, [sms("+15550400", "first of two", 3), sms("+15550400", "second of two", 2)])).results.map((r: { id: string }) => r.id);
    await post(pager.key, sms("+15550401", "only one", 1));

    const threads = await json("messages", "threads", "--device", pager.device.id);
    expect(threads.data.map((t: any) => [t.key, t.messageCount, t.unreadCount, t.lastMessage.body])).toEqual([
      ["+15550401", 1, 1, "only one"],
      ["+15550400", 2, 2, "second of two"],
    ]);
    const table = (await run("messages", "threads", "--device", pager.device.id)).stdout.trimEnd().split("\n");
    expect(table[0]).toMatch(/^THREAD\s+UNREAD\s+MESSAGES\s+LAST\s+LAST MESSAGE$/);
    expect(table[2]).toMatch(/^\+15550400\s+2\s+2\s+\d{2}:\d{2}\s+second of two$/);
    expect((await json("messages", "--thread", "+15550400")).data.map((m: any) => m.body)).toEqual(["second of two", "first of two"]);

    // An id that is not there is exit 4 and named; the others are still deleted.
    const deleted = await run("delete", first, "msg_00000000000000000000000000");
    expect(deleted.code).toBe(4);
    expect(deleted.stdout).toBe("Deleted 1 message.\n");
    expect(deleted.stderr).toBe("error: No message msg_00000000000000000000000000 (not found, already deleted, or not yours).\n");
    expect((await run("messages", "show", first)).code).toBe(4);
    expect((await json("messages", "--thread", "+15550400")).data.map((m: any) => m.id)).toEqual([second]);
    expect(await json("delete", second)).toEqual({ deleted: [second], notFound: [] });
    expect((await json("messages", "threads", "--device", pager.device.id)).data.map((t: any) => t.key)).toEqual(["+15550401"]);
  });
});
