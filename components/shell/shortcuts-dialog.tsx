"use client";

import { formatHotkey } from "@/components/hotkeys/keys";
import { useIsMac, useRegisteredHotkeys } from "@/components/hotkeys/use-hotkeys";
import { Dialog } from "@/components/ui/dialog";
import { Kbd } from "@/components/ui/display";

/** "?": every shortcut that works on the current page, grouped. */
export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const bindings = useRegisteredHotkeys();
  const mac = useIsMac();
  const groups = new Map<string, typeof bindings>();
  for (const binding of bindings) {
    const group = binding.group ?? "General";
    groups.set(group, [...(groups.get(group) ?? []), binding]);
  }
  return (
    <Dialog open={open} onClose={onClose} title="Keyboard shortcuts" description="Shortcuts work anywhere except while you type in a field." size="lg">
      <div className="grid gap-6 sm:grid-cols-2">
        {[...groups.entries()].map(([group, items]) => (
          <section key={group} aria-label={group}>
            <h3 className="mb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">{group}</h3>
            <dl className="space-y-1.5">
              {items.map((binding) => (
                <div key={binding.keys} className="flex items-center justify-between gap-4 text-sm">
                  <dt className="text-slate-700 dark:text-slate-300">{binding.description}</dt>
                  <dd className="flex shrink-0 items-center gap-1">
                    {formatHotkey(binding.keys, mac).map((step, index) => (
                      <span key={index} className="flex items-center gap-1">
                        {index > 0 ? <span className="text-xs text-slate-400">then</span> : null}
                        {step.map((key) => (
                          <Kbd key={key}>{key}</Kbd>
                        ))}
                      </span>
                    ))}
                  </dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
        <section aria-label="Dialogs">
          <h3 className="mb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">Dialogs</h3>
          <div className="flex items-center justify-between gap-4 text-sm">
            <span className="text-slate-700 dark:text-slate-300">Close</span>
            <Kbd>Esc</Kbd>
          </div>
        </section>
      </div>
    </Dialog>
  );
}
