import { cliEnvironment } from "./config.mjs";

/**
 * Everything the CLI prints goes through here: colour only on a terminal
 * (and never with NO_COLOR or TERM=dumb), tables that fit the terminal's
 * width, and text from the server made safe to print. Message bodies are
 * data, so control characters and bidi overrides are removed before they
 * reach the terminal: an SMS must not be able to move the cursor, change
 * the title or hide text.
 */

const CODES = /** @type {const} */ ({
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
});

/** @typedef {Record<keyof typeof CODES, (text: string) => string>} Colors */

/** @param {boolean} enabled @returns {Colors} */
export function makeColors(enabled) {
  const entries = Object.entries(CODES).map(([name, [open, close]]) => [name, enabled ? (/** @type {string} */ text) => `\u001b[${open}m${text}\u001b[${close}m` : (/** @type {string} */ text) => text]);
  return /** @type {Colors} */ (Object.fromEntries(entries));
}

/**
 * Whether a stream should get colour: a terminal, no NO_COLOR, not TERM=dumb,
 * and not turned off with --no-color.
 * @param {{ isTTY?: boolean }} stream
 * @param {boolean} [flag] commander's --color/--no-color value
 */
export function colorEnabled(stream, flag = true) {
  const env = cliEnvironment();
  return flag && Boolean(stream.isTTY) && !env.noColor && !env.dumbTerminal;
}

// --- text ------------------------------------------------------------------

// C0 and C1 controls, DEL, and the bidi embedding/override/isolate marks.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const ANSI = /\u001b\[[0-9;]*m/g;

/** One line of server text for a table cell or a tail line. @param {unknown} value */
export function oneLine(value) {
  if (value === null || value === undefined) return "";
  return String(value).replace(BIDI, "").replace(/[\t\n\r]/g, " ").replace(CONTROLS, "").replace(/ {2,}/g, " ").trim();
}

