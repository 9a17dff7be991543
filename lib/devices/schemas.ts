import { z } from "zod";
import { listCursorSchema, listLimitSchema, pageSchema } from "@/lib/http/list-cursor";
import { cleanText } from "@/lib/messages/text";

/** The shapes the devices API reads and writes; routes and the OpenAPI document share them. */
export const DEVICE_STATUSES = ["online", "stale", "offline"] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

const label = (max: number) => z.string().trim().max(max).transform(cleanText);

export const signingSecretSchema = z
  .string()
  .min(8, "must be at least 8 characters")
  .max(256)
  .meta({ description: "Write-only. The secret the device's forwarder app signs requests with; never returned." });

export const registerDeviceSchema = z.object({
  name: label(100).pipe(z.string().min(1, "is required")),
  platform: label(40).optional().meta({ description: "android, ios, …" }),
  phoneNumber: label(32).optional(),
  model: label(100).optional(),
  appVersion: label(50).optional(),
  signingSecret: signingSecretSchema.optional(),
});

export const patchDeviceSchema = z
  .object({
    name: label(100).pipe(z.string().min(1, "is required")).optional(),
    platform: label(40).nullable().optional(),
    phoneNumber: label(32).nullable().optional(),
    model: label(100).nullable().optional(),
    appVersion: label(50).nullable().optional(),
    signingSecret: signingSecretSchema.nullable().optional().meta({ description: "Sets the signing secret, or clears it with null." }),
    revoked: z.literal(true).optional().meta({ description: "true revokes the device: its API keys stop working at once. There is no un-revoke; register again." }),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), { message: "send at least one field to change" });

export const heartbeatSchema = z.object({
  battery: z.number().int().min(0).max(100).optional().meta({ description: "Battery charge in percent." }),
  appVersion: label(50).optional(),
});

export const listDevicesQuerySchema = z.object({ limit: listLimitSchema, cursor: listCursorSchema });

export const deviceSchema = z.object({
  id: z.string(),
  name: z.string(),
  platform: z.string().nullable(),
  phoneNumber: z.string().nullable(),
  model: z.string().nullable(),
  appVersion: z.string().nullable(),
  battery: z.number().nullable(),
  hasSigningSecret: z.boolean(),
  status: z.enum(DEVICE_STATUSES).meta({ description: "From the last heartbeat or message: online within 5 minutes, stale within an hour, else offline." }),
  lastSeenAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  sync: z.object({ cursor: z.string().nullable(), ackedAt: z.string().nullable() }).meta({ description: "The message-sync cursor the device acknowledged (\"synced up to\")." }),
  messageCount: z.number(),
  unreadCount: z.number().meta({ description: "Messages from this device not yet read (deleted ones excluded)." }),
  lastMessage: z
    .object({ id: z.string(), type: z.string(), sender: z.string(), preview: z.string(), receivedAt: z.string() })
    .nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type DeviceView = z.infer<typeof deviceSchema>;

export const devicePageSchema = pageSchema(deviceSchema);

export const deviceApiKeySchema = z.object({ id: z.string(), name: z.string(), scopes: z.array(z.string()), prefix: z.string() });

export const registerDeviceResponseSchema = z.object({
  device: deviceSchema,
  apiKey: deviceApiKeySchema,
  key: z.string().meta({ description: "The device's API key. Shown once: copy it into the phone now." }),
});
