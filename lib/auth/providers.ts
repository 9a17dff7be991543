import { and, eq, inArray } from "drizzle-orm";
import type { Account, Profile, User } from "next-auth";
import type { Provider } from "next-auth/providers/index";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { getConfig, type Config } from "@/lib/config/env";
import { getDb, type Database } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { oauthAccounts, users } from "@/lib/db/schema/users";
import { getLogger } from "@/lib/log/logger";
import { recordAudit } from "@/lib/audit/record";
import { verifySecondFactor } from "@/lib/auth/totp";
import { redeemInviteForOAuth } from "@/lib/users/invites";
import type { UserRow } from "@/lib/users/users";

/**
 * Sign-in extensions: OAuth providers switched on by env, linking an OAuth
 * identity to an account, and the TOTP second factor for password sign-in.
 * With none configured, only email and password sign-in exists.
 */

type GitHubEmail = { email: string; primary: boolean; verified: boolean };

/**
 * GitHub's profile says nothing about verification, so ask for the email
 * list (scope user:email) and keep the verified ones; the primary verified
 * email becomes the profile's email.
 */
export async function githubProfileWithVerifiedEmails(profile: Record<string, unknown>, accessToken: string, fetchImpl: typeof fetch = fetch): Promise<Record<string, unknown>> {
  const res = await fetchImpl("https://api.github.com/user/emails", {
    headers: { authorization: `Bearer ${accessToken}`, accept: "application/vnd.github+json", "user-agent": "message-hub" },
  });
  const emails = res.ok ? ((await res.json()) as GitHubEmail[]) : [];
  const verified = emails.filter((entry) => entry.verified).map((entry) => entry.email.toLowerCase());
  const primary = emails.find((entry) => entry.primary && entry.verified)?.email.toLowerCase();
  return { ...profile, email: primary ?? verified[0] ?? null, hub_verified_emails: verified };
}

