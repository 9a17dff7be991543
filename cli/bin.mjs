#!/usr/bin/env node
// The `message-hub` executable (package.json "bin"). Plain ESM JavaScript, so
// it runs with node alone from an installed package: no loader, no build step.
import { run } from "./main.mjs";

// `message-hub messages | head` closes the pipe early; that is not an error.
process.stdout.on("error", (error) => {
  if (/** @type {NodeJS.ErrnoException} */ (error).code === "EPIPE") process.exit(0);
  throw error;
});

process.exitCode = await run(process.argv);
