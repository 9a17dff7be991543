CREATE TABLE "analytics_sender_monthly" (
	"month" date NOT NULL,
	"user_id" text NOT NULL,
	"sender" text NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "analytics_sender_monthly_month_user_id_sender_pk" PRIMARY KEY("month","user_id","sender")
);
--> statement-breakpoint
CREATE INDEX "analytics_sender_monthly_user_idx" ON "analytics_sender_monthly" USING btree ("user_id","month");--> statement-breakpoint
-- Months already rolled up before this table existed.
INSERT INTO "analytics_sender_monthly" ("month", "user_id", "sender", "count")
SELECT date_trunc('month', "day")::date, "user_id", "sender", sum("count")::int FROM "analytics_sender_daily" GROUP BY 1, 2, 3;
