import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getConfig, parseConfig, setConfig, type Config } from "@/lib/config/env";
import { checkTarget, isPrivateAddress, TargetRefusedError, type Resolver } from "@/lib/webhooks/targets";

let saved: Config | undefined;
beforeEach(() => {
  setConfig(parseConfig({ NODE_ENV: "test" }));
  saved = getConfig();
});
afterEach(() => {
  if (saved) setConfig(saved);
});

describe("isPrivateAddress", () => {
  it.each([
    "127.0.0.1",
    "127.255.0.9",
    "10.0.0.5",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "0.0.0.0",
    "100.64.0.1",
    "224.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:10.0.0.5",
    "64:ff9b::a9fe:a9fe",
    "2002:c0a8:0101::1",
    "not an address",
  ])("refuses %s", (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(["93.184.215.14", "8.8.8.8", "172.32.0.1", "172.15.255.255", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"])("allows %s", (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe("checkTarget", () => {
  const resolveTo =
    (...addresses: string[]): Resolver =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }) as const);

  it("returns the checked address of a public host", async () => {
    expect(await checkTarget("https://hooks.example.com/x", { resolver: resolveTo("93.184.215.14") })).toEqual({ address: "93.184.215.14", family: 4 });
  });

  it("refuses a name when any of its answers is private", async () => {
    await expect(checkTarget("https://mixed.example.com/x", { resolver: resolveTo("93.184.215.14", "10.0.0.5") })).rejects.toThrow(/resolves to 10\.0\.0\.5/);
  });

  it.each([
    ["ftp://example.com/x", /http or https/],
    ["https://user:pw@example.com/x", /credentials/],
    ["not a url", /not a valid URL/],
  ])("refuses %s", async (url, reason) => {
    await expect(checkTarget(url, { resolver: resolveTo("93.184.215.14") })).rejects.toThrow(reason);
  });

  it("refuses a name that does not resolve", async () => {
    const nowhere: Resolver = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
    };
    await expect(checkTarget("https://nowhere.invalid/x", { resolver: nowhere })).rejects.toBeInstanceOf(TargetRefusedError);
  });

  it("refuses the hub itself, by name and by address", async () => {
    setConfig({ ...getConfig(), PUBLIC_URL: "https://hub.example.com" });
    await expect(checkTarget("https://HUB.example.com./hook", { resolver: resolveTo("93.184.215.14") })).rejects.toThrow(/this hub/);
    await expect(checkTarget("https://alias.example.net/hook", { resolver: resolveTo("93.184.215.14") })).rejects.toThrow(/this hub's own address/);
  });

  it("allows everything with WEBHOOK_ALLOW_PRIVATE_TARGETS", async () => {
    setConfig({ ...getConfig(), WEBHOOK_ALLOW_PRIVATE_TARGETS: true });
    expect(await checkTarget("http://127.0.0.1:9/x")).toEqual({ address: "127.0.0.1", family: 4 });
  });
});
