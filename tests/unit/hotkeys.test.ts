import { describe, expect, it } from "vitest";
import { formatHotkey, isTypingTarget, matchSequence, parseHotkey, stepMatches, type KeyEventLike } from "@/components/hotkeys/keys";

const press = (key: string, mods: Partial<KeyEventLike> = {}): KeyEventLike => ({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

describe("hotkeys", () => {
  it("parses sequences and modifiers", () => {
    expect(parseHotkey("g i")).toEqual([
      { key: "g", mod: false, shift: false, alt: false },
      { key: "i", mod: false, shift: false, alt: false },
    ]);
    expect(parseHotkey("mod+k")).toEqual([{ key: "k", mod: true, shift: false, alt: false }]);
    expect(parseHotkey("shift+j")).toEqual([{ key: "j", mod: false, shift: true, alt: false }]);
  });

  it("treats mod as Ctrl or ⌘, and refuses extra modifiers", () => {
    const [modK] = parseHotkey("mod+k");
    expect(stepMatches(modK!, press("k", { ctrlKey: true }))).toBe(true);
    expect(stepMatches(modK!, press("k", { metaKey: true }))).toBe(true);
    expect(stepMatches(modK!, press("k"))).toBe(false);
    const [j] = parseHotkey("j");
    expect(stepMatches(j!, press("j"))).toBe(true);
    expect(stepMatches(j!, press("J", { shiftKey: true }))).toBe(false);
    // Ctrl+J belongs to the browser, not to "j".
    expect(stepMatches(j!, press("j", { ctrlKey: true }))).toBe(false);
    // "?" is typed with Shift; the binding still matches.
    expect(stepMatches(parseHotkey("?")[0]!, press("?", { shiftKey: true }))).toBe(true);
    expect(stepMatches(parseHotkey("Enter")[0]!, press("Enter"))).toBe(true);
  });

  it("completes a g-then-letter sequence and reports a pending prefix", () => {
    const bindings = [{ name: "inbox", steps: parseHotkey("g i") }, { name: "tasks", steps: parseHotkey("g t") }, { name: "next", steps: parseHotkey("j") }];
    expect(matchSequence(bindings, [], press("g"))).toEqual({ matched: null, pending: true });
    expect(matchSequence(bindings, [press("g")], press("t")).matched?.name).toBe("tasks");
    expect(matchSequence(bindings, [press("g")], press("x"))).toEqual({ matched: null, pending: false });
    expect(matchSequence(bindings, [], press("j")).matched?.name).toBe("next");
    expect(matchSequence(bindings, [], press("i")).matched).toBeNull();
  });

  it("knows when a key press is typing", () => {
    const fake = (tag: string, extra: Record<string, unknown> = {}) => {
      const element = { tagName: tag, isContentEditable: false, ...extra } as Record<string, unknown>;
      element.closest = () => (["INPUT", "TEXTAREA", "SELECT"].includes(tag) ? element : null);
      return element as unknown as EventTarget;
    };
    expect(isTypingTarget(fake("INPUT", { type: "text" }))).toBe(true);
    expect(isTypingTarget(fake("INPUT", { type: "search" }))).toBe(true);
    expect(isTypingTarget(fake("INPUT", { type: "checkbox" }))).toBe(false);
    expect(isTypingTarget(fake("TEXTAREA"))).toBe(true);
    expect(isTypingTarget(fake("DIV", { isContentEditable: true }))).toBe(true);
    expect(isTypingTarget(fake("BUTTON"))).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });

  it("formats for the platform", () => {
    expect(formatHotkey("mod+k", true)).toEqual([["⌘", "K"]]);
    expect(formatHotkey("mod+k", false)).toEqual([["Ctrl", "K"]]);
    expect(formatHotkey("g i", false)).toEqual([["g"], ["i"]]);
    expect(formatHotkey("?", false)).toEqual([["?"]]);
  });
});
