import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_BIN, cliHome, startCliHub, type CliHub } from "@/tests/helpers/cli";

/**
 * `message-hub messages` in a real pseudo-terminal (tmux, 80x30): the table
 * fits the terminal's 80 columns without wrapping and is coloured; piped
 * (stdout not a terminal) or with NO_COLOR it carries no escape codes.
 */

const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
const socket = `mh-cli-${randomBytes(4).toString("hex")}`;
const tmux = (...args: string[]) => spawnSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });

let hub: CliHub;
const home = cliHome();

beforeAll(async () => {
  if (!hasTmux) return;
  hub = await startCliHub();
  const device = await hub.api("POST", "/api/v1/devices/register", { name: "Pixel 8" });
  const now = Date.now();
  const messages = [
    { type: "sms", sender: "+15551234567", body: "Your verification code is 771 204. It expires in 10 minutes; never share it with anyone, even us." },
    { type: "notification", sender: "Calendar", app: "calendar", title: "Standup", body: "Daily standup in 10 minutes in the big room on the third floor" },
    { type: "sms", sender: "A sender with a very long display name indeed", body: "荷物が届きました 📦 お受け取りください。ありがとうございます。" },
    { type: "email", sender: "billing@example.com", body: "Invoice\n#2024-118\tis ready" },
  ].map((m, i) => ({ ...m, receivedAt: new Date(now - (4 - i) * 60_000).toISOString() }));
  const posted = await hub.api("POST", "/api/v1/messages", { messages }, device.body.key);
  expect(posted.status).toBe(201);
});

afterAll(async () => {
  if (hasTmux) tmux("kill-server");
  await hub?.stop();
  home.cleanup();
});

/** Runs a shell line in a fresh 80x30 tmux window and answers the screen (with -e: escape codes kept). */
async function screen(name: string, command: string, options: { escapes: boolean }): Promise<string> {
  const script = path.join(home.dir, `${name}.sh`);
  // The marker line tells the command has finished; the pane stays open to be read.
  writeFileSync(script, `export MESSAGE_HUB_URL='${hub.url}' MESSAGE_HUB_TOKEN='${hub.key}' MESSAGE_HUB_CONFIG='${home.config}' TZ=Europe/Paris LANG=C.UTF-8 TERM=xterm-256color\n${command}\necho "-- done $?"\nsleep 60\n`);
  const started = tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "30", `sh ${script}`);
  expect(started.stderr).toBe("");
  const deadline = Date.now() + 30_000;
  for (;;) {
    const plain = tmux("capture-pane", "-p", "-t", name).stdout;
    if (/-- done \d+/.test(plain)) break;
    if (Date.now() > deadline) throw new Error(`no end marker in:\n${plain}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return tmux("capture-pane", "-p", ...(options.escapes ? ["-e"] : []), "-t", name).stdout;
}

const rows = (text: string) => text.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("-- done"));
const width = (line: string) => [...new Intl.Segmenter().segment(line)].reduce((sum, { segment }) => sum + (/[\u3000-\u9fff\uff00-\uffef]|\p{Emoji_Presentation}/u.test(segment) ? 2 : 1), 0);

describe.skipIf(!hasTmux)("messages in a terminal", () => {
  it("fits 80 columns without wrapping, with colour", async () => {
    const plain = await screen("tty", `node ${CLI_BIN} messages`, { escapes: false });
    expect(plain).toMatch(/-- done 0/);
    const lines = rows(plain);
    // A header and four messages, each on exactly one screen line: nothing wrapped.
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^ {3}ID\s+RECEIVED\s+FROM\s+MESSAGE$/);
    for (const line of lines.slice(1)) expect(line).toMatch(/^• {2}msg_[0-9a-z]{26} {2}/);
    for (const line of lines) expect(width(line)).toBeLessThanOrEqual(80);
    // Cut to fit, never wrapped: long text ends in "…", tabs and newlines became spaces.
    expect(lines[1]).toMatch(/ billing@example… {2}Invoice #2024-1.*…$/);
    expect(lines[2]).toMatch(/ A sender with a… {2}荷物が.*…$/);
    expect(lines[3]).toMatch(/ Calendar {2,}Standup: Daily s.*…$/);
    expect(lines[4]).toMatch(/ \+15551234567 {2,}Your verificat.*…$/);

    const coloured = await screen("tty-colour", `node ${CLI_BIN} messages`, { escapes: true });
    expect(coloured).toMatch(/\u001b\[[0-9;]*m/);
  });

  it("no colour when piped, nor with NO_COLOR", async () => {
    const piped = await screen("piped", `node ${CLI_BIN} messages | cat`, { escapes: true });
    expect(piped).toMatch(/-- done 0/);
    expect(rows(piped)).toHaveLength(5);
    expect(piped).not.toMatch(/\u001b\[/);

    const noColor = await screen("no-color", `NO_COLOR=1 node ${CLI_BIN} messages`, { escapes: true });
    expect(rows(noColor)).toHaveLength(5);
    expect(noColor).not.toMatch(/\u001b\[/);
  });

  it("an error on a terminal is one line, coloured only there", async () => {
    const result = await screen("error", `node ${CLI_BIN} messages show msg_00000000000000000000000000`, { escapes: false });
    expect(result).toMatch(/-- done 4/);
    expect(rows(result)).toEqual(["error: Not found: Message not found"]);
  });
});
