import { and, eq } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";
import { GET as status, POST as enrol } from "@/app/api/v1/me/totp/route";
import { POST as confirm } from "@/app/api/v1/me/totp/confirm/route";
import { POST as disable } from "@/app/api/v1/me/totp/disable/route";
import { POST as regenerate } from "@/app/api/v1/me/totp/backup-codes/route";
import { getDb } from "@/lib/db/client";
import { auditLog } from "@/lib/db/schema/audit";
import { totpBackupCodes, users } from "@/lib/db/schema/users";
import { call } from "@/tests/helpers/http";
import { makeUser, type TestUser } from "@/tests/helpers/factories";
import { browserHeaders } from "@/tests/helpers/session";
import { signIn } from "@/tests/helpers/sign-in";

let ipCounter = 0;
const freshIp = () => `203.0.113.${++ipCounter}`;

function codeAt(secret: string, offsetSeconds = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 }).generate({ timestamp: Date.now() + offsetSeconds * 1000 });
}

async function enrolAndConfirm(alice: TestUser): Promise<{ secret: string; backupCodes: string[] }> {
  const headers = await browserHeaders(alice.user);
  const started = await call(enrol, { method: "POST", headers });
  expect(started.status).toBe(200);
  const confirmed = await call(confirm, { headers, body: { code: codeAt(started.body.secret) } });
  expect(confirmed.status).toBe(200);
  return { secret: started.body.secret, backupCodes: confirmed.body.backupCodes };
}

