"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/display";
import { Input } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/time";
import { useToast } from "@/components/ui/toast";
import { ApiError, apiFetch } from "@/lib/http/api-client";
import { queryKeys } from "@/lib/query-keys";

type Retention = { days: number | null; devices: Array<{ deviceId: string; days: number }>; lastRun: { at: string; removed: number } | null };

/**
 * "Delete messages older than N days" (GET|PUT /api/v1/settings/retention),
 * for all messages and per device, with what the job's last run removed.
 */
export function RetentionSettings({ initial, devices }: { initial: Retention; devices: Array<{ id: string; name: string }> }) {
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const query = useQuery({
    queryKey: queryKeys.settings.retention(),
    queryFn: ({ signal }) => apiFetch<Retention>("/api/v1/settings/retention", { signal }),
    initialData: initial,
  });
  const [days, setDays] = useState(initial.days === null ? "" : String(initial.days));
  const [perDevice, setPerDevice] = useState<Record<string, string>>(() => Object.fromEntries(initial.devices.map((rule) => [rule.deviceId, String(rule.days)])));
  const save = useMutation({
    mutationFn: () =>
      apiFetch<Retention>("/api/v1/settings/retention", {
        method: "PUT",
        body: {
          days: days.trim() ? Number(days) : null,
          devices: devices.map((device) => ({ deviceId: device.id, days: perDevice[device.id]?.trim() ? Number(perDevice[device.id]) : null })),
        },
      }),
    onSuccess: (result) => {
      queryClient.setQueryData(queryKeys.settings.retention(), result);
      toast({ tone: "success", title: "Retention saved" });
    },
  });
  const error = save.error instanceof ApiError ? save.error : null;
  return (
    <Card>
      <CardHeader title="Retention" description="A scheduled job deletes messages older than this. Leave empty to keep them forever." />
      <form
        className="space-y-4 p-4 sm:p-5"
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Input
          label="Delete messages older than (days)"
          type="number"
          min={1}
          max={36500}
          inputMode="numeric"
          value={days}
          onChange={(event) => setDays(event.target.value)}
          placeholder="Keep forever"
          hint={query.data.days === null ? "Currently: kept forever." : `Currently: ${query.data.days} day${query.data.days === 1 ? "" : "s"}.`}
          error={error?.fieldError("days")}
        />
        {devices.length > 0 ? (
          <fieldset className="space-y-3">
            <legend className="text-sm font-medium text-slate-800 dark:text-slate-200">Per device (overrides the rule above)</legend>
            {devices.map((device) => (
              <Input
                key={device.id}
                label={device.name}
                type="number"
                min={1}
                max={36500}
                inputMode="numeric"
                value={perDevice[device.id] ?? ""}
                placeholder="Same as above"
                onChange={(event) => setPerDevice((rules) => ({ ...rules, [device.id]: event.target.value }))}
              />
            ))}
          </fieldset>
        ) : null}
        {error && error.errors.length === 0 ? <p className="text-sm text-red-600 dark:text-red-400">{error.message}</p> : null}
        <Button type="submit" loading={save.isPending}>
          Save retention
        </Button>
        <LastRun retention={query.data} />
      </form>
    </Card>
  );
}

function LastRun({ retention }: { retention: Retention }) {
  const { lastRun } = retention;
  const hasRule = retention.days !== null || retention.devices.length > 0;
  if (!lastRun && !hasRule) return null;
  return (
    <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="retention-last-run">
      {lastRun ? (
        <>
          Last run <RelativeTime value={lastRun.at} />:{" "}
          {lastRun.removed === 0 ? "nothing was old enough to delete." : `deleted ${lastRun.removed.toLocaleString()} message${lastRun.removed === 1 ? "" : "s"}.`}
        </>
      ) : (
        "Not run yet: the job applies the rule on its next scheduled run."
      )}
    </p>
  );
}
