/**
 * A spinner and a progress bar, drawn on stderr only when stderr is a
 * terminal, so stdout stays clean for pipes and --json. Each redraws at most
 * ten times a second and clears its line when it stops.
 */

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const INTERVAL_MS = 100;

/**
 * @typedef {object} Indicator
 * @property {(text: string) => void} update a new label (spinner) or status (bar)
 * @property {() => void} stop clears the line
 */

/** @param {NodeJS.WriteStream} stream */
function draws(stream) {
  return Boolean(stream.isTTY);
}

/**
 * A spinner with a label that appears only if the work takes longer than
 * `delayMs`, so quick requests do not flicker.
 * @param {string} label
 * @param {{ stream?: NodeJS.WriteStream, delayMs?: number }} [options]
 * @returns {Indicator}
 */
export function spinner(label, options = {}) {
  const stream = options.stream ?? process.stderr;
  if (!draws(stream)) return { update() {}, stop() {} };
  let text = label;
  let frame = 0;
  let shown = false;
  const draw = () => {
    shown = true;
    stream.write(`\r\u001b[2K${FRAMES[frame++ % FRAMES.length]} ${fit(text, stream)}`);
  };
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const start = setTimeout(() => {
    draw();
    timer = setInterval(draw, INTERVAL_MS);
  }, options.delayMs ?? 200);
  return {
    update(next) {
      text = next;
    },
    stop() {
      clearTimeout(start);
      clearInterval(timer);
      if (shown) stream.write("\r\u001b[2K");
    },
  };
}

/**
 * Runs `work` under a spinner.
 * @template T
 * @param {string} label
 * @param {() => Promise<T>} work
 * @returns {Promise<T>}
 */
export async function withSpinner(label, work) {
  const indicator = spinner(label);
  try {
    return await work();
  } finally {
    indicator.stop();
  }
}

/**
 * @typedef {object} Bar
 * @property {(done: number, status?: string) => void} set
 * @property {() => void} stop
 */

/**
 * A progress bar. With a total it fills ("[#####-----] 45% 450/1000");
 * without one (a streamed export, whose size is unknown until it ends) a
 * block sweeps across it and the status carries the counts.
 * @param {string} label
 * @param {{ total?: number, stream?: NodeJS.WriteStream }} [options]
 * @returns {Bar}
 */
export function progressBar(label, options = {}) {
  const stream = options.stream ?? process.stderr;
  if (!draws(stream)) return { set() {}, stop() {} };
  const total = options.total;
  let done = 0;
  let status = "";
  let tick = 0;
  let dirty = true;
  const width = 24;
  const draw = () => {
    if (!dirty && total !== undefined) return;
    dirty = false;
    let bar;
    if (total !== undefined && total > 0) {
      const filled = Math.min(width, Math.round((done / total) * width));
      bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.floor((done / total) * 100)).padStart(3)}% ${done}/${total}`;
    } else {
      const pos = tick++ % (2 * (width - 4));
      const at = pos < width - 4 ? pos : 2 * (width - 4) - pos;
      bar = `[${"-".repeat(at)}####${"-".repeat(width - 4 - at)}]`;
    }
    stream.write(`\r\u001b[2K${fit(`${label} ${bar}${status ? ` ${status}` : ""}`, stream)}`);
  };
  const timer = setInterval(draw, INTERVAL_MS);
  draw();
  return {
    set(value, text) {
      done = value;
      if (text !== undefined) status = text;
      dirty = true;
    },
    stop() {
      clearInterval(timer);
      stream.write("\r\u001b[2K");
    },
  };
}

/** @param {string} text @param {NodeJS.WriteStream} stream */
function fit(text, stream) {
  const columns = stream.columns || 80;
  return text.length > columns - 1 ? text.slice(0, columns - 1) : text;
}

/** "4.2 MB". @param {number} bytes */
export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
