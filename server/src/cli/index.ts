#!/usr/bin/env node
import { Command } from 'commander';
import { BUILD } from '../platform/build-info.js';

/**
 * The `aila` command. Each subcommand imports its implementation lazily, so `aila serve` can start
 * tracing before the HTTP and database modules are loaded.
 */
const program = new Command('aila')
  .description('AI-LA Enterprise Appliance')
  .version(BUILD.version, '-v, --version')
  .showHelpAfterError();

program
  .command('serve')
  .description('run the appliance (configuration from AILA_CONFIG and AILA_* variables)')
  .action(async () => (await import('./serve.js')).serve());

program
  .command('dev')
  .description(
    'run the appliance with an embedded PostgreSQL, a development OIDC provider and a simulated model',
  )
  .action(async () => (await import('./dev.js')).dev());

const migrate = program.command('migrate').description('database migrations');
for (const action of ['up', 'down', 'status'] as const) {
  const what = {
    up: 'apply every pending migration',
    down: 'revert the last batch',
    status: 'list migrations',
  };
  migrate
    .command(action)
    .description(what[action])
    .action(async () => (await import('./migrate.js')).migrate(action));
}

const config = program.command('config').description('configuration');
config
  .command('check')
  .description('validate the configuration; exit 1 listing every problem')
  .option('--print', 'print the effective configuration, secrets redacted')
  .action(async (opts: { print?: boolean }) => (await import('./config-command.js')).configCheck(opts));
config
  .command('schema')
  .description('print the JSON Schema of the configuration')
  .action(async () => (await import('./config-command.js')).configSchema());
config
  .command('docs')
  .description('print the configuration reference (Markdown), or update it in a file')
  .option('--write <file>', 'replace the generated block in this Markdown file')
  .action(async (opts: { write?: string }) => (await import('./config-command.js')).configDocs(opts));

program
  .command('simulator')
  .description('run the simulated OpenAI-compatible model backend (`aila simulator --help` for its flags)')
  .helpOption(false)
  .allowUnknownOption()
  .allowExcessArguments()
  .action(async (_opts: unknown, cmd: Command) => (await import('./simulator.js')).simulator(cmd.args));

program
  .command('verify')
  .description('verify a receipt offline against a pinned key set (`aila verify --help` for its flags)')
  .helpOption(false)
  .allowUnknownOption()
  .allowExcessArguments()
  .action(async (_opts: unknown, cmd: Command) => {
    const { verifyCommand } = await import('../evidence/cli/verify-command.js');
    process.exitCode = await verifyCommand(cmd.args);
  });

program
  .command('verify-bundle')
  .description('verify a compliance export bundle offline (`aila verify-bundle --help` for its flags)')
  .helpOption(false)
  .allowUnknownOption()
  .allowExcessArguments()
  .action(async (_opts: unknown, cmd: Command) => {
    const { verifyBundleCommand } = await import('../compliance/cli/verify-bundle-command.js');
    process.exitCode = await verifyBundleCommand(cmd.args);
  });

program
  .command('keys')
  .description('list or rotate the receipt and log signing keys (`aila keys --help`)')
  .helpOption(false)
  .allowUnknownOption()
  .allowExcessArguments()
  .action(async (_opts: unknown, cmd: Command) => {
    const { keysCommand } = await import('../evidence/cli/keys-command.js');
    process.exitCode = await keysCommand(cmd.args);
  });

program
  .command('login')
  .description('sign in to an appliance from this machine (device code) and store an API key')
  .requiredOption('--url <url>', 'the appliance URL, e.g. https://ai-la.example.com')
  .option('--scope <scopes>', 'space-separated API key scopes', 'gateway assistant')
  .action(async (opts: { url: string; scope?: string }) => (await import('./login.js')).loginCommand(opts));

const content = program.command('content').description('retained content');
content
  .command('rewrap')
  .description('re-wrap every content key under the current key-encryption key (after a rotation)')
  .action(async () => (await import('./content.js')).rewrap());

const admin = program.command('admin').description('administration on the appliance host');
admin
  .command('bootstrap')
  .description('print a one-time sign-in link (15 minutes, single use) that signs its user in as admin')
  .option('--email <address>', 'the admin account (default: a local bootstrap account)')
  .action(async (opts: { email?: string }) => (await import('./admin.js')).bootstrap(opts));
admin
  .command('hash-password')
  .description(
    'read a password (hidden, or on stdin) and print its scrypt hash for auth.breakGlass.passwordHash',
  )
  .action(async () => (await import('./admin.js')).hashPasswordCommand());

program
  .command('version')
  .description('print the version')
  .action(() => {
    process.stdout.write(`aila ${BUILD.version} (node ${BUILD.node})\n`);
  });

await program.parseAsync();
