import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { afterEach, describe, expect, it } from "vitest";
import { refetchAfterChange } from "@/components/realtime/refetch";

/** A list endpoint whose answers the test releases by hand: each fetch reads the server's state when it starts. */
function server() {
  let items = ["a"];
  const pending: Array<() => void> = [];
  return {
    add: (item: string) => void (items = [...items, item]),
    fetch: () => {
      const snapshot = items;
      return new Promise<string[]>((resolve) => pending.push(() => resolve(snapshot)));
    },
    /** Answers every fetch under way, oldest first. */
    answerAll: async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      while (pending.length > 0) {
        pending.shift()!();
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    },
  };
}

describe("refetchAfterChange", () => {
  const clients: QueryClient[] = [];
  afterEach(() => clients.splice(0).forEach((client) => client.clear()));

  async function loadingList(api: ReturnType<typeof server>) {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    clients.push(client);
    const observer = new QueryObserver(client, { queryKey: ["tasks", "list"], queryFn: api.fetch });
    const unsubscribe = observer.subscribe(() => {});
    // The first load is under way: it read the server before the change below.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(observer.getCurrentResult().fetchStatus).toBe("fetching");
    return { client, observer, unsubscribe };
  }

  it("shows a change that committed while a list was on its first load", async () => {
    const api = server();
    const { client, observer, unsubscribe } = await loadingList(api);
    api.add("b");
    void refetchAfterChange(client, { queryKey: ["tasks", "list"] });
    await api.answerAll();
    await api.answerAll();
    expect(observer.getCurrentResult().data).toEqual(["a", "b"]);
    unsubscribe();
  });

  it("is needed: a plain invalidation keeps the first load's stale answer", async () => {
    const api = server();
    const { client, observer, unsubscribe } = await loadingList(api);
    api.add("b");
    void client.invalidateQueries({ queryKey: ["tasks", "list"] });
    await api.answerAll();
    await api.answerAll();
    expect(observer.getCurrentResult().data).toEqual(["a"]);
    unsubscribe();
  });

  it("refetches a list that already holds data", async () => {
    const api = server();
    const { client, observer, unsubscribe } = await loadingList(api);
    await api.answerAll();
    expect(observer.getCurrentResult().data).toEqual(["a"]);
    api.add("b");
    void refetchAfterChange(client, { queryKey: ["tasks", "list"] });
    await api.answerAll();
    expect(observer.getCurrentResult().data).toEqual(["a", "b"]);
    unsubscribe();
  });
});
