import { beforeEach, describe, expect, it } from "vitest";
import { setAuthSecret } from "@/lib/config/instance";
import { keyedHash, openSecret, sealSecret } from "@/lib/auth/secret-box";

describe("secrets at rest", () => {
  beforeEach(() => setAuthSecret("unit-test-auth-secret-unit-test-auth-secret"));

  it("seals with a fresh nonce and opens only for the same purpose and context", () => {
    const one = sealSecret("JBSWY3DPEHPK3PXP", "totp-secret", "usr_a");
    const two = sealSecret("JBSWY3DPEHPK3PXP", "totp-secret", "usr_a");
    expect(one).not.toBe(two);
    expect(one).not.toContain("JBSWY3DPEHPK3PXP");
    expect(openSecret(one, "totp-secret", "usr_a")).toBe("JBSWY3DPEHPK3PXP");
    expect(openSecret(one, "totp-secret", "usr_b")).toBeNull();
    expect(openSecret(one, "backup-code", "usr_a")).toBeNull();
  });

  it("refuses a tampered value and one sealed under another auth secret", () => {
    const sealed = sealSecret("JBSWY3DPEHPK3PXP", "totp-secret", "usr_a");
    const parts = sealed.split(".");
    const flipped = Buffer.from(parts[3]!, "base64url");
    flipped[0] = flipped[0]! ^ 1;
    expect(openSecret([parts[0], parts[1], parts[2], flipped.toString("base64url")].join("."), "totp-secret", "usr_a")).toBeNull();
    expect(openSecret("garbage", "totp-secret", "usr_a")).toBeNull();
    setAuthSecret("another-auth-secret-another-auth-secret-000");
    expect(openSecret(sealed, "totp-secret", "usr_a")).toBeNull();
  });

  it("hashes with a key, so the hash depends on the auth secret", () => {
    const first = keyedHash("abcde12345", "backup-code");
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(keyedHash("abcde12345", "backup-code")).toBe(first);
    setAuthSecret("another-auth-secret-another-auth-secret-000");
    expect(keyedHash("abcde12345", "backup-code")).not.toBe(first);
  });
});
