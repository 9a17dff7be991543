import { z } from "zod";

/** Route params holding one prefixed id; anything else is a 404. */
export const idParams = z.object({ id: z.string().min(1).max(64) });
