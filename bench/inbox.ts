/**
 * bench/inbox: the inbox on PostgreSQL, through the real server, next to a
 * baseline measured in the same run (multi-row INSERTs through `pg`
 * directly into the same table, same indexes, no HTTP).
 *
 *   npx next build && npx tsx bench/inbox.ts [--batches 100] [--seconds 10] [--sync 100000] [--search 1000000] [--queries 200] [--keep]
 *
 * Each measure starts on a settled server: the outbox events of the one
 * before are dispatched, and the rows it or the seeding wrote are vacuumed
 * and checkpointed.
 *
 * It creates a throwaway database on postgres://postgres@127.0.0.1:5432
 * (override with BENCH_ADMIN_URL), starts the server on it, and drops it at
 * the end (`--keep` leaves it, to study its queries). Every loop is bounded by a count or a duration.
 *   1. the baseline: multi-row INSERTs through `pg`, same table and indexes;
 *   2. batch ingest: POST /api/v1/messages with 500 messages per request, 4 at a
 *      time, on one device and spread over 4 users;
 *      then waits (bounded) until the dispatcher has handled their outbox events;
 *   3. single POSTs at 50 concurrency (autocannon, unique bodies), p50/p99, from
 *      50 users' phones and from one phone, next to GET /api/health;
 *   4. sync of N messages in pages of 500: total time and p99 per page (to the
 *      last byte, and with the client's JSON.parse), how the rows lie in the
 *      heap, and what the machine's disks read during the pass;
 *   5. search p95 over M messages (seeded with generate_series);
 *   6. export of those M messages as NDJSON, with the server's resident memory
 *      sampled every 50 ms: at full speed, then read by a client that stops
 *      for 5 s part-way (a server that read ahead of its client would grow).
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import pg from "pg";
import { load, percentile, seedApiKey, startServer, table, throwawayDatabase } from "./lib";

const args = new Map(process.argv.slice(2).map((arg, i, all) => [arg, all[i + 1]]));
const BATCHES = Number(args.get("--batches") ?? 100);
const SECONDS = Number(args.get("--seconds") ?? 10);
const SYNC_ROWS = Number(args.get("--sync") ?? 100_000);
const SEARCH_ROWS = Number(args.get("--search") ?? 1_000_000);
const QUERIES = Number(args.get("--queries") ?? 200);
const BATCH_SIZE = 500;
const EXPORT_PAUSE_MS = 5_000;
const EXPORT_PAUSE_AFTER_MB = 20;
const BATCH_CONCURRENCY = 4;
const database = throwawayDatabase("mh_bench");
const databaseUrl = database.url;

let counter = 0;
function message(prefix: string): Record<string, unknown> {
  counter++;
  return {
    type: "sms",
    sender: `+1555${String(counter % 10_000).padStart(7, "0")}`,
    body: `${prefix} ${counter}: Your package from the warehouse is out for delivery today, track it with code ${counter * 7919}`,
    receivedAt: new Date(Date.UTC(2026, 0, 1) + counter * 1000).toISOString(),
    tags: counter % 10 === 0 ? ["shipping"] : [],
  };
}

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return [result, ms(start)];
}

/** Runs `count` tasks, `concurrency` at a time. */
async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

async function api(url: string, key: string, path: string, init: RequestInit = {}): Promise<any> {
  const res = await fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...init.headers } });
  const body = await res.json();
  if (!res.ok && res.status !== 207) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