/** Multi-line server text (a message body): newlines kept, other controls removed. @param {unknown} value */
export function block(value) {
  if (value === null || value === undefined) return "";
  return String(value).replace(BIDI, "").replace(/\r\n?/g, "\n").replace(/\t/g, "    ").replace(CONTROLS, "");
}

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** @param {number} cp */
function isWide(cp) {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Columns a grapheme cluster takes in a terminal. @param {string} cluster */
function clusterWidth(cluster) {
  const cp = cluster.codePointAt(0) ?? 0;
  if (cp === 0x200b || cp === 0x200d || /^\p{Mark}/u.test(cluster)) return 0;
  if (isWide(cp) || /\p{Emoji_Presentation}/u.test(cluster) || (cluster.includes("\ufe0f") && /\p{Extended_Pictographic}/u.test(cluster))) return 2;
  return 1;
}

/** Display width of text (escape sequences count as nothing). @param {string} text */
export function displayWidth(text) {
  let width = 0;
  for (const { segment } of segmenter.segment(text.replace(ANSI, ""))) width += clusterWidth(segment);
  return width;
}

/** Cuts text to at most `width` columns, ending in "…" when cut. @param {string} text @param {number} width */
export function truncate(text, width) {
  if (width <= 0) return "";
  if (displayWidth(text) <= width) return text;
  let out = "";
  let used = 0;
  for (const { segment } of segmenter.segment(text)) {
    const w = clusterWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return `${out}…`;
}

/** @param {string} text @param {number} width @param {"left" | "right"} [align] */
function pad(text, width, align = "left") {
  const fill = " ".repeat(Math.max(0, width - displayWidth(text)));
  return align === "right" ? fill + text : text + fill;
}

// --- tables ----------------------------------------------------------------

/**
 * @template T
 * @typedef {object} Column
 * @property {string} header
 * @property {(row: T) => unknown} value
 * @property {number} [min] narrowest it may shrink to (default: its header, at most 8)
 * @property {number} [max] widest it grows to
 * @property {boolean} [flex] shrinks first and is cut to fit (the message text, a title)
 * @property {number} [drop] when the table cannot fit, columns with a drop rank go, highest first
 * @property {boolean} [keep] never cut (ids: a cut id is useless), even if the table overflows
 * @property {(cell: string, row: T) => string} [style] colour, applied after padding
 * @property {"left" | "right"} [align]
 */

const GAP = 2;

/**
 * Lays rows out in columns that fit `width`: flexible columns shrink first,
 * then optional columns are dropped, then the rest shrink to their minimum.
 * Returns the lines without trailing spaces.
 * @template T
 * @param {Column<T>[]} columns
 * @param {T[]} rows
 * @param {{ width: number, colors: Colors }} options
 */
export function renderTable(columns, rows, options) {
  // An optional column with nothing in it (no unread counts, no tags) only takes room.
  let cols = columns.filter((col) => col.drop === undefined || rows.some((row) => oneLine(col.value(row)) !== ""));
  /** @type {number[]} */
  let widths = [];
  for (;;) {
    const cells = rows.map((row) => cols.map((col) => oneLine(col.value(row))));
    widths = cols.map((col, i) => Math.min(col.max ?? Infinity, Math.max(displayWidth(col.header), ...cells.map((line) => displayWidth(line[i] ?? "")))));
    const mins = cols.map((col, i) => (col.keep ? (widths[i] ?? 0) : Math.min(widths[i] ?? 0, col.min ?? Math.min(displayWidth(col.header), 8))));
    let excess = widths.reduce((sum, w) => sum + w, 0) + GAP * (cols.length - 1) - options.width;
    for (let i = 0; i < cols.length && excess > 0; i++) {
      if (!cols[i]?.flex) continue;
      const cut = Math.min(excess, (widths[i] ?? 0) - (mins[i] ?? 0));
      widths[i] = (widths[i] ?? 0) - cut;
      excess -= cut;
    }
    if (excess > 0) {
      const droppable = cols.filter((col) => col.drop !== undefined).sort((a, b) => (b.drop ?? 0) - (a.drop ?? 0))[0];
      if (droppable) {
        cols = cols.filter((col) => col !== droppable);
        continue;
      }
      // Shrink the widest columns first, down to their minimum.
      while (excess > 0) {
        let widest = -1;
        for (let i = 0; i < cols.length; i++) if ((widths[i] ?? 0) > (mins[i] ?? 0) && (widest < 0 || (widths[i] ?? 0) > (widths[widest] ?? 0))) widest = i;
        if (widest < 0) break;
        widths[widest] = (widths[widest] ?? 0) - 1;
        excess--;
      }
    }
    const header = cols.map((col, i) => pad(truncate(col.header, widths[i] ?? 0), i === cols.length - 1 ? 0 : (widths[i] ?? 0), col.align));
    const lines = [options.colors.bold(header.join(" ".repeat(GAP)).trimEnd())];
    rows.forEach((row, r) => {
      const parts = cols.map((col, i) => {
        const width = widths[i] ?? 0;
        const text = truncate(cells[r]?.[i] ?? "", width);
        const padded = i === cols.length - 1 && col.align !== "right" ? text : pad(text, width, col.align);
        return col.style ? col.style(padded, row) : padded;
      });
      lines.push(parts.join(" ".repeat(GAP)).trimEnd());
    });
    return lines;
  }
}

/**
 * "Label   value" lines, labels aligned; multi-line values are indented.
 * @param {Array<[string, unknown]>} pairs
 * @param {Colors} colors
 */
export function renderPairs(pairs, colors) {
  const shown = pairs.filter(([, value]) => value !== undefined && value !== null && value !== "");
  const width = Math.max(0, ...shown.map(([label]) => displayWidth(label)));
  return shown.map(([label, value]) => {
    const text = block(value).replace(/\n/g, `\n${" ".repeat(width + 2)}`);
    return `${colors.dim(pad(label, width))}  ${text}`;
  });
}

// --- times -----------------------------------------------------------------

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** @param {number} n */
const two = (n) => String(n).padStart(2, "0");

/**
 * A compact local time for tables: "15:46" today, "Jun 22 15:46" this year,
 * "2023-06-22" before that.
 * @param {string | null | undefined} iso
 * @param {Date} [now]
 */
export function shortTime(iso, now = new Date()) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const hm = `${two(date.getHours())}:${two(date.getMinutes())}`;
  if (date.toDateString() === now.toDateString()) return hm;
  if (date.getFullYear() === now.getFullYear()) return `${MONTHS[date.getMonth()]} ${two(date.getDate())} ${hm}`;
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
}

/** A full local time with its offset: "2024-06-22 15:46:11 +02:00". @param {string | null | undefined} iso */
export function longTime(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())} ${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/** "5m ago", "in 2h", "3d ago". @param {string | null | undefined} iso @param {Date} [now] */
export function relativeTime(iso, now = new Date()) {
  if (!iso) return "";
  const ms = new Date(iso).getTime() - now.getTime();
  if (Number.isNaN(ms)) return "";
  const abs = Math.abs(ms);
  const units = /** @type {const} */ ([
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
  ]);
  let text = "now";
  for (const [unit, size] of units) {
    if (abs >= size) {
      text = `${Math.floor(abs / size)}${unit}`;
      break;
    }
  }
  if (text === "now") return abs < 60_000 ? "just now" : text;
  return ms < 0 ? `${text} ago` : `in ${text}`;
}
