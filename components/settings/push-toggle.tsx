"use client";

import { useEffect, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/http/api-client";
import { queryKeys } from "@/lib/query-keys";
import { Button } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { Card, CardHeader } from "@/components/ui/display";
import { BellIcon, MonitorIcon, TrashIcon } from "@/components/ui/icons";
import { Spinner } from "@/components/ui/spinner";
import { RelativeTime } from "@/components/ui/time";
import { useToast } from "@/components/ui/toast";
import type { PushSubscriptionView as SubscriptionView } from "@/lib/notifications/schemas";

type BrowserState = "checking" | "unsupported" | "no-worker" | "denied" | "off" | "on";

function urlBase64ToUint8Array(value: string): Uint8Array<ArrayBuffer> {
  const padded = (value + "=".repeat((4 - (value.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(padded);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

async function workerRegistration(): Promise<ServiceWorkerRegistration | null> {
  if (!("serviceWorker" in navigator)) return null;
  const registration = await navigator.serviceWorker.getRegistration();
  if (!registration) return null;
  return navigator.serviceWorker.ready;
}

/** What this browser can do about push right now, and its current subscription. */
async function detectBrowserState(): Promise<{ state: BrowserState; endpoint: string | null }> {
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return { state: "unsupported", endpoint: null };
  const registration = await workerRegistration();
  if (!registration) return { state: "no-worker", endpoint: null };
  if (Notification.permission === "denied") return { state: "denied", endpoint: null };
  const subscription = await registration.pushManager.getSubscription();
  return { state: subscription ? "on" : "off", endpoint: subscription?.endpoint ?? null };
}

function describeBrowser(userAgent: string | null): string {
  if (!userAgent) return "Unknown browser";
  const browser = /Edg\//.test(userAgent) ? "Edge" : /Firefox\//.test(userAgent) ? "Firefox" : /Chrome\/|Chromium\//.test(userAgent) ? "Chrome" : /Safari\//.test(userAgent) ? "Safari" : "Browser";
  const os = /Android/.test(userAgent) ? "Android" : /iPhone|iPad/.test(userAgent) ? "iOS" : /Mac OS X/.test(userAgent) ? "macOS" : /Windows/.test(userAgent) ? "Windows" : /Linux/.test(userAgent) ? "Linux" : "";
  return os ? `${browser} on ${os}` : browser;
}

/**
 * Push notifications for this browser: a switch that asks permission,
 * subscribes through the service worker with the hub's VAPID key and stores
 * the subscription (or removes both), plus the other browsers that receive
 * your pushes, each removable.
 */
export function PushSettings({ initialSubscriptions }: { initialSubscriptions: SubscriptionView[] }) {
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const [state, setState] = useState<BrowserState>("checking");
  const [endpoint, setEndpoint] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const subscriptions = useQuery({
    queryKey: queryKeys.push.subscriptions(),
    queryFn: async () => (await apiFetch<{ data: SubscriptionView[] }>("/api/v1/push/subscriptions")).data,
    initialData: initialSubscriptions,
  });

  useEffect(() => {
    let cancelled = false;
    const detect = () =>
      detectBrowserState().then((detected) => {
        if (cancelled) return;
        setState(detected.state);
        setEndpoint(detected.endpoint);
      });
    void detect();
    // On a first visit the page can mount before the service worker is
    // registered; look again once one is active instead of asking for a reload.
    if ("serviceWorker" in navigator) void navigator.serviceWorker.ready.then(() => detect());
    return () => {
      cancelled = true;
    };
  }, []);

  const invalidate = () => queryClient.invalidateQueries({ queryKey: queryKeys.push.subscriptions() });

  const enable = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        setState(permission === "denied" ? "denied" : "off");
        return;
      }
      const registration = await workerRegistration();
      if (!registration) return setState("no-worker");
      const { publicKey } = await apiFetch<{ publicKey: string }>("/api/v1/push/vapid-public-key");
      const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: urlBase64ToUint8Array(publicKey) });
      await apiFetch("/api/v1/push/subscriptions", { body: subscription.toJSON() });
      setEndpoint(subscription.endpoint);
      setState("on");
      toast({ title: "Push notifications are on", description: "This browser will be notified even when the hub is closed.", tone: "success" });
    } catch (error) {
      setProblem(`This browser could not subscribe: ${(error as Error).message || "its push service refused"}.`);
    } finally {
      setBusy(false);
      void invalidate();
    }
  };

  const disable = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const registration = await workerRegistration();
      const subscription = await registration?.pushManager.getSubscription();
      if (subscription) {
        await apiFetch("/api/v1/push/subscriptions", { method: "DELETE", body: { endpoint: subscription.endpoint } }).catch(() => {});
        await subscription.unsubscribe();
      }
      setEndpoint(null);
      setState("off");
    } catch (error) {
      setProblem((error as Error).message);
    } finally {
      setBusy(false);
      void invalidate();
    }
  };

  const remove = useMutation({
    mutationFn: (target: string) => apiFetch("/api/v1/push/subscriptions", { method: "DELETE", body: { endpoint: target } }),
    onSuccess: () => {
      toast({ title: "Browser removed", tone: "success" });
      void invalidate();
    },
    onError: (error) => toast({ title: "Could not remove it", description: error.message, tone: "error" }),
  });

  const test = useMutation({
    mutationFn: () => apiFetch<{ sent: number; removed: number; failed: number }>("/api/v1/push/test", { method: "POST" }),
    onSuccess: (result) =>
      toast(
        result.sent > 0
          ? { title: "Test notification sent", description: `Sent to ${result.sent} browser${result.sent === 1 ? "" : "s"}.`, tone: "success" }
          : { title: "Nothing was sent", description: result.failed ? "The push service did not accept it; try again later." : "No browser is subscribed.", tone: "error" },
      ),
    onError: (error) => toast({ title: "Could not send a test", description: error.message, tone: "error" }),
  });

  const on = state === "on";
  const others = (subscriptions.data ?? []).filter((s) => s.endpoint !== endpoint);
  return (
    <Card>
      <CardHeader title="Push notifications" description="Get notified on this device when something needs you, even with the hub closed." />
      <div className="space-y-5 p-4 sm:p-5">
        <div className="flex items-start gap-4">
          <div className="min-w-0 flex-1">
            <p id="push-switch-label" className="text-sm font-medium text-slate-900 dark:text-slate-100">
              Notify this browser
            </p>
            <p id="push-switch-help" className="mt-0.5 text-sm text-slate-600 dark:text-slate-400">
              {state === "checking" && "Checking what this browser supports…"}
              {state === "unsupported" && "This browser does not support web push. On an iPhone, add the hub to your home screen first, then open it from there."}
              {state === "no-worker" && "The app’s service worker is not running in this tab yet. This switch turns on once it starts; if it does not, reload the page."}
              {state === "denied" && "Notifications are blocked for this site. Allow them in the browser’s site settings, then come back."}
              {state === "off" && "Off. Turning it on asks the browser for permission."}
              {state === "on" && "On. This browser receives your notifications."}
            </p>
          </div>
          <button
            type="button"
            role="switch"
            aria-checked={on}
            aria-labelledby="push-switch-label"
            aria-describedby="push-switch-help"
            disabled={busy || !(state === "on" || state === "off")}
            onClick={() => void (on ? disable() : enable())}
            className={cx(
              "relative mt-0.5 inline-flex h-7 w-12 shrink-0 items-center rounded-full transition-colors disabled:cursor-not-allowed disabled:opacity-50",
              on ? "bg-brand-600 dark:bg-brand-500" : "bg-slate-300 dark:bg-slate-700",
            )}
          >
            <span className={cx("inline-flex size-6 items-center justify-center rounded-full bg-white shadow transition-transform", on ? "translate-x-[22px]" : "translate-x-0.5")}>
              {busy ? <Spinner decorative className="size-3.5 text-slate-500" /> : null}
            </span>
          </button>
        </div>
        {problem ? (
          <p role="alert" className="rounded-lg bg-red-50 p-3 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
            {problem}
          </p>
        ) : null}
        {on ? (
          <Button variant="secondary" icon={<BellIcon className="size-4" />} loading={test.isPending} onClick={() => test.mutate()}>
            Send a test notification
          </Button>
        ) : null}

        {others.length > 0 ? (
          <div>
            <h3 className="text-sm font-medium text-slate-900 dark:text-slate-100">Other browsers</h3>
            <ul className="mt-2 divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800" aria-label="Other browsers receiving notifications">
              {others.map((subscription) => (
                <li key={subscription.id} className="flex items-center gap-3 px-3 py-2.5">
                  <MonitorIcon className="size-5 shrink-0 text-slate-500" />
                  <div className="min-w-0 flex-1 text-sm">
                    <p className="font-medium text-slate-800 dark:text-slate-200">{describeBrowser(subscription.userAgent)}</p>
                    <p className="text-xs text-slate-500">
                      Subscribed <RelativeTime value={subscription.createdAt} /> · {new URL(subscription.endpoint).host}
                    </p>
                  </div>
                  <Button variant="ghost" size="sm" icon={<TrashIcon className="size-4" />} aria-label={`Stop notifying ${describeBrowser(subscription.userAgent)}`} onClick={() => remove.mutate(subscription.endpoint)}>
                    <span className="hidden sm:inline">Remove</span>
                  </Button>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </Card>
  );
}
