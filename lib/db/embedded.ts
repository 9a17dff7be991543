import { mkdir, open, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export type EmbeddedDatabase = {
  url: string;
  stop: () => Promise<void>;
};

type Queued = {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (size: number) => void;
  reject: (error: Error) => void;
};

/**
 * Serialises many client connections onto PGlite's single session.
 *
 * pglite-socket's own queue interleaves connections message by message
 * outside a transaction. With the extended query protocol (every query with
 * parameters is Parse, Bind, Describe, Execute, Sync) two connections then
 * overwrite each other's unnamed statement ("unnamed prepared statement does
 * not exist"). This queue gives one connection the session from its first
 * message until it has finished a cycle (Sync or a simple Query) and is not
 * inside a transaction; other connections' messages wait their turn.
 *
 * Code running on the embedded database must therefore never wait on a second
 * connection while it holds a transaction open on the first; every domain
 * function takes the transaction handle it runs in.
 */
class SessionQueue {
  private queue: Queued[] = [];
  private owner: number | null = null;
  private running = false;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.run();
    });
  }

  private next(): Queued | undefined {
    const index = this.owner === null ? 0 : this.queue.findIndex((item) => item.handlerId === this.owner);
    if (index === -1) return undefined;
    return this.queue.splice(index, 1)[0];
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let item = this.next(); item; item = this.next()) {
        this.owner = item.handlerId;
        let size = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                size += data.length;
                item.onData(data);
              },
            }),
          );
          item.resolve(size);
        } catch (error) {
          item.reject(error as Error);
        }
        const type = String.fromCharCode(item.message[0] ?? 0);
        const endsCycle = type === "S" || type === "Q" || type === "X" || item.message[0] === 0;
        if (endsCycle && !this.db.isInTransaction()) this.owner = null;
      }
    } finally {
      this.running = false;
    }
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((item) => {
      if (item.handlerId !== handlerId) return true;
      item.reject(new Error("Handler disconnected"));
      return false;
    });
  }

  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec("ROLLBACK");
    this.owner = null;
    await this.run();
  }
}

/** The embedded database's folder is open in another live process. */
export class EmbeddedDatabaseBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`The embedded database in ${dataDir} is in use by another process (pid ${pid}), most likely a running Message Hub server`);
    this.name = "EmbeddedDatabaseBusyError";
  }
}

const LOCK_FILE = "message-hub.pid";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite keeps one Postgres in this process and does not lock its folder:
 * two processes opening the same folder corrupt it. A pid file, created
 * exclusively, keeps out a second opener while the first lives. A file left
 * by a process that died (or by this very pid, as after a container restart
 * where the server is pid 1 again) is stale and taken over.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number((await readFile(file, "utf8").catch(() => "")).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw new EmbeddedDatabaseBusyError(dataDir, pid);
      await rm(file, { force: true });
    }
  }
  throw new Error(`Could not lock the embedded database folder ${dataDir}`);
}

/**
 * Starts PGlite and serves it on loopback, so the rest of the hub (pg,
 * Drizzle, pg-boss) sees an ordinary Postgres URL.
 *
 * @param dataDir a folder for the database files, or "memory://" for a throwaway one
 */
export async function startEmbeddedDatabase(options: { dataDir: string; port?: number; maxConnections?: number }): Promise<EmbeddedDatabase> {
  let dataDir = options.dataDir;
  let unlock = async () => {};
  if (!dataDir.startsWith("memory://")) {
    dataDir = path.resolve(dataDir);
    await mkdir(dataDir, { recursive: true });
    unlock = await lockDataDir(dataDir);
  }
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir);
  } catch (error) {
    await unlock();
    throw error;
  }
  const server = new PGLiteSocketServer({
    db,
    host: "127.0.0.1",
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 64,
  });
  // Replace the package's message-by-message queue with the session queue above.
  (server as unknown as { queryQueue: SessionQueue }).queryQueue = new SessionQueue(db);
  try {
    await server.start();
  } catch (error) {
    await db.close();
    await unlock();
    throw error;
  }
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
      await unlock();
    },
  };
}
