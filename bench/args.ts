/** Minimal `--name value` / `--name=value` parsing for the bench scripts; `--help` prints the usage. */
export function parseArgs(argv: string[], known: string[], usage: string): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(usage);
      process.exit(0);
    }
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    if (!match || !known.includes(match[1])) fail(`Unknown argument \`${arg}\`.`, usage);
    const value = match[2] ?? argv[++i];
    if (value === undefined) fail(`\`--${match[1]}\` needs a value.`, usage);
    out.set(match[1], value);
  }
  return out;
}

/** An integer option within [min, max], or its default. */
export function intArg(args: Map<string, string>, name: string, fallback: number, min: number, max: number, usage: string): number {
  const text = args.get(name);
  if (text === undefined) return fallback;
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < min || value > max) fail(`\`--${name}\` must be a whole number from ${min} to ${max}.`, usage);
  return value;
}

function fail(message: string, usage: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(1);
}
