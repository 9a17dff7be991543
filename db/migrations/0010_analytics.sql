CREATE TABLE "analytics_device_status" (
	"at" timestamp with time zone PRIMARY KEY NOT NULL,
	"online" integer NOT NULL,
	"stale" integer NOT NULL,
	"offline" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_ingest_daily" (
	"day" date PRIMARY KEY NOT NULL,
	"count" integer NOT NULL,
	"p50_ms" double precision NOT NULL,
	"p95_ms" double precision NOT NULL,
	"max_ms" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_message_daily" (
	"day" date NOT NULL,
	"user_id" text NOT NULL,
	"device_id" text NOT NULL,
	"type" text NOT NULL,
	"count" integer NOT NULL,
	"latency_ms_sum" bigint NOT NULL,
	CONSTRAINT "analytics_message_daily_day_user_id_device_id_type_pk" PRIMARY KEY("day","user_id","device_id","type")
);
--> statement-breakpoint
CREATE TABLE "analytics_rollup_state" (
	"key" text PRIMARY KEY NOT NULL,
	"rolled_through" date NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_room_daily" (
	"day" date NOT NULL,
	"room_id" text NOT NULL,
	"author_id" text NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "analytics_room_daily_day_room_id_author_id_pk" PRIMARY KEY("day","room_id","author_id")
);
--> statement-breakpoint
CREATE TABLE "analytics_sender_daily" (
	"day" date NOT NULL,
	"user_id" text NOT NULL,
	"sender" text NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "analytics_sender_daily_day_user_id_sender_pk" PRIMARY KEY("day","user_id","sender")
);
--> statement-breakpoint
CREATE TABLE "analytics_task_daily" (
	"day" date NOT NULL,
	"user_id" text NOT NULL,
	"created" integer NOT NULL,
	"completed" integer NOT NULL,
	"completed_with_due" integer NOT NULL,
	"completed_on_time" integer NOT NULL,
	"overdue" integer NOT NULL,
	CONSTRAINT "analytics_task_daily_day_user_id_pk" PRIMARY KEY("day","user_id")
);
--> statement-breakpoint
CREATE TABLE "analytics_user_activity" (
	"day" date NOT NULL,
	"user_id" text NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "analytics_user_activity_day_user_id_pk" PRIMARY KEY("day","user_id")
);
--> statement-breakpoint
CREATE INDEX "analytics_message_daily_user_idx" ON "analytics_message_daily" USING btree ("user_id","day");--> statement-breakpoint
CREATE INDEX "analytics_sender_daily_user_idx" ON "analytics_sender_daily" USING btree ("user_id","day");--> statement-breakpoint
CREATE INDEX "analytics_task_daily_user_idx" ON "analytics_task_daily" USING btree ("user_id","day");--> statement-breakpoint
CREATE INDEX "messages_created_idx" ON "messages" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "room_messages_created_idx" ON "room_messages" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "tasks_created_idx" ON "tasks" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "tasks_completed_idx" ON "tasks" USING btree ("completed_at") WHERE completed_at is not null;