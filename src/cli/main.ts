// The Autometa command line: `npm run cli -- [key options] [--json] <command> [arguments]`.
import { parseArgs, type ParseArgsConfig } from 'node:util';

import { loadEnvFiles } from '../env-files';
import { ApiClient } from './api-client';
import { DEFAULT_RPC_URL } from './chain-client';
import { COMMANDS } from './commands';
import { CliContext, type Command, type CommandResult, type OptionValues } from './context';
import { ApiRequestError, CliError, UsageError } from './errors';

/** Default API base URL: the local stack's API. */
export const DEFAULT_API_URL = 'http://127.0.0.1:8000';

/** Exit code of bad arguments: 2, which shells and most command lines use for misuse. */
export const EXIT_USAGE = 2;

/** Exit code of any other failure: the API, the chain or the key refused. */
export const EXIT_FAILURE = 1;

const GLOBAL_OPTIONS = ['key-file', 'account', 'json', 'help'];

const OPTIONS: ParseArgsConfig['options'] = {
  'key-file': { type: 'string' },
  account: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...Object.fromEntries(
    [...new Set(COMMANDS.flatMap((command) => command.options))].map((name) => [name, { type: 'string' as const }]),
  ),
};

/** Where the command line writes; the process streams unless a caller gives others. */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

/**
 * Runs one invocation with `argv` (the arguments after the script) and `env`, and resolves to its exit
 * code: 0, {@link EXIT_FAILURE} or {@link EXIT_USAGE}. Never throws.
 */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, output: CliOutput): Promise<number> {
  const json = argv.includes('--json');
  let command: Command | undefined;
  let context: CliContext | undefined;
  try {
    const { values, positionals } = parseArguments(argv);
    const [name, ...rest] = positionals;
    if (values.help || name === 'help') {
      const topic = COMMANDS.find((known) => known.name === (name === 'help' ? rest[0] : name));
      output.out(`${topic ? commandUsage(topic) : usage()}\n`);
      return 0;
    }
    if (!name) throw new UsageError('no command given');
    command = COMMANDS.find((known) => known.name === name);
    if (!command) throw new UsageError(`unknown command "${name}"`);
    for (const option of Object.keys(values)) {
      if (!GLOBAL_OPTIONS.includes(option) && !command.options.includes(option)) {
        throw new UsageError(`--${option} does not apply to ${command.name}`, command.name);
      }
    }

    context = new CliContext({
      api: new ApiClient(env.BACKEND_API_URL?.trim() || DEFAULT_API_URL),
      rpcUrl: env.RPC_URL?.trim() || DEFAULT_RPC_URL,
      keySource: {
        keyFile: values['key-file'] as string | undefined,
        envKey: env.AUTOMETA_PRIVATE_KEY,
        account: values.account as string | undefined,
      },
      note: (line) => output.err(`${line}\n`),
    });
    const result: CommandResult = await command.run(context, rest, values);
    output.out(json ? `${JSON.stringify(result.json)}\n` : `${result.lines.join('\n')}\n`);
    return 0;
  } catch (error) {
    return report(error, json, command, output);
  } finally {
    context?.close();
  }
}

function parseArguments(argv: string[]): { values: OptionValues; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    return { values: values as OptionValues, positionals };
  } catch (error) {
    // parseArgs names the option in its message ("Unknown option '--x'", "Option '--at <value>' argument missing").
    const message = error instanceof Error ? error.message.split('. ')[0] : String(error);
    throw new UsageError(message);
  }
}

function report(error: unknown, json: boolean, command: Command | undefined, output: CliOutput): number {
  const code = error instanceof CliError ? error.code : 'internal';
  const message = error instanceof Error ? error.message : String(error);
  const lines = [`Error: ${message}`];
  let details: unknown;
  if (error instanceof ApiRequestError) {
    lines[0] = `Error: ${error.code} (HTTP ${error.status}): ${message}`;
    details = error.details;
    if (Array.isArray(details)) {
      for (const detail of details as { path?: unknown; message?: unknown }[]) {
        lines.push(`  ${String(detail.path ?? '')}: ${String(detail.message ?? JSON.stringify(detail))}`);
      }
    } else if (details !== undefined) {
      lines.push(`  ${JSON.stringify(details)}`);
    }
  }
  if (error instanceof UsageError) {
    const topic = COMMANDS.find((known) => known.name === (error.command ?? command?.name));
    lines.push('', topic ? commandUsage(topic) : usage());
  }
  output.err(`${lines.join('\n')}\n`);
  if (json) {
    const body = { success: false, error: { code, message, ...(details === undefined ? {} : { details }) } };
    output.out(`${JSON.stringify(body)}\n`);
  }
  return error instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
}

const USAGE_PREFIX = 'npm run cli -- [--key-file <path> | --account <N>] [--json]';

function commandUsage(command: Command): string {
  return [
    `Usage: ${USAGE_PREFIX} <command>`,
    ...command.usage.split('\n').map((line) => `  ${line}`),
    '',
    command.summary,
  ].join('\n');
}

/** The overall usage: key sources, settings, and every command. */
export function usage(): string {
  const commands = COMMANDS.flatMap((command) => [
    ...command.usage.split('\n').map((line) => `  ${line}`),
    `      ${command.summary}`,
  ]);
  return [
    `Usage: ${USAGE_PREFIX} <command> [arguments]`,
    '',
    'Commands:',
    ...commands,
    '',
    'The key signs on this machine and is never printed. First found:',
    '  --key-file <path>        a file holding one 0x-prefixed private key',
    '  AUTOMETA_PRIVATE_KEY     the same, from the environment or .env',
    '  --account <N>            Hardhat development account N: its key is public, so local chain (31337) only',
    '',
    'Options:',
    '  --json                   one JSON object on stdout instead of lines; errors too',
    '  -h, --help               this text; `help <command>` for one command',
    '',
    `Settings (environment, .env, then .data/local.env): BACKEND_API_URL (default ${DEFAULT_API_URL}),`,
    `RPC_URL (default ${DEFAULT_RPC_URL}, for deposit, withdraw and balance).`,
  ].join('\n');
}

if (require.main === module) {
  loadEnvFiles();
  runCli(process.argv.slice(2), process.env, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  }).then((code) => {
    process.exitCode = code;
  });
}
