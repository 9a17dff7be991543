/**
 * Parsing and matching of keyboard shortcuts, kept free of React and the DOM
 * so it can be tested on its own.
 *
 * A hotkey is a space-separated sequence of steps: "g i" (press g, then i),
 * "mod+k" (Ctrl on Windows and Linux, ⌘ on a Mac), "?", "Enter", "shift+j".
 */
export type KeyStep = { key: string; mod: boolean; shift: boolean; alt: boolean };

export type KeyEventLike = { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean };

export function parseHotkey(combo: string): KeyStep[] {
  return combo
    .trim()
    .split(/\s+/)
    .map((step) => {
      const parts = step.split("+");
      // "+" itself is written as "shift+=" or "plus"; a trailing empty part means the key was "+".
      const key = parts.length > 1 && parts[parts.length - 1] === "" ? "+" : parts[parts.length - 1]!;
      const modifiers = new Set(parts.slice(0, -1).map((m) => m.toLowerCase()));
      return { key: key === "plus" ? "+" : key, mod: modifiers.has("mod"), shift: modifiers.has("shift"), alt: modifiers.has("alt") };
    });
}

function normaliseKey(key: string): string {
  return key.toLowerCase();
}

export function stepMatches(step: KeyStep, event: KeyEventLike): boolean {
  if (normaliseKey(step.key) !== normaliseKey(event.key)) return false;
  const mod = event.ctrlKey || event.metaKey;
  if (step.mod !== mod) return false;
  if (step.alt !== event.altKey) return false;
  // Shift matters for letters ("j" is not "J"); for symbols it is how they are typed ("?" is shift+/).
  if (/^[a-z]$/i.test(step.key) && step.shift !== event.shiftKey) return false;
  return true;
}

/** True when the key press belongs to a text field, so single-key shortcuts must not fire. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== "function") return false;
  const element = target as HTMLElement;
  if (element.isContentEditable) return true;
  const field = element.closest("input, textarea, select, [contenteditable=''], [contenteditable='true'], [role='textbox']");
  if (!field) return false;
  if (field.tagName === "INPUT") {
    const type = (field as HTMLInputElement).type;
    return !["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"].includes(type);
  }
  return true;
}

export type SequenceResult<T> = { matched: T | null; pending: boolean };

/**
 * Given the steps typed so far and a new key press, finds the binding the
 * sequence completes, or reports that it is the prefix of a longer one.
 */
export function matchSequence<T extends { steps: KeyStep[] }>(bindings: T[], previous: KeyEventLike[], event: KeyEventLike): SequenceResult<T> {
  const typed = [...previous, event];
  let pending = false;
  for (const binding of bindings) {
    if (binding.steps.length < typed.length) continue;
    const prefixMatches = typed.every((press, index) => stepMatches(binding.steps[index]!, press));
    if (!prefixMatches) continue;
    if (binding.steps.length === typed.length) return { matched: binding, pending: false };
    pending = true;
  }
  return { matched: null, pending };
}

/** How to show a hotkey, one array per step: "mod+k" is [["⌘", "K"]] on a Mac and [["Ctrl", "K"]] elsewhere; "g i" is [["g"], ["i"]]. */
export function formatHotkey(combo: string, mac: boolean): string[][] {
  return parseHotkey(combo).map((step) => {
    const keys: string[] = [];
    if (step.mod) keys.push(mac ? "⌘" : "Ctrl");
    if (step.alt) keys.push(mac ? "⌥" : "Alt");
    if (step.shift) keys.push(mac ? "⇧" : "Shift");
    const plainLetter = /^[a-z]$/i.test(step.key) && !step.mod && !step.alt;
    keys.push(step.key === "Escape" ? "Esc" : step.key.length === 1 && !plainLetter ? step.key.toUpperCase() : step.key);
    return keys;
  });
}
