import { createClient } from "redis";

const makeClient = (url: string) => createClient({ url });
export type RedisClient = ReturnType<typeof makeClient>;

const REDIS_KEY = Symbol.for("message-hub.redis");
type Holder = { [REDIS_KEY]?: RedisClient };

/** The shared Redis command client, when REDIS_URL is set and the server connected it. */
export function getRedis(): RedisClient | undefined {
  return (globalThis as Holder)[REDIS_KEY];
}

export function setRedis(client: RedisClient | undefined): void {
  (globalThis as Holder)[REDIS_KEY] = client;
}

export async function connectRedis(url: string): Promise<RedisClient> {
  const client = makeClient(url);
  // Reconnects are automatic; an error event without a listener would crash.
  client.on("error", () => {});
  await client.connect();
  return client;
}