describe("TOTP two-factor", () => {
  it("enrols: returns an otpauth URI and a QR code, keeps the secret sealed at rest, and enforces nothing until confirmed", async () => {
    const alice = await makeUser();
    const headers = await browserHeaders(alice.user);
    expect((await call(status, { headers })).body).toEqual({ enabled: false, pending: false, backupCodesRemaining: 0 });

    const started = await call(enrol, { method: "POST", headers });
    expect(started.status).toBe(200);
    expect(started.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(started.body.otpauthUri);
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("secret")).toBe(started.body.secret);
    expect(uri.searchParams.get("issuer")).toBe("Message Hub");
    expect(decodeURIComponent(uri.pathname)).toContain(alice.user.email);
    expect(started.body.qrDataUrl).toMatch(/^data:image\/png;base64,/);

    const [row] = await getDb().select().from(users).where(eq(users.id, alice.user.id));
    expect(row!.totpEnabled).toBe(false);
    expect(row!.totpSecret).toMatch(/^v1\./);
    expect(row!.totpSecret).not.toContain(started.body.secret);
    expect((await call(status, { headers })).body).toMatchObject({ enabled: false, pending: true });

    const plain = await signIn({ email: alice.user.email, password: alice.password, ip: freshIp() });
    expect(plain.status).toBe(200);
  });

  it("confirms with a current code only, then issues 10 distinct backup codes", async () => {
    const alice = await makeUser();
    const headers = await browserHeaders(alice.user);
    const started = await call(enrol, { method: "POST", headers });
    const wrong = await call(confirm, { headers, body: { code: "000000" === codeAt(started.body.secret) ? "111111" : "000000" } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0].path).toBe("body.code");

    const confirmed = await call(confirm, { headers, body: { code: codeAt(started.body.secret) } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.backupCodes).toHaveLength(10);
    expect(new Set(confirmed.body.backupCodes).size).toBe(10);
    for (const code of confirmed.body.backupCodes) expect(code).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);
    const stored = await getDb().select().from(totpBackupCodes).where(eq(totpBackupCodes.userId, alice.user.id));
    expect(stored).toHaveLength(10);
    for (const code of confirmed.body.backupCodes as string[]) expect(JSON.stringify(stored)).not.toContain(code.replace("-", ""));

    expect((await call(status, { headers })).body).toEqual({ enabled: true, pending: false, backupCodesRemaining: 10 });
    expect((await call(enrol, { method: "POST", headers })).status).toBe(409);
  });

  it("is enforced at sign-in: asks for a code, refuses a wrong or replayed one, accepts a current one", async () => {
    const alice = await makeUser();
    const { secret } = await enrolAndConfirm(alice);

    const noCode = await signIn({ email: alice.user.email, password: alice.password, ip: freshIp() });
    expect(noCode.status).toBe(401);
    expect(noCode.error).toBe("totp_required");
    expect(noCode.session).toBeUndefined();

    const wrongCode = await signIn({ email: alice.user.email, password: alice.password, totp: codeAt(secret, -600), ip: freshIp() });
    expect(wrongCode.error).toBe("totp_invalid");

    // The confirmation spent the current step; the next step's code is within the window.
    const next = codeAt(secret, 30);
    const ok = await signIn({ email: alice.user.email, password: alice.password, totp: next, ip: freshIp() });
    expect(ok.status).toBe(200);
    expect(ok.session).toBeDefined();

    const replay = await signIn({ email: alice.user.email, password: alice.password, totp: next, ip: freshIp() });
    expect(replay.error).toBe("totp_invalid");

    const wrongPassword = await signIn({ email: alice.user.email, password: "not the password", totp: codeAt(secret, 60), ip: freshIp() });
    expect(wrongPassword.error).toBe("invalid");
  });

  it("accepts each backup code once at sign-in, and audits its use", async () => {
    const alice = await makeUser();
    const { backupCodes } = await enrolAndConfirm(alice);
    const code = backupCodes[3]!;
    const first = await signIn({ email: alice.user.email, password: alice.password, totp: code.toUpperCase(), ip: freshIp() });
    expect(first.status).toBe(200);
    const again = await signIn({ email: alice.user.email, password: alice.password, totp: code, ip: freshIp() });
    expect(again.error).toBe("totp_invalid");
    expect((await call(status, { headers: await browserHeaders(alice.user) })).body.backupCodesRemaining).toBe(9);
    const used = await getDb().select().from(auditLog).where(and(eq(auditLog.action, "totp.backup_code_used"), eq(auditLog.actorId, alice.user.id)));
    expect(used).toHaveLength(1);
  });

  it("regenerates backup codes with the password; the old ones stop working", async () => {
    const alice = await makeUser();
    const { backupCodes } = await enrolAndConfirm(alice);
    const headers = await browserHeaders(alice.user);
    expect((await call(regenerate, { headers, body: { password: "wrong password" } })).status).toBe(422);
    const fresh = await call(regenerate, { headers, body: { password: alice.password } });
    expect(fresh.status).toBe(200);
    expect(fresh.body.backupCodes).toHaveLength(10);
    const old = await signIn({ email: alice.user.email, password: alice.password, totp: backupCodes[0]!, ip: freshIp() });
    expect(old.error).toBe("totp_invalid");
    const renewed = await signIn({ email: alice.user.email, password: alice.password, totp: fresh.body.backupCodes[0], ip: freshIp() });
    expect(renewed.status).toBe(200);
  });

  it("turns off with the password or a code, not without; sign-in then needs no code", async () => {
    const alice = await makeUser();
    const { secret } = await enrolAndConfirm(alice);
    const headers = await browserHeaders(alice.user);
    expect((await call(disable, { headers, body: {} })).status).toBe(422);
    expect((await call(disable, { headers, body: { password: "not the password" } })).status).toBe(422);
    expect((await call(disable, { headers, body: { code: "123-not-a-code" } })).status).toBe(422);

    const off = await call(disable, { headers, body: { code: codeAt(secret, 30) } });
    expect(off.status).toBe(204);
    const [row] = await getDb().select().from(users).where(eq(users.id, alice.user.id));
    expect(row).toMatchObject({ totpEnabled: false, totpSecret: null });
    expect(await getDb().select().from(totpBackupCodes).where(eq(totpBackupCodes.userId, alice.user.id))).toHaveLength(0);
    expect((await signIn({ email: alice.user.email, password: alice.password, ip: freshIp() })).status).toBe(200);
    const actions = (await getDb().select().from(auditLog).where(eq(auditLog.actorId, alice.user.id))).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["totp.enrolment_started", "totp.enabled", "totp.disabled"]));
  });

  it("refuses enrolment for an account without a password (two-factor guards password sign-in)", async () => {
    const alice = await makeUser();
    await getDb().update(users).set({ passwordHash: null }).where(eq(users.id, alice.user.id));
    expect((await call(enrol, { method: "POST", headers: await browserHeaders(alice.user) })).status).toBe(409);
  });
});
