"use client";

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/display";
import { Checkbox, Input, Select } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { apiFetch } from "@/lib/http/api-client";
import type { Preferences } from "@/lib/notifications/preferences";
import type { NotificationSettings } from "@/lib/notifications/settings";
import { CHANNELS, NOTIFICATION_TYPES, type Channel, type NotificationType } from "@/lib/notifications/types";
import { queryKeys } from "@/lib/query-keys";

type PreferencesResponse = { preferences: Preferences; schedule: NotificationSettings };

const TYPE_LABELS: Record<NotificationType, string> = {
  "task.assigned": "Task assigned to me",
  "task.status_changed": "Status of my tasks changed",
  "task.reminder": "Task reminders",
  "room.mention": "Mentioned in an incident room",
  "room.status_changed": "An incident room I am in changed status or severity",
  "message.high_priority": "High or urgent messages",
  "webhook.disabled": "A webhook was disabled",
  "device.offline": "A device went offline",
  "digest.daily": "Daily digest",
  "digest.weekly": "Weekly digest",
};
const CHANNEL_LABELS: Record<Channel, string> = { in_app: "In app", push: "Push", email: "Email", sms: "SMS" };
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** Settings → Notifications: the type × channel matrix, quiet hours and the digest schedule. */
export function NotificationPreferences({ initial }: { initial: PreferencesResponse }) {
  const client = useQueryClient();
  const { toast } = useToast();
  const { data } = useQuery({ queryKey: queryKeys.notifications.preferences(), queryFn: () => apiFetch<PreferencesResponse>("/api/v1/notifications/preferences"), initialData: initial });
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) => apiFetch<PreferencesResponse>("/api/v1/notifications/preferences", { method: "PUT", body }),
    onSuccess: (next) => client.setQueryData(queryKeys.notifications.preferences(), next),
    onError: (error: Error) => toast({ title: "Could not save", description: error.message, tone: "error" }),
  });
  const schedule = data.schedule;
  const [quietStart, setQuietStart] = useState(schedule.quietHours?.start ?? "22:00");
  const [quietEnd, setQuietEnd] = useState(schedule.quietHours?.end ?? "07:00");

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="What you hear about, and where" description="Each kind of notification on each channel. Push reaches the browsers you turned push on for; SMS goes to your verified phone number (Settings → Phone numbers)." />
        <div className="overflow-x-auto px-4 pb-4">
          <table className="w-full text-sm" data-testid="preferences-matrix">
            <thead>
              <tr>
                <th className="py-2 text-left font-medium">Notification</th>
                {CHANNELS.map((channel) => (
                  <th key={channel} className="px-3 py-2 font-medium">
                    {CHANNEL_LABELS[channel]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {NOTIFICATION_TYPES.map((type) => (
                <tr key={type} className="border-t border-slate-200 dark:border-slate-800">
                  <td className="py-2">{TYPE_LABELS[type]}</td>
                  {CHANNELS.map((channel) => (
                    <td key={channel} className="px-3 py-2 text-center">
                      <input
                        type="checkbox"
                        className="size-4"
                        aria-label={`${TYPE_LABELS[type]}: ${CHANNEL_LABELS[channel]}`}
                        checked={data.preferences[type][channel]}
                        onChange={(event) => save.mutate({ channels: { [type]: { [channel]: event.target.checked } } })}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>

      <Card>
        <CardHeader title="Quiet hours" description={`Push, email and SMS wait until quiet hours end (${schedule.timezone}); urgent ones come through.`} />
        <div className="flex flex-wrap items-end gap-3 px-4 pb-4">
          <Checkbox label="Quiet hours" checked={!!schedule.quietHours} onChange={(event) => save.mutate({ quietHours: event.target.checked ? { start: quietStart, end: quietEnd } : null })} />
          <Input label="From" type="time" value={quietStart} onChange={(event) => setQuietStart(event.target.value)} />
          <Input label="Until" type="time" value={quietEnd} onChange={(event) => setQuietEnd(event.target.value)} />
          <Button variant="secondary" onClick={() => save.mutate({ quietHours: { start: quietStart, end: quietEnd } })}>
            Save quiet hours
          </Button>
        </div>
      </Card>

      <Card>
        <CardHeader title="Digests" description="A summary of your tasks and messages, sent only when there is something in it." />
        <div className="flex flex-wrap items-end gap-3 px-4 pb-4">
          <Checkbox label="Daily digest" checked={schedule.dailyDigest} onChange={(event) => save.mutate({ dailyDigest: event.target.checked })} />
          <Input label="At" type="time" value={schedule.digestTime} onChange={(event) => event.target.value && save.mutate({ digestTime: event.target.value })} />
          <Checkbox label="Weekly digest" checked={schedule.weeklyDigest} onChange={(event) => save.mutate({ weeklyDigest: event.target.checked })} />
          <Select label="On" value={String(schedule.weeklyDay)} onChange={(event) => save.mutate({ weeklyDay: Number(event.target.value) })}>
            {DAYS.map((day, index) => (
              <option key={day} value={index}>
                {day}
              </option>
            ))}
          </Select>
        </div>
      </Card>
    </div>
  );
}
