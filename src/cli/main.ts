/**
 * The `pave` command line: validate descriptors, plan components, list the service catalog.
 * Exit codes: 0 success, 1 invalid input or a blocked plan, 2 usage error.
 */
import { pathToFileURL } from 'node:url';
import { UsageError } from './args.js';
import { CATALOG_HELP, catalogCommand } from './commands/catalog.js';
import { PLAN_HELP, planCommand } from './commands/plan.js';
import { VALIDATE_HELP, validateCommand } from './commands/validate.js';
import { processOutput, type Output } from './output.js';

const COMMANDS = {
  validate: { run: validateCommand, help: VALIDATE_HELP },
  plan: { run: planCommand, help: PLAN_HELP },
  catalog: { run: catalogCommand, help: CATALOG_HELP },
} as const;

export const MAIN_HELP = `pave — a GitOps reconciler for internal developer platforms

Usage: pave <command> [options]

Commands:
  validate   validate .choreo/ component descriptors (Choreo's rules + pave's keys)
  plan       plan components against a platform repository, per environment
  catalog    list services, endpoint ids and the resourceRefs to connect to them

Run \`pave <command> --help\` for a command's options.`;

export async function runCli(argv: readonly string[], io: Output = processOutput): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(MAIN_HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.out('pave 0.1.0');
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name as keyof typeof COMMANDS] : undefined;
  if (!command) {
    io.err(`pave: unknown command "${name}"\n\n${MAIN_HELP}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`pave ${name}: ${err.message}\n\n${command.help}`);
      return 2;
    }
    io.err(`pave ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

// `tsx src/cli/main.ts …` (npm run pave); bin/pave.js imports this module and calls runCli itself.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await runCli(process.argv.slice(2));
}
