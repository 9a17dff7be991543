import { CliError, EXIT } from "./errors.mjs";

/**
 * The Socket.IO side of `tail` and `rooms tail`: one socket authenticated
 * with the profile's key, reconnecting on its own with backoff after a
 * network drop. Each command resumes from its own cursor on every
 * (re)connect, so what happened while the socket was down is fetched, not
 * lost. A refused key ends the command with exit 3; a signal ends it
 * cleanly with exit 0.
 */

/**
 * @typedef {object} LiveHandlers
 * @property {(socket: import("socket.io-client").Socket, reconnect: boolean) => Promise<void>} onConnect (re)connected: resume here
 * @property {(text: string) => void} note status lines for the person (stderr)
 */

/**
 * @typedef {object} LiveSession
 * @property {import("socket.io-client").Socket} socket
 * @property {Promise<void>} done resolves on SIGINT/SIGTERM or stop(), rejects on a fatal error
 * @property {(error?: unknown) => void} stop ends the session (with an error: the command fails with it)
 */

/**
 * @param {import("./api.mjs").ApiClient} api
 * @param {LiveHandlers} handlers
 * @returns {Promise<LiveSession>}
 */
export async function openLive(api, handlers) {
  const { io } = await import("socket.io-client");
  const url = new URL(api.server);
  const socket = io(url.origin, {
    path: `${url.pathname.replace(/\/+$/, "")}/socket.io`,
    auth: { token: api.token },
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
    timeout: 10_000,
  });

  /** @type {(value: void) => void} */
  let resolveDone = () => {};
  /** @type {(error: unknown) => void} */
  let rejectDone = () => {};
  const done = new Promise((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  let stopped = false;
  /** @param {unknown} [error] */
  const stop = (error) => {
    if (stopped) return;
    stopped = true;
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    socket.disconnect();
    if (error) rejectDone(error);
    else resolveDone();
  };
  const onSignal = () => stop();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  let connectedBefore = false;
  let down = false;
  socket.on("connect", () => {
    const reconnect = connectedBefore;
    connectedBefore = true;
    if (down) handlers.note("Reconnected; catching up.");
    down = false;
    handlers.onConnect(socket, reconnect).catch(stop);
  });
  socket.on("disconnect", (reason) => {
    if (stopped) return;
    down = true;
    if (reason === "io server disconnect") {
      // The server closed this socket on purpose (a revoked key, a deactivated
      // user, or a restart). Ask over HTTP which: a 401 ends the command.
      handlers.note("The server closed the connection; checking the key.");
      api.get("/api/v1/me").then(
        () => socket.connect(),
        (error) => (error instanceof CliError && error.exitCode === EXIT.auth ? stop(error) : socket.connect()),
      );
      return;
    }
    handlers.note(`Connection lost (${reason}); reconnecting…`);
  });
  socket.on("connect_error", (error) => {
    if (stopped) return;
    const data = /** @type {{ data?: { status?: number, detail?: string } }} */ (/** @type {unknown} */ (error)).data;
    if (data?.status === 401 || data?.status === 403) {
      stop(new CliError(`The server refused the realtime connection: ${data.detail ?? error.message}`, { exitCode: EXIT.auth, hint: "The API key may be revoked or expired; run `message-hub login` again." }));
      return;
    }
    if (!socket.active) {
      stop(new CliError(`The realtime connection failed: ${error.message}`));
      return;
    }
    // Once per outage, not once per retry.
    if (!down) handlers.note(`Cannot reach ${api.server} (${error.message}); retrying…`);
    down = true;
  });
  return { socket, done, stop };
}

/**
 * Runs `task` again whenever it is asked to while running, once, after the
 * current run: a burst of pokes costs at most one extra run.
 * @param {() => Promise<void>} task
 * @returns {() => Promise<void>}
 */
export function coalesce(task) {
  /** @type {Promise<void> | null} */
  let running = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await task();
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };
}
