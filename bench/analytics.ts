/**
 * bench/analytics: the admin analytics endpoints over 1,000,000 messages and
 * 100,000 tasks on PostgreSQL, through the real server, next to a baseline
 * measured in the same run (GET /api/health, the floor of any request, and
 * the messages report computed from the raw tables with no rollups).
 *
 *   npx next build && nice npx tsx bench/analytics.ts [--messages 1000000] [--tasks 100000] [--requests 40] [--days 365] [--keep] [--database URL]
 *
 * It creates a throwaway database on postgres://postgres@127.0.0.1:5432
 * (override with BENCH_ADMIN_URL) and drops it at the end. `--keep` leaves
 * it in place and prints its URL; `--database URL` measures a database a
 * kept run seeded (its rollups are cleared so the backfill runs again) and
 * leaves it alone. Every loop is bounded by a count.
 *   1. seeds users, devices, messages, tasks, rooms and sign-ins with
 *      generate_series, spread over the last --days days;
 *   2. starts the server, whose analytics job backfills the rollups on its
 *      first run, and times the backfill;
 *   3. requests each endpoint --requests times, one at a time, for the default
 *      30-day range and for the whole --days range: p50 and p95.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { runMigrations } from "../lib/db/migrate";
import { percentile, root, seedApiKey, startServer, table, throwawayDatabase, type Server } from "./lib";

const argv = process.argv.slice(2);
const args = new Map(argv.map((arg, i, all) => [arg, all[i + 1]]));
const MESSAGES = Number(args.get("--messages") ?? 1_000_000);
const TASKS = Number(args.get("--tasks") ?? 100_000);
const REQUESTS = Number(args.get("--requests") ?? 40);
const DAYS = Number(args.get("--days") ?? 365);
const USERS = 20;
const KEEP = argv.includes("--keep");
const REUSE = args.get("--database");
const database = throwawayDatabase("mh_bench_an");
const databaseUrl = REUSE ?? database.url;

const seconds = (start: number) => ((Date.now() - start) / 1000).toFixed(1);

async function seed(db: pg.Pool): Promise<void> {
  let started = Date.now();
  await db.query(`insert into users (id, email, name) select 'usr_bench' || g, 'bench' || g || '@example.test', 'Bench user ' || g from generate_series(1, ${USERS}) g`);
  await db.query(`insert into devices (id, user_id, name, last_seen_at, sync_position, sync_acked_at)
    select 'dev_bench' || g, 'usr_bench' || (1 + g % ${USERS}), 'Phone ' || g, now() - make_interval(mins => g * 7), case when g % 3 = 0 then null else 1 end, now() - interval '1 hour'
    from generate_series(1, ${USERS * 2}) g`);
  // Messages: ingested evenly over the last DAYS days, 500 senders, seven types, 5 % unread.
  const chunk = 200_000;
  for (let offset = 0; offset < MESSAGES; offset += chunk) {
    await db.query(
      `insert into messages (id, user_id, device_id, source, fingerprint, type, sender, body, received_at, read_at, change_position, created_at, updated_at)
       select 'msg_b' || g, 'usr_bench' || (1 + g % ${USERS}), case when g % 5 = 0 then null else 'dev_bench' || (1 + g % ${USERS * 2}) end, 'bench', md5(g::text),
         (array['sms','sms','sms','notification','notification','call','email'])[1 + g % 7],
         '+1555' || lpad((g % 500)::text, 7, '0'), 'Bench message ' || g,
         t - make_interval(secs => (g % 20)), case when g % 20 = 0 then null else t end, g, t, t
       from (select g, now() - make_interval(secs => ((${MESSAGES} - g)::float8 / ${MESSAGES} * ${DAYS} * 86400)) as t from generate_series($1::int, $2::int) g) s`,
      [offset + 1, Math.min(MESSAGES, offset + chunk)],
    );
  }
  await db.query(`insert into change_counters (user_id, stream, position) select user_id, 'messages', max(change_position) from messages group by user_id`);
  console.log(`seeded ${MESSAGES.toLocaleString("en-US")} messages in ${seconds(started)} s`);

  started = Date.now();
  // Tasks: created evenly over DAYS days, due 1–5 days later; 80 % completed (a third of those late), half assigned.
  await db.query(
    `insert into tasks (id, user_id, assignee_id, title, status, due_at, timezone, completed_at, created_at, updated_at)
     select 'task_b' || g, 'usr_bench' || (1 + g % ${USERS}), case when g % 2 = 0 then 'usr_bench' || (1 + (g / 2) % ${USERS}) end, 'Task ' || g,
       case when g % 5 = 0 then 'todo' else 'done' end, t + make_interval(days => 1 + g % 5), 'UTC',
       case when g % 5 = 0 then null when g % 3 = 0 then t + make_interval(days => 2 + g % 5) else t + interval '12 hours' end, t, t
     from (select g, now() - make_interval(secs => ((${TASKS} - g)::float8 / ${TASKS} * ${DAYS} * 86400)) as t from generate_series(1, ${TASKS}) g) s`,
  );
  await db.query(`update tasks set completed_at = null, status = 'todo' where completed_at > now()`);
  console.log(`seeded ${TASKS.toLocaleString("en-US")} tasks in ${seconds(started)} s`);

  // Rooms: 300 incidents, each with 60 messages from a few people; most resolved after a few hours.
  await db.query(`insert into rooms (id, title, severity, status, commander_id, created_by, created_at, updated_at)
    select 'room_b' || g, 'Incident ' || g, (array['sev1','sev2','sev3','sev4'])[1 + g % 4], case when g % 10 = 0 then 'investigating' else 'resolved' end,
      'usr_bench' || (1 + g % ${USERS}), 'usr_bench' || (1 + g % ${USERS}), now() - make_interval(hours => g * ${Math.floor((DAYS * 24) / 300)}), now()
    from generate_series(1, 300) g`);
  await db.query(`insert into room_messages (id, room_id, seq, author_id, type, content, change_seq, created_at, updated_at)
    select 'rm_b' || r || '_' || s, 'room_b' || r, s, 'usr_bench' || (1 + (r + s) % 5), 'text', 'update ' || s, s, c + make_interval(mins => s), c + make_interval(mins => s)
    from generate_series(1, 300) r, generate_series(1, 60) s, lateral (select created_at as c from rooms where id = 'room_b' || r) x`);
  await db.query(`insert into room_messages (id, room_id, seq, author_id, type, content, data, change_seq, created_at, updated_at)
    select 'rm_b' || r || '_res', 'room_b' || r, 61, created_by, 'system', 'resolved', '{"event":"status_changed","from":"investigating","to":"resolved"}'::jsonb, 61,
      created_at + make_interval(hours => 1 + r % 12), created_at + make_interval(hours => 1 + r % 12)
    from rooms, lateral (select substr(id, 7)::int as r) x where status = 'resolved' and id like 'room_b%'`);
  // Sign-ins from the audit log: 20 a day.
  await db.query(`insert into audit_log (id, actor_id, action, created_at)
    select 'aud_b' || g, 'usr_bench' || (1 + g % ${USERS}), case when g % 10 = 0 then 'auth.sign_in_failed' else 'auth.sign_in' end, now() - make_interval(mins => g * 72)
    from generate_series(1, ${DAYS * 20}) g`);
  // What autovacuum does to a table after a bulk load: statistics, and the
  // visibility map that lets the partial unread index answer without the heap.
  await db.query("vacuum analyze");
}

async function measure(url: string, key: string, path: string, count: number): Promise<{ p50: number; p95: number; status: number }> {
  const times: number[] = [];
  let status = 0;
  for (let i = 0; i < count + 2; i++) {
    const start = process.hrtime.bigint();
    const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    await res.arrayBuffer();
    status = res.status;
    if (i >= 2) times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { p50: Math.round(percentile(times, 50)), p95: Math.round(percentile(times, 95)), status };
}

async function main(): Promise<void> {
  if (!REUSE) await database.create();
  const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  let hub: Server | undefined;
  try {
    if (REUSE) {
      await db.query("truncate analytics_rollup_state, analytics_message_daily, analytics_ingest_daily, analytics_sender_daily, analytics_sender_monthly, analytics_room_daily, analytics_task_daily");
      await db.query("delete from api_keys where name = 'bench'");
    } else {
      await runMigrations(db);
      await db.query("insert into users (id, email, name, role) values ('usr_benchadmin', 'bench@example.test', 'Bench admin', 'admin')");
      await seed(db);
    }
    const adminKey = await seedApiKey(db, "usr_benchadmin", ["admin", "messages:read", "tasks:read"]);

    // A build still being written (seeding takes minutes, so the two may overlap): wait for it, bounded.
    for (let waited = 0; !existsSync(path.join(root, ".next/BUILD_ID")); waited++) {
      if (waited === 0) console.log("waiting for the production build (.next/BUILD_ID)");
      if (waited > 1200) throw new Error("no production build: run npx next build first");
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    // The server's first boot runs the analytics job, whose first run backfills every seeded day.
    const booted = Date.now();
    hub = await startServer({ DATABASE_URL: databaseUrl });
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    for (;;) {
      const row = (await db.query("select to_char(rolled_through, 'YYYY-MM-DD') as day from analytics_rollup_state")).rows[0] as { day: string } | undefined;
      if (row?.day === yesterday) break;
      if (Date.now() - booted > 30 * 60_000) throw new Error("backfill did not finish in 30 minutes");
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const counts = (await db.query("select (select count(*) from analytics_message_daily)::int as m, (select count(*) from analytics_sender_daily)::int as s, (select count(*) from analytics_task_daily)::int as t")).rows[0];
    console.log(`backfill of ${DAYS} days finished ${seconds(booted)} s after the server started (rollup rows: ${counts.m} message, ${counts.s} sender, ${counts.t} task)`);

    const memberKey = await seedApiKey(db, "usr_bench1", ["messages:read", "tasks:read"]);
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - (DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
    const rows: Record<string, string | number>[] = [];
    const health = await measure(hub.url, adminKey, "/api/health", REQUESTS);
    rows.push({ endpoint: "GET /api/health (baseline)", range: "–", p50: health.p50, p95: health.p95, status: health.status });
    for (const section of ["messages", "devices", "rooms", "tasks", "users", "system", "insights"]) {
      const key = section === "insights" ? memberKey : adminKey;
      for (const [label, query] of [
        ["30 days", ""],
        [`${DAYS} days`, `?from=${from}&to=${to}`],
      ] as const) {
        const result = await measure(hub.url, key, `/api/v1/analytics/${section}${query}`, REQUESTS);
        rows.push({ endpoint: `GET /api/v1/analytics/${section}`, range: label, p50: result.p50, p95: result.p95, status: result.status });
      }
    }
    // Baseline: the same messages report with no rollups (every day from the raw tables), a few requests only.
    await db.query("update analytics_rollup_state set rolled_through = '2000-01-01'");
    for (const [label, query] of [
      ["30 days", ""],
      [`${DAYS} days`, `?from=${from}&to=${to}`],
    ] as const) {
      const raw = await measure(hub.url, adminKey, `/api/v1/analytics/messages${query}`, 5);
      rows.push({ endpoint: "messages without rollups (baseline)", range: label, p50: raw.p50, p95: raw.p95, status: raw.status });
    }
    table(rows);
  } finally {
    await hub?.stop();
    await db.end();
    if (KEEP && !REUSE) console.log(`kept the database: ${databaseUrl}`);
    else if (!REUSE) await database.drop();
  }
}

await main();
