import { createSign, generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A minimal OpenID Connect provider for tests: discovery, an authorize
 * endpoint that signs in whoever the test says (no login page), a token
 * endpoint that checks the client secret and PKCE verifier presence, and a
 * JWKS endpoint. ID tokens are RS256-signed with a key made per instance.
 */
export type FakeIdentity = { sub: string; email: string; email_verified: boolean; name: string };

export async function startFakeOidc(client: { id: string; secret: string }): Promise<{ issuer: string; nextIdentity: (identity: FakeIdentity) => void; close: () => Promise<void> }> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = randomBytes(4).toString("hex");
  const codes = new Map<string, { identity: FakeIdentity; nonce?: string }>();
  let pending: FakeIdentity | undefined;
  let issuer = "";

  const sign = (claims: Record<string, unknown>) => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const input = `${encode({ alg: "RS256", kid, typ: "JWT" })}.${encode(claims)}`;
    return `${input}.${createSign("RSA-SHA256").update(input).sign(privateKey).toString("base64url")}`;
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === "/.well-known/openid-configuration") {
      return send(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        code_challenge_methods_supported: ["S256"],
        token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      });
    }
    if (url.pathname === "/jwks") return send(200, { keys: [{ ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" }] });
    if (url.pathname === "/authorize") {
      if (!pending || url.searchParams.get("client_id") !== client.id || !url.searchParams.get("code_challenge")) return send(400, { error: "invalid_request" });
      const code = randomBytes(12).toString("hex");
      codes.set(code, { identity: pending, nonce: url.searchParams.get("nonce") ?? undefined });
      const back = new URL(url.searchParams.get("redirect_uri")!);
      back.searchParams.set("code", code);
      back.searchParams.set("state", url.searchParams.get("state") ?? "");
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (url.pathname === "/token" && req.method === "POST") {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        const form = new URLSearchParams(body);
        const basic = req.headers.authorization?.startsWith("Basic ") ? Buffer.from(req.headers.authorization.slice(6), "base64").toString() : "";
        const [basicId, basicSecret] = basic.split(":").map((part) => decodeURIComponent(part));
        const id = form.get("client_id") ?? basicId;
        const secret = form.get("client_secret") ?? basicSecret;
        const grant = codes.get(form.get("code") ?? "");
        if (id !== client.id || secret !== client.secret || !grant || !form.get("code_verifier")) return send(400, { error: "invalid_grant" });
        codes.delete(form.get("code")!);
        const now = Math.floor(Date.now() / 1000);
        const idToken = sign({ iss: issuer, aud: client.id, iat: now, exp: now + 300, ...(grant.nonce ? { nonce: grant.nonce } : {}), ...grant.identity });
        return send(200, { access_token: randomBytes(16).toString("hex"), token_type: "Bearer", expires_in: 300, id_token: idToken });
      });
      return;
    }
    send(404, { error: "not_found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    nextIdentity: (identity) => {
      pending = identity;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
