import { describe, expect, it } from "vitest";
import { connectDatabase } from "@/lib/db/client";
import { startEmbeddedDatabase } from "@/lib/db/embedded";

describe("embedded PGlite served on loopback", () => {
  it("keeps concurrent connections' parameterised queries and transactions apart", { timeout: 120_000 }, async () => {
    const embedded = await startEmbeddedDatabase({ dataDir: "memory://" });
    const { pool } = connectDatabase(embedded.url, { max: 8 });
    try {
      await pool.query("create table counter (id int primary key, n int not null)");
      await pool.query("insert into counter values (1, 0)");
      // Many parameterised queries from 8 connections at once: each must get its own answer.
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => pool.query<{ v: number }>("select $1::int * 2 as v", [i])));
      expect(answers.map((result) => result.rows[0]!.v)).toEqual(Array.from({ length: 200 }, (_, i) => i * 2));
      // Read-modify-write transactions on several connections never lose an update.
      await Promise.all(
        Array.from({ length: 40 }, async () => {
          const client = await pool.connect();
          try {
            await client.query("begin");
            const { rows } = await client.query<{ n: number }>("select n from counter where id = $1", [1]);
            await client.query("update counter set n = $1 where id = $2", [rows[0]!.n + 1, 1]);
            await client.query("commit");
          } finally {
            client.release();
          }
        }),
      );
      const { rows } = await pool.query<{ n: number }>("select n from counter where id = 1");
      expect(rows[0]!.n).toBe(40);
    } finally {
      await pool.end();
      await embedded.stop();
    }
  });
});
