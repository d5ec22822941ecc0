/*
 * A compile database (clang's compile_commands.json, as CMake, Bear or the
 * kernel's scripts/clang-tools/gen_compile_commands.py write it): a JSON
 * array of { directory, file, arguments | command, output? }, read into
 * commands with absolute paths and an argument vector. The one reader for
 * every command that takes --compile-commands (size, import); each turns the
 * problems into diagnostics with its own codes (size RC641, import RC801 and
 * RC802). Pure: text in, data out.
 *
 * The format: https://clang.llvm.org/docs/JSONCompilationDatabase.html —
 * `directory` is the working directory of the compile, `file` the main
 * source (relative to `directory` or absolute), `arguments` the argv, or
 * `command` one shell-quoted string.
 */
import * as path from "node:path";

/** One compile as the database records it. */
export interface CompileCommand {
  /** Absolute working directory of the compile (normalised). */
  readonly directory: string;
  /** Absolute path of the main source file. */
  readonly file: string;
  /** argv, the compiler first, exactly as recorded. */
  readonly argv: readonly string[];
  /** Index in the database (0-based), for messages. */
  readonly index: number;
}

/** What is wrong: with `entry`, that entry (0-based); without, the whole file. */
export interface CompileDbProblem {
  readonly entry?: number;
  readonly why: string;
}

export type CompileDbResult =
  | { readonly ok: true; readonly commands: readonly CompileCommand[] }
  | { readonly ok: false; readonly problems: readonly CompileDbProblem[] };

/** A command line split into words, or why sh would not run it as one command. */
export type SplitResult =
  | { readonly ok: true; readonly argv: string[] }
  | {
      readonly ok: false;
      /** "operator": not one command (`;`, `&&`, `|`, `>`, a second line); "syntax": sh refuses it. */
      readonly kind: "operator" | "syntax";
      /** What is wrong, as a phrase: "an unclosed single quote", "a shell operator ('&&')". */
      readonly why: string;
    };

/** Characters that end a word and start an operator when unquoted (POSIX sh). */
const OPERATOR = /[|&;<>()]/;
const BLANK = /[ \t]/;

const C_ESCAPES: Readonly<Record<string, string>> = {
  a: "\x07",
  b: "\b",
  e: "\x1b",
  E: "\x1b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  "'": "'",
  '"': '"',
  "?": "?",
};

/**
 * The body of a `$'...'` string from `start` (after the opening quote), as
 * bash and POSIX.1-2024 read it: backslash escapes (\n, \t, \\, \', \NNN
 * octal, \xHH, \cX) decoded, an unknown escape kept as written. The text and
 * the index after the closing quote, or undefined when it is not closed.
 */
function dollarSingleQuoted(
  command: string,
  start: number,
): { text: string; end: number } | undefined {
  let text = "";
  let i = start;
  while (i < command.length) {
    const c = command[i];
    if (c === "'") return { text, end: i + 1 };
    if (c !== "\\" || i + 1 >= command.length) {
      text += c;
      i++;
      continue;
    }
    const rest = command.slice(i + 1);
    const octal = /^[0-7]{1,3}/.exec(rest);
    const hex = /^x([0-9a-fA-F]{1,2})/.exec(rest);
    if (octal) {
      text += String.fromCharCode(parseInt(octal[0], 8) & 0xff);
      i += 1 + octal[0].length;
    } else if (hex) {
      text += String.fromCharCode(parseInt(hex[1], 16));
      i += 1 + hex[0].length;
    } else if (rest[0] === "c" && rest.length > 1) {
      text += String.fromCharCode(rest[1].charCodeAt(0) & 0x1f);
      i += 3;
    } else if (C_ESCAPES[rest[0]] !== undefined) {
      text += C_ESCAPES[rest[0]];
      i += 2;
    } else {
      text += c + rest[0];
      i += 2;
    }
  }
  return undefined;
}

/**
 * Splits a recorded command line the way a POSIX shell reads it (quotes,
 * backslashes, comments; `$'...'` as bash and POSIX.1-2024 read it), without
 * expanding anything: `$X` and `${X}` stay as written and a glob stays
 * literal, as clang tooling reads these commands. A `#` starts a comment only
 * where a word would start; inside a word (`-DX=a#b`, `'a'#b`) it is a
 * character.
 *
 * Our own splitter, because neither npm library reads sh's words and reports
 * what is not one command: `shlex` (3.0.0, Python's lexer) has no comments
 * (`cc x.c # note` gives the words "#" and "note") and returns operators
 * (`&&`, `|`, `>log`) as plain words; `shell-quote` (1.12.0) starts a comment
 * at a `#` inside a word (`-DX=a#b` loses "#b" and every word after it),
 * expands `$HOME` to nothing and accepts an unclosed quote.
 * What sh would refuse (an unclosed quote, an unclosed or empty `${`) is a
 * syntax problem, and what is more than one command (an operator such as
 * `;`, `&&`, `|` or `>`, a second line, a command substitution) an operator
 * problem; the caller reports either, never a different argv.
 */
