import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { INGEST_FORMATS } from "@/cli/commands/devices.mjs";
import { SCOPES as CLI_SCOPES } from "@/cli/commands/keys.mjs";
import { MESSAGE_TYPES as CLI_MESSAGE_TYPES } from "@/cli/commands/messages.mjs";
import { ROOM_SEVERITIES as CLI_SEVERITIES, ROOM_STATUSES as CLI_ROOM_STATUSES } from "@/cli/commands/rooms.mjs";
import { TASK_PRIORITIES as CLI_PRIORITIES, TASK_SORTS as CLI_SORTS, TASK_STATUSES as CLI_TASK_STATUSES } from "@/cli/commands/tasks.mjs";
import { SCOPES } from "@/lib/auth/actor";
import { ROOM_SEVERITIES, ROOM_STATUSES } from "@/lib/db/schema/rooms";
import { MESSAGE_TYPES } from "@/lib/messages/schemas";
import { TASK_PRIORITIES, TASK_SORTS, TASK_STATUSES } from "@/lib/tasks/schemas";

/**
 * The CLI never imports the server's code (it is a client of the public
 * API), so the choices it offers are its own lists. These must stay the
 * server's: a value the CLI refuses that the server accepts would be a bug.
 */
describe("the CLI's choices are the API's", () => {
  it.each([
    ["scopes", CLI_SCOPES, SCOPES],
    ["message types", CLI_MESSAGE_TYPES, MESSAGE_TYPES],
    ["room severities", CLI_SEVERITIES, ROOM_SEVERITIES],
    ["room statuses", CLI_ROOM_STATUSES, ROOM_STATUSES],
    ["task statuses", CLI_TASK_STATUSES, TASK_STATUSES],
    ["task priorities", CLI_PRIORITIES, TASK_PRIORITIES],
    ["task sorts", CLI_SORTS, TASK_SORTS],
  ])("%s", (_name, cli, server) => {
    expect([...cli]).toEqual([...server]);
  });

  it("forwarder apps: one --ingest choice per /api/v1/ingest/<app> route", () => {
    const routes = readdirSync(path.resolve(import.meta.dirname, "../../app/api/v1/ingest"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect([...INGEST_FORMATS].sort()).toEqual(routes.sort());
  });
});
