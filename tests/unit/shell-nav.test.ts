import { describe, expect, it } from "vitest";
import { isActive, NAV_ITEMS, navItemsFor } from "@/components/shell/nav";

const item = (label: string) => NAV_ITEMS.find((entry) => entry.label === label)!;

describe("the shell's navigation", () => {
  it("links a section with an index redirect straight to its first page", () => {
    expect(item("Settings").href).toBe("/settings/profile");
    expect(item("Admin").href).toBe("/admin/users");
  });

  it("marks a section active on every page under it, and only there", () => {
    expect(isActive("/settings/security", item("Settings"))).toBe(true);
    expect(isActive("/settings", item("Settings"))).toBe(true);
    expect(isActive("/admin/audit", item("Admin"))).toBe(true);
    expect(isActive("/inbox", item("Inbox"))).toBe(true);
    expect(isActive("/inbox/msg_1", item("Inbox"))).toBe(true);
    expect(isActive("/settingsx", item("Settings"))).toBe(false);
    expect(isActive("/admin/users", item("Settings"))).toBe(false);
  });

  it("shows the admin-only sections to admins only", () => {
    expect(navItemsFor("member").map((entry) => entry.label)).not.toContain("Admin");
    expect(navItemsFor("admin").map((entry) => entry.label)).toContain("Analytics");
  });
});
