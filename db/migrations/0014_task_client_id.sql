ALTER TABLE "tasks" ADD COLUMN "client_id" text;--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_client_key" ON "tasks" USING btree ("user_id","client_id") WHERE client_id is not null;