import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { listUsers } from "@/lib/users/admin";
import { adminUserPageQuerySchema } from "@/lib/users/schemas";

export const dynamic = "force-dynamic";

/** Every user, oldest first; filter by `q` (email or name), `role` and `status`. */
export const GET = route({ auth: "admin", query: adminUserPageQuerySchema }, async ({ input }) => listUsers(getDb(), input.query));
