import { z } from "zod";
import { idParams } from "@/lib/auth/params";
import type { ApiOperation } from "@/lib/http/openapi";
import { devicePageSchema, deviceSchema, heartbeatSchema, listDevicesQuerySchema, patchDeviceSchema, registerDeviceResponseSchema, registerDeviceSchema } from "@/lib/devices/schemas";

const deviceResponse = z.object({ device: deviceSchema });

export const deviceOperations: ApiOperation[] = [
  {
    method: "post",
    path: "/api/v1/devices/register",
    tag: "Devices",
    summary: "Register a phone and get its API key",
    description: "The key belongs to the device and holds the ingest and sync scopes (messages:write, messages:read). The secret is in this response only.",
    auth: "user",
    scopes: ["devices:write"],
    body: registerDeviceSchema,
    responses: { 201: { description: "The device, its key's public part, and the key", schema: registerDeviceResponseSchema } },
  },
  {
    method: "get",
    path: "/api/v1/devices",
    tag: "Devices",
    summary: "List devices with status, message count and last message",
    auth: "user",
    scopes: ["messages:read"],
    query: listDevicesQuerySchema,
    responses: { 200: { description: "A page of devices", schema: devicePageSchema } },
  },
  { method: "get", path: "/api/v1/devices/{id}", tag: "Devices", summary: "One device", auth: "user", scopes: ["messages:read"], params: idParams, responses: { 200: { description: "The device", schema: deviceResponse } } },
  {
    method: "patch",
    path: "/api/v1/devices/{id}",
    tag: "Devices",
    summary: "Rename, edit, set or clear the signing secret, or revoke",
    auth: "user",
    scopes: ["devices:write"],
    params: idParams,
    body: patchDeviceSchema,
    responses: { 200: { description: "The device", schema: deviceResponse } },
  },
  {
    method: "delete",
    path: "/api/v1/devices/{id}",
    tag: "Devices",
    summary: "Delete a device and revoke its keys (its messages stay)",
    auth: "user",
    scopes: ["devices:write"],
    params: idParams,
    responses: { 204: { description: "Deleted" } },
  },
  {
    method: "post",
    path: "/api/v1/devices/{id}/heartbeat",
    tag: "Devices",
    summary: "Report that the device is alive, with battery and app version",
    description: "A device key may only send its own heartbeat.",
    auth: "user",
    scopes: ["messages:write"],
    params: idParams,
    body: heartbeatSchema,
    responses: { 200: { description: "The device", schema: deviceResponse } },
  },
];
