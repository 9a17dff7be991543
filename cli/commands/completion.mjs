import { Argument } from "commander";
import { action, examples } from "../options.mjs";

/**
 * `completion bash|zsh|fish`: a completion script generated from the
 * command tree itself, so it always knows every command, flag and choice
 * this version has.
 */

/**
 * @typedef {object} Flag
 * @property {string[]} names "--limit", "-n"
 * @property {string} description
 * @property {boolean} takesValue
 * @property {string[]} choices
 */

/** @typedef {{ path: string, description: string, commands: Array<{ name: string, description: string }>, flags: Flag[] }} Node */

/**
 * Every command path with its subcommands and flags (global flags included).
 * @param {import("commander").Command} program
 * @returns {Node[]}
 */
export function commandTree(program) {
  /** @param {import("commander").Command} command */
  const flagsOf = (command) =>
    command.options.map((option) => ({
      names: [option.long, option.short].filter((name) => typeof name === "string"),
      description: option.description,
      takesValue: option.required || option.optional,
      choices: option.argChoices ?? [],
    }));
  const globals = [...flagsOf(program), { names: ["--help", "-h"], description: "show help for a command", takesValue: false, choices: [] }];
  /** @type {Node[]} */
  const nodes = [];
  /** @param {import("commander").Command} command @param {string} path */
  const visit = (command, path) => {
    const commands = command.commands.map((sub) => ({ name: sub.name(), description: sub.description() }));
    if (path === "") commands.push({ name: "help", description: "show help for a command" });
    // `tasks --priority high` runs the default subcommand (tasks list): offer its flags on `tasks` too.
    const defaultName = /** @type {{ _defaultCommandName?: string | null }} */ (/** @type {unknown} */ (command))._defaultCommandName;
    const fallback = command.commands.find((sub) => sub.name() === defaultName);
    const own = [...flagsOf(command), ...(fallback ? flagsOf(fallback) : [])];
    nodes.push({ path, description: command.description(), commands, flags: path === "" ? globals : [...own, ...globals] });
    for (const sub of command.commands) {
      const subPath = path ? `${path} ${sub.name()}` : sub.name();
      visit(sub, subPath);
      for (const alias of sub.aliases()) nodes.push({ ...(nodes.find((node) => node.path === subPath) ?? /** @type {Node} */ ({})), path: path ? `${path} ${alias}` : alias });
    }
  };
  visit(program, "");
  return nodes;
}

/** @param {string} text */
const sq = (text) => `'${text.replaceAll("'", "'\\''")}'`;

/**
 * "path|flag" keys for the flags that take a value, with their choices (an
 * empty list: a free value, so no command or flag is offered after it).
 * Keyed by command path because flags differ between commands (--status of
 * rooms and of tasks).
 * @param {Node[]} nodes
 * @returns {Map<string, string[]>}
 */
function valueFlags(nodes) {
  const out = new Map();
  for (const node of nodes) for (const flag of node.flags) if (flag.takesValue) for (const name of flag.names) out.set(`${node.path}|${name}`, flag.choices);
  return out;
}

/** @param {Node[]} nodes */
export function bashScript(nodes) {
  const paths = nodes.filter((node) => node.path).map((node) => node.path);
  const values = [...valueFlags(nodes)];
  const free = values.filter(([, choices]) => choices.length === 0).map(([key]) => sq(key));
  return `# message-hub completion for bash. Load it with:
#   source <(message-hub completion bash)
# or save it as ~/.local/share/bash-completion/completions/message-hub
_message_hub() {
  local cur prev cmdpath="" next w i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    next="\${cmdpath:+$cmdpath }$w"
    case "$next" in
      ${paths.map(sq).join("|")}) cmdpath="$next" ;;
    esac
  done
  case "$cmdpath|$prev" in
${values
  .filter(([, choices]) => choices.length > 0)
  .map(([key, choices]) => `    ${sq(key)}) COMPREPLY=($(compgen -W ${sq(choices.join(" "))} -- "$cur")); return ;;`)
  .join("\n")}
    ${free.join("|")}) COMPREPLY=(); return ;;
  esac
  local words
  case "$cmdpath" in
${nodes.map((node) => `    ${sq(node.path)}) words=${sq([...node.commands.map((c) => c.name), ...node.flags.flatMap((f) => f.names.filter((n) => n.startsWith("--")))].join(" "))} ;;`).join("\n")}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _message_hub message-hub
`;
}

/** @param {string} text */
const zq = (text) => text.replaceAll("\\", "\\\\").replaceAll(":", "\\:").replaceAll("'", "'\\''");