export function splitCommand(command: string): SplitResult {
  const words: string[] = [];
  let word = "";
  /** Whether a word is under way (a quoted empty string is a word). */
  let inWord = false;
  /** After an unquoted line break: another word would be a second command. */
  let ended = false;
  const syntax = (why: string) => ({ ok: false as const, kind: "syntax" as const, why });
  const operator = (why: string) => ({ ok: false as const, kind: "operator" as const, why });
  const finish = () => {
    if (inWord) words.push(word);
    word = "";
    inWord = false;
  };
  /** `${...}` from index i (at the "$"), kept as written: the index after it, or a problem. */
  const braced = (i: number): number | ReturnType<typeof syntax> => {
    const close = command.indexOf("}", i + 2);
    if (close < 0) return syntax("an unclosed ${");
    if (close === i + 2) return syntax("an empty ${}");
    word += command.slice(i, close + 1);
    return close + 1;
  };
  let i = 0;
  while (i < command.length) {
    const c = command[i];
    if (c === "\\" && command[i + 1] === "\n") {
      // A line continuation: removed before anything else is read.
      i += 2;
      continue;
    }
    if (c === "\n") {
      finish();
      ended = true;
      i++;
      continue;
    }
    if (BLANK.test(c)) {
      finish();
      i++;
      continue;
    }
    if (c === "#" && !inWord) {
      // A comment runs to the end of the line.
      const eol = command.indexOf("\n", i);
      i = eol < 0 ? command.length : eol;
      continue;
    }
    if (OPERATOR.test(c)) {
      const op = /^(\|\||&&|;;|>>|<<|[|&;<>()])/.exec(command.slice(i))![0];
      return operator(`a shell operator ('${op}')`);
    }
    if (ended) return operator("a second command (a line break)");
    inWord = true;
    if (c === "\\") {
      // A backslash quotes the next character; at the very end it is itself (as `sh -c` reads it).
      word += i + 1 < command.length ? command[i + 1] : c;
      i += 2;
    } else if (c === "$" && command[i + 1] === "'") {
      const read = dollarSingleQuoted(command, i + 2);
      if (read === undefined) return syntax("an unclosed single quote");
      word += read.text;
      i = read.end;
    } else if (c === "'") {
      const close = command.indexOf("'", i + 1);
      if (close < 0) return syntax("an unclosed single quote");
      word += command.slice(i + 1, close);
      i = close + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= command.length) return syntax("an unclosed double quote");
        const d = command[i];
        if (d === '"') break;
        if (d === "\\" && i + 1 < command.length && '$`"\\\n'.includes(command[i + 1])) {
          if (command[i + 1] !== "\n") word += command[i + 1];
          i += 2;
        } else if (d === "`" || (d === "$" && command[i + 1] === "(")) {
          return operator("a command substitution");
        } else if (d === "$" && command[i + 1] === "{") {
          const next = braced(i);
          if (typeof next !== "number") return next;
          i = next;
        } else {
          word += d;
          i++;
        }
      }
      i++;
    } else if (c === "`" || (c === "$" && command[i + 1] === "(")) {
      return operator("a command substitution");
    } else if (c === "$" && command[i + 1] === "{") {
      const next = braced(i);
      if (typeof next !== "number") return next;
      i = next;
    } else {
      word += c;
      i++;
    }
  }
  finish();
  return { ok: true, argv: words };
}

const isString = (v: unknown): v is string => typeof v === "string";

/**
 * Reads the database text; every malformed entry is reported, not just the
 * first. A leading byte order mark is dropped, as every input reader does
 * (util/utf8.ts).
 */
export function readCompileDb(text: string): CompileDbResult {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\ufeff/, ""));
  } catch (err) {
    return { ok: false, problems: [{ why: `not valid JSON: ${(err as Error).message}` }] };
  }
  if (!Array.isArray(data))
    return { ok: false, problems: [{ why: "must be a JSON array of compile commands" }] };
  const problems: CompileDbProblem[] = [];
  const commands: CompileCommand[] = [];
  data.forEach((raw: unknown, index) => {
    const bad = (why: string) => problems.push({ entry: index, why });
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
      return bad("must be an object with directory, file and arguments or command");
    const e = raw as Record<string, unknown>;
    if (!isString(e.directory) || !path.isAbsolute(e.directory))
      return bad("'directory' must be an absolute path");
    if (!isString(e.file) || e.file === "") return bad("'file' must be a path");
    let argv: string[];
    if (Array.isArray(e.arguments) && e.arguments.length > 0 && e.arguments.every(isString))
      argv = e.arguments;
    else if (isString(e.command)) {
      const split = splitCommand(e.command);
      if (!split.ok && split.kind === "syntax")
        return bad(`'command' cannot be read as sh reads it: ${split.why}`);
      if (!split.ok || split.argv.length === 0)
        return bad("'command' is not a single compiler command (shell operators?)");
      argv = split.argv;
    } else return bad("needs 'arguments' (a list of strings) or 'command' (a string)");
    commands.push({
      directory: path.normalize(e.directory),
      file: path.resolve(e.directory, e.file),
      argv,
      index,
    });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, commands };
}
