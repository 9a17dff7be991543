-- GIN indexes take new entries into a pending list and merge it into the
-- index when it outgrows gin_pending_list_limit (default 4 MB). The insert
-- that overflows it does the whole merge before it commits: under a steady
-- stream of single-message POSTs that was a 140-165 ms stall every few
-- seconds, and with group commit every request sharing the statement waited
-- it out. A 256 kB list merges a few times a second, each in a few
-- milliseconds (bench/README.md, inbox). Searches also scan less of an
-- unmerged list.
ALTER INDEX "messages_search_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
ALTER INDEX "messages_tags_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
ALTER INDEX "room_messages_search_idx" SET (gin_pending_list_limit = 256);
