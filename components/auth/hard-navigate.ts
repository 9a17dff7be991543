/**
 * A full page load rather than a client-side transition. Used where the
 * session changes (sign-in, sign-out, an expired session): the next page must
 * be rendered by the server with the new cookie, and nothing of the previous
 * session (query cache, socket, component state) may survive in memory.
 */
export function hardNavigate(path: string): void {
  window.location.assign(path);
}