export function extraSignInProviders(config: Config = getConfig()): Provider[] {
  const providers: Provider[] = [];
  if (config.GITHUB_CLIENT_ID && config.GITHUB_CLIENT_SECRET) {
    providers.push(
      GitHubProvider({
        clientId: config.GITHUB_CLIENT_ID,
        clientSecret: config.GITHUB_CLIENT_SECRET,
        userinfo: {
          url: "https://api.github.com/user",
          async request({ client, tokens }) {
            const profile = (await client.userinfo(tokens.access_token!)) as Record<string, unknown>;
            return githubProfileWithVerifiedEmails(profile, tokens.access_token!);
          },
        },
      }),
    );
  }
  if (config.GOOGLE_CLIENT_ID && config.GOOGLE_CLIENT_SECRET) {
    providers.push(GoogleProvider({ clientId: config.GOOGLE_CLIENT_ID, clientSecret: config.GOOGLE_CLIENT_SECRET }));
  }
  if (config.OIDC_ISSUER && config.OIDC_CLIENT_ID && config.OIDC_CLIENT_SECRET) {
    const oidc: OAuthConfig<Record<string, unknown>> = {
      id: "oidc",
      name: config.OIDC_NAME,
      type: "oauth",
      wellKnown: `${config.OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: config.OIDC_CLIENT_ID,
      clientSecret: config.OIDC_CLIENT_SECRET,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      profile(profile) {
        const email = typeof profile.email === "string" ? profile.email : null;
        const name = [profile.name, profile.preferred_username, email].find((value): value is string => typeof value === "string" && value.length > 0);
        return { id: String(profile.sub), name: name ?? null, email, image: typeof profile.picture === "string" ? profile.picture : null };
      },
    };
    providers.push(oidc);
  }
  return providers;
}

/** The emails the provider vouches for. An unverified email links nothing. */
export function verifiedEmails(provider: string, profile: Record<string, unknown> | undefined): string[] {
  if (!profile) return [];
  if (provider === "github") {
    const list = profile.hub_verified_emails;
    return Array.isArray(list) ? list.filter((email): email is string => typeof email === "string").map((email) => email.toLowerCase()) : [];
  }
  const verified = profile.email_verified === true || profile.email_verified === "true";
  return verified && typeof profile.email === "string" ? [profile.email.toLowerCase()] : [];
}

/** Where a refused OAuth sign-in lands; the sign-in page explains each code. */
export type OAuthRefusal = "oauth_email_unverified" | "oauth_no_account" | "oauth_deactivated" | "oauth_totp_required";

/**
 * next-auth's signIn callback for OAuth. Finds the hub account for the
 * provider identity: an existing link first; otherwise an account whose
 * email the provider has verified (and links it); otherwise an invited
 * email (and creates the account). Nobody else gets in, and nobody gets an
 * account uninvited. On success it sets `user.id` to the hub user's id,
 * which the jwt callback then puts in the session.
 */
export async function linkOAuthSignIn(db: Database, input: { user: User; account: Account; profile?: Profile }): Promise<true | string> {
  const { user, account } = input;
  const profile = input.profile as Record<string, unknown> | undefined;
  const provider = account.provider;
  const refuse = async (reason: OAuthRefusal, userId: string | null, email?: string): Promise<string> => {
    await recordAudit(db, {
      action: "auth.sign_in_failed",
      actorId: null,
      target: userId ? { type: "user", id: userId } : undefined,
      metadata: { method: provider, reason, ...(email ? { email } : {}) },
    });
    getLogger().info({ provider, reason }, "oauth sign-in refused");
    return `/sign-in?error=${reason}`;
  };
  const admit = (row: UserRow): true => {
    // next-auth passes this same object to the jwt callback.
    user.id = row.id;
    return true;
  };

  const [linked] = await db
    .select({ user: users, linkId: oauthAccounts.id })
    .from(oauthAccounts)
    .innerJoin(users, eq(users.id, oauthAccounts.userId))
    .where(and(eq(oauthAccounts.provider, provider), eq(oauthAccounts.providerAccountId, account.providerAccountId)))
    .limit(1);
  if (linked) {
    if (linked.user.deactivatedAt) return refuse("oauth_deactivated", linked.user.id);
    // Two-factor guards the account; an OAuth sign-in would walk around it.
    if (linked.user.totpEnabled) return refuse("oauth_totp_required", linked.user.id);
    await db.update(oauthAccounts).set({ lastUsedAt: new Date() }).where(eq(oauthAccounts.id, linked.linkId));
    return admit(linked.user);
  }

  const emails = verifiedEmails(provider, profile);
  if (emails.length === 0) return refuse("oauth_email_unverified", null, typeof profile?.email === "string" ? profile.email : undefined);

  const matches = await db.select().from(users).where(inArray(users.email, emails));
  // Prefer the provider's primary email when several accounts match.
  const existing = matches.find((row) => row.email === emails[0]) ?? matches[0];
  const name = user.name ?? emails[0]!.split("@")[0]!;

  type Outcome = { user: UserRow } | { refusal: OAuthRefusal; userId: string | null };
  const result = await db.transaction(async (tx): Promise<Outcome> => {
    let hubUser = existing;
    if (hubUser) {
      if (hubUser.deactivatedAt) return { refusal: "oauth_deactivated", userId: hubUser.id };
      if (hubUser.totpEnabled) return { refusal: "oauth_totp_required", userId: hubUser.id };
    } else {
      hubUser = (await redeemInviteForOAuth(tx, emails, name)) ?? undefined;
      if (!hubUser) return { refusal: "oauth_no_account", userId: null };
    }
    const [link] = await tx
      .insert(oauthAccounts)
      .values({ id: newId("oau"), userId: hubUser.id, provider, providerAccountId: account.providerAccountId, email: hubUser.email, lastUsedAt: new Date() })
      .onConflictDoNothing()
      .returning({ id: oauthAccounts.id });
    if (link) {
      await recordAudit(tx, { action: "auth.oauth_linked", actorId: hubUser.id, target: { type: "oauth_account", id: link.id }, metadata: { provider, email: hubUser.email } });
    }
    return { user: hubUser };
  });
  if ("refusal" in result) return refuse(result.refusal, result.userId, emails[0]);
  return admit(result.user);
}

/** The second factor at password sign-in: a current TOTP code or an unspent backup code. */
export async function signInTotpCheck(user: UserRow, code: string | undefined): Promise<boolean> {
  if (!code) return false;
  return (await verifySecondFactor(getDb(), user, code)) !== null;
}
