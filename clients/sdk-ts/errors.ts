import type { Problem } from "./types";

/** A refusal from the hub (REST problem+json or a socket ack error), with its status and detail. */
export class HubError extends Error {
  readonly status: number;
  readonly title: string;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(`${problem.status} ${problem.title}: ${problem.detail}`);
    this.name = "HubError";
    this.status = problem.status;
    this.title = problem.title;
    this.problem = problem;
  }

  /** Seconds the hub asked us to wait (429), read from Retry-After or from the detail. */
  get retryAfterSeconds(): number | undefined {
    const match = /Try again in (\d+) s/.exec(this.problem.detail);
    return match ? Number(match[1]) : undefined;
  }
}
