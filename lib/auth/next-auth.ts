import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getAuthSecret } from "@/lib/config/instance";
import { getDb } from "@/lib/db/client";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/auth/session";
import { findActiveUser } from "@/lib/users/users";
import { emailSchema } from "@/lib/users/schemas";
import { getLogger } from "@/lib/log/logger";
import { recordAudit } from "@/lib/audit/record";
import { signInTotpCheck, extraSignInProviders, linkOAuthSignIn } from "@/lib/auth/providers";

/**
 * next-auth for people: email and password (plus a TOTP code when the
 * account has two-factor on), and OAuth providers switched on by env. The
 * session is a JWT in an httpOnly, SameSite=Lax cookie (Secure over HTTPS);
 * it carries the user id and session version, and every request re-checks
 * both against the database.
 *
 * Sign-ins are audited: failures in authorize (password) and in the OAuth
 * link callback, successes in the signIn event. The request context (IP,
 * user agent, request id) comes from the auth route.
 */
export function authOptions(): NextAuthOptions {
  return {
    secret: getAuthSecret(),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Email and password",
        credentials: { email: { type: "email" }, password: { type: "password" }, totp: { type: "text" } },
        async authorize(credentials, req) {
          const email = emailSchema.safeParse(credentials?.email);
          if (!email.success || !credentials?.password) return null;
          const ip = String((req.headers as Record<string, string> | undefined)?.["x-hub-client-ip"] ?? "unknown");
          const result = await signInWithPassword(getDb(), { email: email.data, password: credentials.password, ip, totp: credentials.totp || undefined }, signInTotpCheck);
          if (!result.ok) {
            getLogger().info({ reason: result.reason }, "sign-in refused");
            // Asking for the second factor is a step of a sign-in, not a failure.
            if (result.reason !== "totp_required") {
              await recordAudit(getDb(), {
                action: "auth.sign_in_failed",
                actorId: null,
                target: result.userId ? { type: "user", id: result.userId } : undefined,
                metadata: { method: "password", reason: result.reason, email: email.data },
              });
            }
            // next-auth passes this message to the sign-in page as ?error=
            throw new Error(result.reason);
          }
          return { id: result.user.id, email: result.user.email, name: result.user.name };
        },
      }),
      ...extraSignInProviders(),
    ],
    callbacks: {
      async signIn({ user, account, profile }) {
        if (!account || account.type === "credentials") return true;
        return linkOAuthSignIn(getDb(), { user, account, profile });
      },
      async jwt({ token, user }) {
        if (user) {
          // On sign-in, pin the token to the user's current session version.
          // (For OAuth, linkOAuthSignIn has set user.id to the hub user's id.)
          const row = await findActiveUser(getDb(), user.id);
          if (row) {
            token.sub = row.id;
            token.sv = row.sessionVersion;
          } else {
            // Never let a provider's own id stand in for a hub user id.
            delete token.sub;
          }
        }
        return token;
      },
      async session({ session, token }) {
        const row = token.sub ? await findActiveUser(getDb(), token.sub) : undefined;
        if (!row || row.sessionVersion !== token.sv) return { ...session, user: undefined, expires: new Date(0).toISOString() };
        return { ...session, user: { id: row.id, email: row.email, name: row.name, role: row.role, timezone: row.timezone } };
      },
    },
    events: {
      async signIn({ user, account }) {
        await recordAudit(getDb(), { action: "auth.sign_in", actorId: user.id, target: { type: "user", id: user.id }, metadata: { method: account?.provider === "credentials" ? "password" : (account?.provider ?? "unknown") } });
      },
      async signOut({ token }) {
        if (typeof token?.sub === "string") await recordAudit(getDb(), { action: "auth.sign_out", actorId: token.sub, target: { type: "user", id: token.sub } });
      },
    },
    logger: {
      error: (code, metadata) => getLogger().warn({ code, detail: metadata instanceof Error ? metadata.message : undefined }, "next-auth error"),
      warn: (code) => getLogger().debug({ code }, "next-auth warning"),
      debug: () => {},
    },
  };
}
