import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { globalAgent, createServer, type Server } from "node:https";
import type { IncomingHttpHeaders } from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as vapidPublicKey } from "@/app/api/v1/push/vapid-public-key/route";
import { DELETE as unsubscribe, GET as listSubscriptionsRoute, POST as subscribe } from "@/app/api/v1/push/subscriptions/route";
import { getDb } from "@/lib/db/client";
import { pushSubscriptions } from "@/lib/db/schema/push";
import { getConfig, parseConfig, setConfig } from "@/lib/config/env";
import { sendPush } from "@/lib/notifications/push";
import { saveSubscription } from "@/lib/notifications/push-subscriptions";
import { getVapidDetails, resetVapidDetails } from "@/lib/notifications/vapid";
import { call } from "@/tests/helpers/http";
import { makeUser } from "@/tests/helpers/factories";

/** A browser's side of a push subscription: its ECDH key pair and auth secret. */
function fakeBrowser() {
  const ecdh = createECDH("prime256v1");
  const publicKey = ecdh.generateKeys();
  const auth = randomBytes(16);
  return { ecdh, keys: { p256dh: publicKey.toString("base64url"), auth: auth.toString("base64url") }, publicKey, auth };
}

/** Decrypts an aes128gcm push body (RFC 8291 / RFC 8188) the way the browser does. */
function decrypt(body: Buffer, browser: ReturnType<typeof fakeBrowser>): string {
  const salt = body.subarray(0, 16);
  const idLength = body.readUInt8(20);
  const serverPublicKey = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  const shared = browser.ecdh.computeSecret(serverPublicKey);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), browser.publicKey, serverPublicKey]);
  const ikm = Buffer.from(hkdfSync("sha256", shared, browser.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  const end = padded.lastIndexOf(2); // the last record's delimiter, followed only by zero padding
  return padded.subarray(0, end).toString("utf8");
}

/** Checks a VAPID JWT's ES256 signature against the advertised public key and returns its claims. */
function verifyVapidJwt(jwt: string, publicKeyB64: string): Record<string, unknown> {
  const [header, claims, signature] = jwt.split(".") as [string, string, string];
  const raw = Buffer.from(publicKeyB64, "base64url");
  const key = createPublicKey({ key: { kty: "EC", crv: "P-256", x: raw.subarray(1, 33).toString("base64url"), y: raw.subarray(33, 65).toString("base64url") }, format: "jwk" });
  const ok = verify("sha256", Buffer.from(`${header}.${claims}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"));
  expect(ok).toBe(true);
  return JSON.parse(Buffer.from(claims, "base64url").toString("utf8"));
}

type Received = { method: string; path: string; headers: IncomingHttpHeaders; body: Buffer };

describe("web push", () => {
  let server: Server;
  let origin: string;
  const received: Received[] = [];

  beforeAll(async () => {
    // A stand-in push service on loopback. web-push always speaks https, so the
    // service gets a throwaway self-signed certificate that this process trusts.
    const dir = mkdtempSync(path.join(os.tmpdir(), "mh-push-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")], { stdio: "ignore" });
    const tls = { key: readFileSync(path.join(dir, "key.pem")), cert: readFileSync(path.join(dir, "cert.pem")) };
    rmSync(dir, { recursive: true, force: true });
    globalAgent.options.ca = tls.cert;
    // /ok accepts, /gone says the browser unsubscribed, /broken fails.
    server = createServer(tls, (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        received.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
        res.statusCode = req.url?.startsWith("/gone") ? 410 : req.url?.startsWith("/broken") ? 500 : 201;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    globalAgent.options.ca = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("encrypts the payload to the browser's keys, signs it with VAPID, and removes subscriptions the service reports gone", async () => {
    const alice = await makeUser();
    const browser = fakeBrowser();
    const gone = fakeBrowser();
    const broken = fakeBrowser();
    const tag = randomBytes(4).toString("hex");
    await saveSubscription(getDb(), alice.user.id, { endpoint: `${origin}/ok/${tag}`, keys: browser.keys }, "Chromium");
    const goneRow = await saveSubscription(getDb(), alice.user.id, { endpoint: `${origin}/gone/${tag}`, keys: gone.keys }, null);
    const brokenRow = await saveSubscription(getDb(), alice.user.id, { endpoint: `${origin}/broken/${tag}`, keys: broken.keys }, null);

    const payload = { title: "Bank", body: "Your code is 123456", url: "/inbox/msg_1", tag: "msg_1" };
    const result = await sendPush(getDb(), alice.user.id, payload, { ttlSeconds: 600, urgency: "high" });
    expect(result).toEqual({ sent: 1, removed: 1, failed: 1 });

    const delivery = received.find((r) => r.path === `/ok/${tag}`)!;
    expect(delivery.method).toBe("POST");
    expect(delivery.headers["content-encoding"]).toBe("aes128gcm");
    expect(delivery.headers.ttl).toBe("600");
    expect(delivery.headers.urgency).toBe("high");
    // The body is ciphertext: the plaintext is nowhere in it, and only the browser's keys open it.
    expect(delivery.body.length).toBeGreaterThan(86);
    expect(delivery.body.toString("latin1")).not.toContain("123456");
    expect(JSON.parse(decrypt(delivery.body, browser))).toEqual(payload);

    const vapid = await getVapidDetails(getDb());
    const authorization = String(delivery.headers.authorization);
    const match = authorization.match(/^vapid t=([^,]+), k=(.+)$/);
    expect(match?.[2]).toBe(vapid.publicKey);
    const claims = verifyVapidJwt(match![1]!, vapid.publicKey);
    expect(claims.aud).toBe(origin);
    expect(claims.sub).toBe(vapid.subject);
    expect(Number(claims.exp)).toBeGreaterThan(Date.now() / 1000);

    const left = await getDb().select({ id: pushSubscriptions.id }).from(pushSubscriptions).where(eq(pushSubscriptions.userId, alice.user.id));
    const ids = left.map((row) => row.id);
    expect(ids).not.toContain(goneRow.id);
    expect(ids).toContain(brokenRow.id);
    expect(ids).toHaveLength(2);
  });

  it("sends nothing, and succeeds, for a user with no subscriptions", async () => {
    const bob = await makeUser();
    const before = received.length;
    expect(await sendPush(getDb(), bob.user.id, { title: "Hello" })).toEqual({ sent: 0, removed: 0, failed: 0 });
    expect(received.length).toBe(before);
  });

  it("hands out the same VAPID public key it signs with, and keeps it across calls", async () => {
    const alice = await makeUser();
    const res = await call(vapidPublicKey, { key: alice.key });
    expect(res.status).toBe(200);
    expect(res.body.publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    expect(res.body.publicKey).toBe((await getVapidDetails(getDb())).publicKey);
    resetVapidDetails();
    expect((await call(vapidPublicKey, { key: alice.key })).body.publicKey).toBe(res.body.publicKey);
    expect((await call(vapidPublicKey)).status).toBe(401);
  });

  it("uses the VAPID keys from the environment when they are set", async () => {
    const saved = getConfig();
    const { publicKey, privateKey } = (await import("web-push")).default.generateVAPIDKeys();
    try {
      setConfig(parseConfig({ ...process.env, NODE_ENV: "test", DATABASE_URL: saved.DATABASE_URL, VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey, VAPID_SUBJECT: "mailto:ops@example.com" }));
      resetVapidDetails();
      expect(await getVapidDetails(getDb())).toEqual({ publicKey, privateKey, subject: "mailto:ops@example.com" });
    } finally {
      setConfig(saved);
      resetVapidDetails();
    }
  });

  it("stores, lists and removes a browser's subscription through the API", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const endpoint = `https://push.example.com/send/${randomBytes(8).toString("hex")}`;
    const { keys } = fakeBrowser();

    const made = await call(subscribe, { key: alice.key, body: { endpoint, expirationTime: null, keys }, headers: { "user-agent": "Firefox/140" } });
    expect(made.status).toBe(201);
    expect(made.body.subscription).toMatchObject({ endpoint, userAgent: "Firefox/140" });
    expect(made.text).not.toContain(keys.auth);

    const listed = await call(listSubscriptionsRoute, { key: alice.key });
    expect(listed.body.data.map((s: { endpoint: string }) => s.endpoint)).toEqual([endpoint]);
    expect((await call(listSubscriptionsRoute, { key: bob.key })).body.data).toEqual([]);

    // Bob cannot remove Alice's subscription, and learns nothing about it.
    const attempt = await call(unsubscribe, { method: "DELETE", key: bob.key, body: { endpoint } });
    expect(attempt.status).toBe(404);
    expect((await call(listSubscriptionsRoute, { key: alice.key })).body.data).toHaveLength(1);

    expect((await call(unsubscribe, { method: "DELETE", key: alice.key, body: { endpoint } })).status).toBe(204);
    expect((await call(listSubscriptionsRoute, { key: alice.key })).body.data).toEqual([]);
  });

  it("moves a browser's subscription to whoever subscribes it last", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const endpoint = `https://push.example.com/send/${randomBytes(8).toString("hex")}`;
    expect((await call(subscribe, { key: alice.key, body: { endpoint, keys: fakeBrowser().keys } })).status).toBe(201);
    expect((await call(subscribe, { key: bob.key, body: { endpoint, keys: fakeBrowser().keys } })).status).toBe(201);
    expect((await call(listSubscriptionsRoute, { key: alice.key })).body.data).toEqual([]);
    expect((await call(listSubscriptionsRoute, { key: bob.key })).body.data).toHaveLength(1);
  });

  it.each([
    ["plain http", "http://push.example.com/x"],
    ["loopback", "https://127.0.0.1/x"],
    ["a private address", "https://192.168.1.10/x"],
    ["localhost", "https://localhost:8443/x"],
    ["not a URL", "push me"],
  ])("refuses an endpoint on %s with 422 and stores nothing", async (_name, endpoint) => {
    const alice = await makeUser();
    const res = await call(subscribe, { key: alice.key, body: { endpoint, keys: fakeBrowser().keys } });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain("body.endpoint");
    expect((await call(listSubscriptionsRoute, { key: alice.key })).body.data).toEqual([]);
  });

  it("needs a signed-in user or key", async () => {
    const res = await call(subscribe, { body: { endpoint: "https://push.example.com/x", keys: fakeBrowser().keys } });
    expect(res.status).toBe(401);
  });
});
