"use client";

import { useEffect } from "react";

/**
 * Registers public/sw.js (offline page, static asset cache, web push) once the
 * page has loaded. Development builds skip it: a worker caching /_next/static
 * would fight hot reloading.
 */
export function ServiceWorkerRegistration() {
  useEffect(() => {
    if (process.env.NODE_ENV !== "production" || !("serviceWorker" in navigator)) return;
    const register = () => {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
        // No worker means no offline page and no push; the app itself works the same.
      });
    };
    if (document.readyState === "complete") register();
    else window.addEventListener("load", register, { once: true });
  }, []);
  return null;
}