/** @param {Node[]} nodes */
export function zshScript(nodes) {
  const paths = nodes.filter((node) => node.path).map((node) => node.path);
  const values = [...valueFlags(nodes)];
  const free = values.filter(([, choices]) => choices.length === 0).map(([key]) => `"${key}"`);
  return `#compdef message-hub
# message-hub completion for zsh. Load it with:
#   source <(message-hub completion zsh)
# or save it as _message-hub in a directory on your $fpath.
_message_hub() {
  local cmdpath="" next w
  for w in \${words[2,CURRENT-1]}; do
    next="\${cmdpath:+$cmdpath }$w"
    case "$next" in
      (${paths.map((path) => `"${path}"`).join("|")}) cmdpath="$next" ;;
    esac
  done
  case "$cmdpath|\${words[CURRENT-1]}" in
${values
  .filter(([, choices]) => choices.length > 0)
  .map(([key, choices]) => `    ("${key}") compadd -- ${choices.join(" ")}; return ;;`)
  .join("\n")}
    (${free.join("|")}) _files; return ;;
  esac
  local -a items
  case "$cmdpath" in
${nodes
  .map(
    (node) =>
      `    ("${node.path}") items=(${[...node.commands.map((c) => `'${zq(c.name)}:${zq(c.description)}'`), ...node.flags.flatMap((f) => f.names.filter((n) => n.startsWith("--")).map((n) => `'${zq(n)}:${zq(f.description)}'`))].join(" ")}) ;;`,
  )
  .join("\n")}
  esac
  _describe 'message-hub' items
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _message_hub "$@"
else
  compdef _message_hub message-hub
fi
`;
}

/** @param {string} text */
const fq = (text) => `'${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;

/** @param {Node[]} nodes */
export function fishScript(nodes) {
  const paths = nodes.filter((node) => node.path).map((node) => node.path);
  const lines = [
    "# message-hub completion for fish. Load it with:",
    "#   message-hub completion fish | source",
    "# or save it as ~/.config/fish/completions/message-hub.fish",
    `set -g __message_hub_paths ${paths.map(fq).join(" ")}`,
    "function __message_hub_path",
    '  set -l cmdpath ""',
    "  for w in (commandline -opc)[2..-1]",
    '    set -l next (string trim -- "$cmdpath $w")',
    "    if contains -- $next $__message_hub_paths",
    "      set cmdpath $next",
    "    end",
    "  end",
    '  echo "$cmdpath"',
    "end",
    "function __message_hub_is",
    '  test "(__message_hub_path)" = "$argv[1]"',
    "end",
    "complete -c message-hub -f",
  ];
  for (const node of nodes) {
    const when = `-n ${fq(`__message_hub_is ${fq(node.path)}`)}`;
    for (const sub of node.commands) lines.push(`complete -c message-hub ${when} -a ${fq(sub.name)} -d ${fq(sub.description)}`);
    for (const flag of node.flags) {
      const long = flag.names.find((name) => name.startsWith("--"));
      const short = flag.names.find((name) => /^-[^-]$/.test(name));
      if (!long) continue;
      const parts = [`complete -c message-hub ${when} -l ${long.slice(2)}`];
      if (short) parts.push(`-s ${short.slice(1)}`);
      if (flag.choices.length > 0) parts.push(`-x -a ${fq(flag.choices.join(" "))}`);
      else if (flag.takesValue) parts.push("-r");
      parts.push(`-d ${fq(flag.description)}`);
      lines.push(parts.join(" "));
    }
  }
  return `${lines.join("\n")}\n`;
}

/** @param {import("commander").Command} program */
export function registerCompletion(program) {
  program
    .command("completion")
    .description("print a shell completion script")
    .addArgument(new Argument("<shell>", "bash, zsh or fish").choices(["bash", "zsh", "fish"]))
    .addHelpText(
      "after",
      examples(
        "source <(message-hub completion bash)            # in ~/.bashrc",
        "source <(message-hub completion zsh)             # in ~/.zshrc, after compinit",
        "message-hub completion fish > ~/.config/fish/completions/message-hub.fish",
      ),
    )
    .action(
      action(async (ctx, _opts, shell) => {
        const nodes = commandTree(program);
        if (ctx.json) return ctx.printJson({ shell, commands: nodes });
        const script = shell === "bash" ? bashScript(nodes) : shell === "zsh" ? zshScript(nodes) : fishScript(nodes);
        process.stdout.write(script);
      }),
    );
}
