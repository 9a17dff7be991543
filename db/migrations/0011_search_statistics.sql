-- Inbox search: the planner chooses between the GIN index (every match,
-- then the newest first) and walking the inbox newest-first and testing each
-- row, from how common it thinks the searched words are. With the default
-- statistics it misjudged a common prefix ("elfe:*") by 2-3x and read every
-- match; a larger sample of the lexemes lets it pick the walk, which reads a
-- fraction of the pages (bench/README.md, search over 1,000,000 messages).
ALTER TABLE "messages" ALTER COLUMN "search" SET STATISTICS 1000;--> statement-breakpoint
ANALYZE "messages" ("search");