await database.create();
console.log(`database ${database.name}`);
const db = new pg.Pool({ connectionString: databaseUrl, max: BATCH_CONCURRENCY + 2 });
const hub = await startServer({ DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: "20" });
try {
  const setup = await (await fetch(`${hub.url}/api/v1/setup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "bench@example.test", password: "bench-password-123", name: "Bench" }) })).json();
  const ownerKey: string = setup.key;
  const device = await api(hub.url, ownerKey, "/api/v1/devices/register", { method: "POST", body: JSON.stringify({ name: "bench phone" }) });
  const deviceKey: string = device.key;

  // --- 1. Baseline: multi-row INSERT through pg, same table and indexes. ------
  const baselineUser = `usr_baseline_${randomBytes(4).toString("hex")}`;
  await db.query("insert into users (id, email, name) values ($1, $2, 'baseline')", [baselineUser, `${baselineUser}@example.test`]);
  let position = 0;
  const [, baselineMs] = await timed(() =>
    pool(BATCHES, BATCH_CONCURRENCY, async () => {
      const rows = Array.from({ length: BATCH_SIZE }, () => message("baseline"));
      const values: unknown[] = [];
      const tuples = rows.map((row, i) => {
        const p = ++position;
        values.push(`msg_base_${randomBytes(8).toString("hex")}`, baselineUser, randomBytes(16).toString("hex"), row.sender, row.body, row.receivedAt, p, row.tags);
        const o = i * 8;
        return `($${o + 1}, $${o + 2}, 'bench', $${o + 3}, 'sms', $${o + 4}, $${o + 5}, $${o + 6}, $${o + 7}, $${o + 8})`;
      });
      await db.query(`insert into messages (id, user_id, source, fingerprint, type, sender, body, received_at, change_position, tags) values ${tuples.join(",")}`, values);
    }),
  );
  const baselineRate = (BATCHES * BATCH_SIZE) / (baselineMs / 1000);

  // 50 phones of 50 users, for the multi-user runs below.
  const phoneKeys: string[] = [];
  for (let i = 0; i < 50; i++) {
    const user = await seedUser(db, `phone${i}`, 0);
    const key = await keyFor(user, ["messages:read", "messages:write", "devices:write"]);
    phoneKeys.push((await api(hub.url, key, "/api/v1/devices/register", { method: "POST", body: JSON.stringify({ name: `phone ${i}` }) })).key);
  }

  // --- 2. Batch ingest through the API. ---------------------------------------
  // (a) one device, 4 requests at a time: its batches serialise on the
  //     user's position counter by design; (b) 4 devices of 4 users.
  await api(hub.url, deviceKey, "/api/v1/messages", { method: "POST", body: JSON.stringify({ messages: Array.from({ length: 50 }, () => message("warm-up")) }) });
  const [, batchMs] = await timed(() =>
    pool(BATCHES, BATCH_CONCURRENCY, async () => {
      const result = await api(hub.url, deviceKey, "/api/v1/messages", { method: "POST", body: JSON.stringify({ messages: Array.from({ length: BATCH_SIZE }, () => message("batch")) }) });
      if (result.results.length !== BATCH_SIZE) throw new Error("short batch");
    }),
  );
  const batchRate = (BATCHES * BATCH_SIZE) / (batchMs / 1000);
  const [, spreadMs] = await timed(() =>
    pool(BATCHES, BATCH_CONCURRENCY, async (i) => {
      const result = await api(hub.url, phoneKeys[i % BATCH_CONCURRENCY]!, "/api/v1/messages", { method: "POST", body: JSON.stringify({ messages: Array.from({ length: BATCH_SIZE }, () => message("spread")) }) });
      if (result.results.length !== BATCH_SIZE) throw new Error("short batch");
    }),
  );
  const spreadRate = (BATCHES * BATCH_SIZE) / (spreadMs / 1000);

  // Every ingested message leaves an outbox event for the dispatcher. Each
  // measure below starts once the events of the one before are dispatched
  // (bounded wait), so none is timed against another's backlog; the events of
  // its own requests are dispatched while it runs, as in production.
  async function drainOutbox(): Promise<number> {
    const [, took] = await timed(async () => {
      for (let i = 0; i < 600; i++) {
        const { rows } = await db.query<{ pending: number }>("select count(*)::int as pending from outbox_events where dispatched_at is null");
        if (rows[0]!.pending === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error("the outbox backlog did not drain within 150 s");
    });
    return took;
  }
  const drainMs = await drainOutbox();
  // And vacuum what the batches wrote, as autovacuum soon would, and write it
  // out (checkpoint), so neither runs through the next measure.
  await db.query("vacuum (analyze) messages, outbox_events, change_counters");
  await db.query("checkpoint");

  // --- 3. Single POSTs at 50 concurrency. -------------------------------------
  // (a) 50 phones of 50 users, one connection each: the realistic shape.
  // (b) 50 connections on one device: one user's writes serialise on that
  //     user's sync-position counter by design, so this is the worst case.
  // Floor: GET /api/health (no database) at 50 connections, same run.
  let single = 0;
  let nextPhone = 0;
  const singleRequest = (keys: string[]) => ({
    method: "POST" as const,
    path: "/api/v1/messages",
    headers: { "content-type": "application/json" },
    setupRequest: (req: any, context: any) => {
      context.key ??= keys[nextPhone++ % keys.length];
      return { ...req, headers: { ...req.headers, authorization: `Bearer ${context.key}` }, body: JSON.stringify({ ...message("single"), externalId: `single-${++single}` }) };
    },
  });
  await load({ url: hub.url, duration: 2, connections: 50, requests: [singleRequest(phoneKeys)] });
  await drainOutbox();
  const manyPhones = await load({ url: hub.url, duration: SECONDS, connections: 50, requests: [singleRequest(phoneKeys)] });
  await drainOutbox();
  const onePhone = await load({ url: hub.url, duration: SECONDS, connections: 50, requests: [singleRequest([deviceKey])] });
  const health = await load({ url: `${hub.url}/api/health`, duration: SECONDS, connections: 50 });

  // --- 4. Sync of SYNC_ROWS messages in pages of 500. --------------------------
  // A page is timed from the request to its last byte, as autocannon times
  // the POSTs above; the client's JSON.parse of it is timed apart, and the two
  // together are reported too (on two cores, the measuring client's parse and
  // collection of a 260 KB page compete with the server it measures).
  await drainOutbox();
  const syncUser = await seedUser(db, "sync", SYNC_ROWS);
  const syncKey = await keyFor(syncUser);
  const syncPage = async (cursor: string | undefined): Promise<[{ changes: unknown[]; cursor: string; hasMore: boolean }, number, number]> => {
    const [bytes, took] = await timed(async () => {
      const res = await fetch(`${hub.url}/api/v1/sync/messages?limit=500${cursor ? `&since=${cursor}` : ""}`, { headers: { authorization: `Bearer ${syncKey}` } });
      const bytes = await res.arrayBuffer();
      if (!res.ok) throw new Error(`sync page: ${res.status} ${Buffer.from(bytes).toString("utf8").slice(0, 300)}`);
      return bytes;
    });
    const [body, parsed] = await timed(async () => JSON.parse(Buffer.from(bytes).toString("utf8")));
    return [body, took, took + parsed];
  };
  // Warm-up, as for search below: one untimed first page.
  await syncPage(undefined);
  const pageTimes: number[] = [];
  const pageTimesParsed: number[] = [];
  let cursor: string | undefined;
  let synced = 0;
  const disk = diskReads();
  const [, syncMs] = await timed(async () => {
    for (let page = 0; page < SYNC_ROWS / 500 + 2; page++) {
      const [body, took, withParse] = await syncPage(cursor);
      pageTimes.push(took);
      pageTimesParsed.push(withParse);
      synced += body.changes.length;
      cursor = body.cursor;
      if (!body.hasMore) break;
    }
  });
  const diskAfter = diskReads();
  // Where the tail is: warm-up shows as early pages, noise as scattered ones.
  const slowest = pageTimes.map((took, page) => ({ took, page })).sort((a, b) => b.took - a.took).slice(0, 6);
  console.log(`slowest sync pages: ${slowest.map(({ took, page }) => `#${page} ${took.toFixed(1)} ms`).join(", ")}`);
  // How the seeded rows lie in the heap: rows that filled the free space the
  // concurrent POSTs left in older pages sit one to a page, and a page of 500
  // of them is 500 heap reads (see bench/README.md).
  const layout = await db.query<{ position: number; pages: number }>(
    "select change_position / 5000 as position, count(distinct (ctid::text::point)[0])::int as pages from messages where user_id = $1 group by 1 order by 1",
    [syncUser.userId],
  );
  console.log(`heap pages holding each 5,000 sync positions: ${layout.rows.map((row) => row.pages).join(" ")}`);
  // Whether the pass read from memory or from disk: the table next to
  // PostgreSQL's buffer pool, and what the machine's disks read meanwhile.
  const sizes = await db.query<{ table: string; buffers: string }>("select pg_size_pretty(pg_total_relation_size('messages')) as table, current_setting('shared_buffers') as buffers");
  const diskNote = disk && diskAfter ? `; the disks read ${fmt(diskAfter.reads - disk.reads)} times (${fmt((diskAfter.bytes - disk.bytes) / 1e6)} MB) during the pass` : "";
  console.log(`messages and its indexes: ${sizes.rows[0]!.table}, shared_buffers ${sizes.rows[0]!.buffers}${diskNote}`);
  if (synced !== SYNC_ROWS) throw new Error(`synced ${synced} of ${SYNC_ROWS}`);

  // Baseline for a page: the same keyset query through pg directly.
  const rawPageTimes: number[] = [];
  let rawPosition = 0;
  for (let page = 0; page < SYNC_ROWS / 500; page++) {
    const [result, took] = await timed(() =>
      db.query("select * from messages where user_id = $1 and change_position > $2 order by change_position limit 501", [syncUser.userId, rawPosition]),
    );
    rawPageTimes.push(took);
    rawPosition = Number(result.rows[Math.min(499, result.rows.length - 1)]?.change_position ?? rawPosition);
  }

  // --- 5. Search over SEARCH_ROWS messages. ------------------------------------
  const searchUser = await seedUser(db, "search", SEARCH_ROWS);
  const searchKey = await keyFor(searchUser);
  const vocabulary = (await db.query<{ word: string; rank: number }>("select word, rank from bench_vocab order by rank")).rows;
  const queries: string[] = [];
  for (let i = 0; i < QUERIES; i++) {
    // Search terms people type: words of every frequency below the ~20 most common, a fifth as a prefix, a fifth as two words.
    const pick = () => vocabulary[20 + Math.floor(Math.random() * (vocabulary.length - 20))]!.word;
    const kind = i % 5;
    queries.push(kind === 0 ? pick().slice(0, 4) : kind === 1 ? `${pick()} ${pick().slice(0, 3)}` : pick());
  }
  await api(hub.url, searchKey, `/api/v1/messages?q=${encodeURIComponent(queries[0]!)}`); // warm-up
  const searchTimes: number[] = [];
  const matchCounts: number[] = [];
  for (const q of queries) {
    const [body, took] = await timed(() => api(hub.url, searchKey, `/api/v1/messages?limit=50&q=${encodeURIComponent(q)}`));
    searchTimes.push(took);
    matchCounts.push(body.data.length);
  }
  const rawSearchTimes: number[] = [];
  for (const q of queries.slice(0, 50)) {
    const [, took] = await timed(() =>
      db.query(
        "select id from messages where user_id = $1 and deleted_at is null and search @@ plainto_tsquery('simple', $2) order by ts_rank(search, plainto_tsquery('simple', $2)) desc, received_at desc limit 51",
        [searchUser.userId, q],
      ),
    );
    rawSearchTimes.push(took);
  }
  const common = vocabulary[0]!.word;
  const [, commonMs] = await timed(() => api(hub.url, searchKey, `/api/v1/messages?limit=50&q=${common}`));
  const commonMatches = (await db.query("select count(*)::int as n from messages where user_id = $1 and search @@ plainto_tsquery('simple', $2)", [searchUser.userId, common])).rows[0].n;

  // --- 6. Export of the search user's messages, with the server's memory. ----
  await drainOutbox();
  const exportFast = await exportRun(searchKey, 0);
  const exportSlow = await exportRun(searchKey, EXPORT_PAUSE_MS);
  if (exportFast.rows !== SEARCH_ROWS || exportSlow.rows !== SEARCH_ROWS) throw new Error(`exported ${exportFast.rows} and ${exportSlow.rows} of ${SEARCH_ROWS}`);
  // Baseline: the same keyset pages through pg, each row serialised, nothing sent.
  let rawExportBytes = 0;
  let rawExportRows = 0;
  const [, rawExportMs] = await timed(async () => {
    let after: [Date, string] | null = null;
    for (;;) {
      const page: pg.QueryResult<{ received_at: Date; id: string }> = await db.query(
        `select * from messages where user_id = $1 and deleted_at is null ${after ? "and (received_at, id) > ($2, $3)" : ""} order by received_at, id limit 1000`,
        after ? [searchUser.userId, ...after] : [searchUser.userId],
      );
      for (const row of page.rows) rawExportBytes += Buffer.byteLength(`${JSON.stringify(row)}\n`);
      rawExportRows += page.rows.length;
      const last: { received_at: Date; id: string } | undefined = page.rows[page.rows.length - 1];
      if (page.rows.length < 1000 || !last) break;
      after = [last.received_at, last.id];
    }
  });

  console.log("\nbench/inbox on PostgreSQL (same run, same machine)\n");
  table([
    { measure: "batch ingest, one device (500/request, 4 concurrent)", hub: `${fmt(batchRate)} msg/s`, baseline: `${fmt(baselineRate)} msg/s (pg multi-row INSERT, 4 connections)`, ratio: `${((batchRate / baselineRate) * 100).toFixed(0)} %` },
    { measure: "batch ingest, 4 devices of 4 users", hub: `${fmt(spreadRate)} msg/s`, baseline: "", ratio: `${((spreadRate / baselineRate) * 100).toFixed(0)} %` },
    { measure: "outbox events of the batches, dispatched", hub: `${fmt(drainMs)} ms after the last batch`, baseline: "", ratio: "" },
    { measure: "single POST, 50 phones of 50 users", hub: `${fmt(manyPhones.requestsPerSecond)} req/s, p50 ${manyPhones.p50} ms, p99 ${manyPhones.p99} ms`, baseline: `GET /api/health: ${fmt(health.requestsPerSecond)} req/s, p50 ${health.p50} ms, p99 ${health.p99} ms`, ratio: `errors ${manyPhones.errors + manyPhones.non2xx}` },
    { measure: "single POST, 50 connections on one phone", hub: `${fmt(onePhone.requestsPerSecond)} req/s, p50 ${onePhone.p50} ms, p99 ${onePhone.p99} ms`, baseline: "", ratio: `errors ${onePhone.errors + onePhone.non2xx}` },
    { measure: `sync ${fmt(SYNC_ROWS)} msgs, pages of 500`, hub: `${fmt(syncMs)} ms total, page p50 ${percentile(pageTimes, 50).toFixed(1)} ms, p99 ${percentile(pageTimes, 99).toFixed(1)} ms (with the client's parse: p50 ${percentile(pageTimesParsed, 50).toFixed(1)}, p99 ${percentile(pageTimesParsed, 99).toFixed(1)})`, baseline: `page p50 ${percentile(rawPageTimes, 50).toFixed(1)} ms, p99 ${percentile(rawPageTimes, 99).toFixed(1)} ms (pg)`, ratio: "" },
    { measure: `search over ${fmt(SEARCH_ROWS)} msgs (${QUERIES} queries)`, hub: `p50 ${percentile(searchTimes, 50).toFixed(1)} ms, p95 ${percentile(searchTimes, 95).toFixed(1)} ms, max ${Math.max(...searchTimes).toFixed(1)} ms`, baseline: `p50 ${percentile(rawSearchTimes, 50).toFixed(1)} ms, p95 ${percentile(rawSearchTimes, 95).toFixed(1)} ms (pg: plainto_tsquery and ts_rank, without the hub's last-word prefix match)`, ratio: "" },
    { measure: `search for the most common word ("${common}", ${fmt(commonMatches)} matches)`, hub: `${commonMs.toFixed(1)} ms`, baseline: "", ratio: "" },
    {
      measure: `export ${fmt(SEARCH_ROWS)} msgs as NDJSON`,
      hub: `${fmt(exportFast.ms)} ms, ${fmt(exportFast.rows / (exportFast.ms / 1000))} msg/s, ${fmt(exportFast.bytes / 1e6)} MB; server RSS ${fmt(exportFast.rssBefore)} → peak ${fmt(exportFast.rssPeak)} MB`,
      baseline: `${fmt(rawExportMs)} ms, ${fmt(rawExportRows / (rawExportMs / 1000))} msg/s, ${fmt(rawExportBytes / 1e6)} MB (pg keyset pages of 1000, JSON.stringify per row)`,
      ratio: `${((exportFast.rows / exportFast.ms / (rawExportRows / rawExportMs)) * 100).toFixed(0)} %`,
    },
    {
      measure: `the same export, read by a client that stops for ${EXPORT_PAUSE_MS / 1000} s after ${EXPORT_PAUSE_AFTER_MB} MB`,
      hub: `server RSS ${fmt(exportSlow.rssBefore)} → peak ${fmt(exportSlow.rssPeak)} MB (${fmt(exportSlow.rssPaused)} MB at the end of the pause)`,
      baseline: "",
      ratio: "",
    },
  ]);
  console.log(`search results per query: median ${percentile(matchCounts, 50)}, ${matchCounts.filter((n) => n === 0).length} queries with none`);
} finally {
  await hub.stop();
  await db.end();
  if (process.argv.includes("--keep")) console.log(`kept the database: ${databaseUrl}`);
  else await database.drop();
}

/**
 * Seeds `rows` messages for a new user straight into the table with
 * generate_series: bodies of 8–15 words drawn from a 5,000-word vocabulary
 * with a long tail (a few words are everywhere, most are rare), positions
 * 1..rows and the matching change counter, as ingest would leave them.
 */
async function seedUser(db: pg.Pool, label: string, rows: number): Promise<{ userId: string; rows: number }> {
  const userId = `usr_${label}_${randomBytes(4).toString("hex")}`;
  await db.query("insert into users (id, email, name) values ($1, $2, $3)", [userId, `${userId}@example.test`, label]);
  await db.query(`
    create table if not exists bench_vocab as
    select n as rank,
      (array['ka','lo','mi','su','te','ra','no','vi','pe','du','ho','ze','an','el','ir','ot','ub','ch','sh','qu'])[1 + n % 20] ||
      (array['ba','re','si','to','mu','la','ne','gi','po','fe','da','ki','ro','ve','sa','ti','lu','mo','ny','wa'])[1 + (n / 20) % 20] ||
      (array['n','r','s','t','l','m','k','d','x','z','p','g','v','b','f','h','c','j','w','y'])[1 + (n / 400) % 20] ||
      (array['','a','o','e','i','u','ar','en','is','on','um','el','ix','ot','ay','ee','oo','ia','io','ua'])[1 + (n / 8000) % 20 + n % 7] as word
    from generate_series(0, 4999) as n
  `);
  if (rows === 0) return { userId, rows };
  const started = Date.now();
  const chunk = 100_000;
  for (let offset = 0; offset < rows; offset += chunk) {
    await db.query(
      `insert into messages (id, user_id, source, fingerprint, type, sender, body, received_at, change_position, created_at, updated_at)
       select 'msg_' || $2 || '_' || g, $1, 'bench', md5($2 || g), 'sms',
         '+1555' || lpad((g % 5000)::text, 7, '0'),
         (select string_agg(v.word, ' ')
            from (select floor(power(random(), 3) * 5000)::int as r from generate_series(1, 8 + (g % 8))) as picks
            join bench_vocab v on v.rank = picks.r),
         timestamptz '2025-01-01' + make_interval(secs => g * 30),
         g, now(), now()
       from generate_series($3::int, $4::int) as g`,
      [userId, label, offset + 1, Math.min(rows, offset + chunk)],
    );
  }
  await db.query("insert into change_counters (user_id, stream, position) values ($1, 'messages', $2)", [userId, rows]);
  // What autovacuum leaves behind a bulk load: statistics, hint bits and the
  // visibility map. Without it the first reader of the new rows (the hub's
  // sync, which runs before the raw baseline) pays for setting hint bits.
  await db.query("vacuum analyze messages");
  // The seed writes the rows in bulk, as no phone does: its checkpoint is
  // set-up, written out here rather than during the measure that follows.
  await db.query("checkpoint");
  console.log(`seeded ${rows.toLocaleString("en-US")} messages for ${label} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return { userId, rows };
}

/**
 * Reads completed and bytes read so far by the machine's disks (Linux's
 * /sys/block, whole devices; loop, ram and zram devices left out), or null
 * where there is no such file. Machine-wide: PostgreSQL's reads are among them.
 */
function diskReads(): { reads: number; bytes: number } | null {
  try {
    let reads = 0;
    let bytes = 0;
    for (const device of readdirSync("/sys/block")) {
      if (/^(loop|ram|zram)/.test(device)) continue;
      // Fields: reads completed, reads merged, sectors read (512 bytes each), …
      const [completed, , sectors] = readFileSync(`/sys/block/${device}/stat`, "utf8").trim().split(/\s+/).map(Number);
      reads += completed ?? 0;
      bytes += (sectors ?? 0) * 512;
    }
    return { reads, bytes };
  } catch {
    return null;
  }
}

/** The server's resident memory now, in MB (/proc, Linux). */
function serverRss(): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${hub.child.pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
}

/**
 * Downloads the whole NDJSON export, counting its lines and bytes, while
 * sampling the server's RSS every 50 ms. With `pauseMs`, the client stops
 * reading for that long once it has EXPORT_PAUSE_AFTER_MB: a server that
 * read ahead of its client would grow during the pause.
 */
async function exportRun(key: string, pauseMs: number): Promise<{ rows: number; bytes: number; ms: number; rssBefore: number; rssPeak: number; rssPaused: number }> {
  const rssBefore = serverRss();
  let rssPeak = rssBefore;
  let rssPaused = 0;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, serverRss())), 50);
  try {
    let rows = 0;
    let bytes = 0;
    let paused = pauseMs === 0;
    const [, ms] = await timed(async () => {
      const res = await fetch(`${hub.url}/api/v1/messages/export?format=ndjson`, { headers: { authorization: `Bearer ${key}` } });
      if (!res.ok || !res.body) throw new Error(`export: ${res.status}`);
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.byteLength;
        for (const byte of chunk) if (byte === 10) rows++;
        if (!paused && bytes > EXPORT_PAUSE_AFTER_MB * 1e6) {
          paused = true;
          await new Promise((resolve) => setTimeout(resolve, pauseMs));
          rssPaused = serverRss();
        }
      }
    });
    return { rows, bytes, ms, rssBefore, rssPeak: Math.max(rssPeak, serverRss()), rssPaused };
  } finally {
    clearInterval(sampler);
  }
}

/** A key for a seeded user, with the inbox scopes unless told otherwise. */
function keyFor(user: { userId: string }, scopes = ["messages:read", "messages:write"]): Promise<string> {
  return seedApiKey(db, user.userId, scopes);
}
