CREATE TABLE "devices" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"name" text NOT NULL,
	"platform" text,
	"phone_number" text,
	"model" text,
	"app_version" text,
	"battery" integer,
	"signing_secret" text,
	"last_seen_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"sync_position" bigint,
	"sync_acked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"device_id" text,
	"source" text NOT NULL,
	"external_id" text,
	"fingerprint" text NOT NULL,
	"type" text NOT NULL,
	"sender" text NOT NULL,
	"recipient" text,
	"body" text NOT NULL,
	"title" text,
	"app" text,
	"sim_slot" integer,
	"thread_key" text,
	"priority" text DEFAULT 'normal' NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"attachments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"received_at" timestamp (3) with time zone NOT NULL,
	"sent_at" timestamp (3) with time zone,
	"read_at" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"expired_at" timestamp with time zone,
	"change_position" bigint NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('simple', coalesce(sender, '')), 'A') || setweight(to_tsvector('simple', coalesce(title, '')), 'B') || setweight(to_tsvector('simple', body), 'C')) STORED NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "retention_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"device_id" text,
	"days" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retention_rules" ADD CONSTRAINT "retention_rules_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retention_rules" ADD CONSTRAINT "retention_rules_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "devices_user_idx" ON "devices" USING btree ("user_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_external_key" ON "messages" USING btree ("user_id",coalesce("device_id", ''),"external_id") WHERE external_id is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "messages_fingerprint_key" ON "messages" USING btree ("user_id",coalesce("device_id", ''),"fingerprint") WHERE external_id is null;--> statement-breakpoint
CREATE UNIQUE INDEX "messages_sync_key" ON "messages" USING btree ("user_id","change_position");--> statement-breakpoint
CREATE INDEX "messages_list_idx" ON "messages" USING btree ("user_id","received_at","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "messages_device_idx" ON "messages" USING btree ("user_id","device_id","received_at","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "messages_unread_idx" ON "messages" USING btree ("user_id","received_at") WHERE read_at is null and deleted_at is null;--> statement-breakpoint
CREATE INDEX "messages_thread_idx" ON "messages" USING btree ("user_id",coalesce("thread_key", "sender"),"received_at") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "messages_search_idx" ON "messages" USING gin ("search");--> statement-breakpoint
CREATE INDEX "messages_tags_idx" ON "messages" USING gin ("tags");--> statement-breakpoint
CREATE UNIQUE INDEX "retention_rules_scope_key" ON "retention_rules" USING btree ("user_id",coalesce("device_id", ''));