import { readdirSync } from "node:fs";
import path from "node:path";
import type { RouteHandler } from "@/lib/http/route";

/** Every route of app/api/v1, found on disk, for the suites that must cover them all (authz, OpenAPI). */
export type DiscoveredRoute = { key: string; method: string; path: string; params: string[]; handler: RouteHandler };

const API_ROOT = path.resolve(import.meta.dirname, "../../app/api/v1");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** Imports every app/api/v1/**\/route.ts and returns each exported method as "METHOD /api/v1/path/{param}". */
export async function discoverRoutes(): Promise<DiscoveredRoute[]> {
  const files = (readdirSync(API_ROOT, { recursive: true }) as string[]).filter((file) => path.basename(file) === "route.ts").sort();
  const routes: DiscoveredRoute[] = [];
  for (const file of files) {
    const segments = path.dirname(file).split(path.sep).filter((segment) => segment !== ".");
    const params = segments.filter((segment) => /^\[.+\]$/.test(segment)).map((segment) => segment.slice(1, -1));
    const urlPath = `/api/v1/${segments.map((segment) => segment.replace(/^\[(.+)\]$/, "{$1}")).join("/")}`.replace(/\/$/, "");
    const mod = (await import(/* @vite-ignore */ path.join(API_ROOT, file))) as Record<string, unknown>;
    for (const method of METHODS) {
      if (typeof mod[method] === "function") routes.push({ key: `${method} ${urlPath}`, method, path: urlPath, params, handler: mod[method] as RouteHandler });
    }
  }
  return routes;
}
