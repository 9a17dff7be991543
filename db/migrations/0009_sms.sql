CREATE TABLE "phone_numbers" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"phone_number" text NOT NULL,
	"verified_at" timestamp with time zone,
	"code_hash" text,
	"code_expires_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"code_sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sms_outbox" (
	"id" text PRIMARY KEY NOT NULL,
	"to" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sms_usage" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text,
	"direction" text NOT NULL,
	"number" text NOT NULL,
	"message_sid" text,
	"kind" text NOT NULL,
	"encoding" text NOT NULL,
	"segments" integer NOT NULL,
	"price" double precision NOT NULL,
	"price_source" text NOT NULL,
	"latency_ms" integer,
	"outcome" text NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD CONSTRAINT "phone_numbers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sms_usage" ADD CONSTRAINT "sms_usage_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "phone_numbers_verified_key" ON "phone_numbers" USING btree ("phone_number") WHERE verified_at is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "phone_numbers_user_key" ON "phone_numbers" USING btree ("user_id","phone_number");--> statement-breakpoint
CREATE INDEX "sms_outbox_created_idx" ON "sms_outbox" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "sms_usage_sid_key" ON "sms_usage" USING btree ("direction","message_sid") WHERE message_sid is not null;--> statement-breakpoint
CREATE INDEX "sms_usage_created_idx" ON "sms_usage" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "sms_usage_user_idx" ON "sms_usage" USING btree ("user_id","created_at");