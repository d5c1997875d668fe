import { loadProcessConfig } from '../config/index.js';
import { createLogger } from '../platform/logger.js';
import { fail } from './fail.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Shortest break-glass password accepted: it guards a full admin account. */
const MIN_PASSWORD_LENGTH = 12;

/**
 * `aila admin bootstrap [--email <address>]`: prints a one-time sign-in link (15 minutes, single use)
 * that signs its user in as an admin: the account with that e-mail (created if needed, and linked to
 * its SSO identity at the first SSO sign-in), or a local bootstrap account. Run it on the appliance's
 * host or in its pod: it writes to the database directly.
 */
export async function bootstrap(opts: { email?: string }): Promise<void> {
  if (opts.email !== undefined && !EMAIL.test(opts.email))
    fail(new Error(`--email ${opts.email} is not an e-mail address`));
  let loaded: Awaited<ReturnType<typeof loadProcessConfig>>;
  try {
    loaded = await loadProcessConfig();
  } catch (err) {
    fail(err);
  }
  const { config, runtime } = loaded;
  const log = createLogger({ level: config.log.level === 'info' ? 'warn' : config.log.level });
  const { openDatabase } = await import('../platform/db/database.js');
  const { migrationStatus } = await import('../platform/db/migrations.js');
  const { issueBootstrapToken } = await import('../identity/local/bootstrap.js');
  const { commandAudit } = await import('./load-config.js');
  const database = await openDatabase(config.database, runtime, log).catch(fail);
  try {
    const { pending } = await migrationStatus(database.db);
    if (pending.length > 0)
      throw new Error(`${pending.length} migration(s) pending: run \`aila migrate up\` first`);
    const audit = await commandAudit(database.db, config);
    const { token, expiresAt } = await issueBootstrapToken(database.db, audit, { email: opts.email });
    const link = `${config.server.publicUrl.replace(/\/+$/, '')}/auth/bootstrap?token=${token}`;
    process.stdout.write(
      [
        `One-time admin sign-in link for ${opts.email ?? 'the local bootstrap account'}`,
        `(single use, valid until ${expiresAt.toISOString()}):`,
        '',
        `  ${link}`,
        '',
      ].join('\n'),
    );
  } catch (err) {
    await database.close();
    fail(err);
  }
  await database.close();
}

/** Reads a password without echo from a terminal, or the first line of piped input. */
async function readPassword(): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    let text = '';
    for await (const chunk of input) text += String(chunk);
    return text.split(/\r?\n/)[0] ?? '';
  }
  process.stderr.write('Password: ');
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  return new Promise((resolve) => {
    let password = '';
    const onData = (chunk: string) => {
      for (const c of chunk) {
        if (c === '\u0003') process.exit(130);
        if (c === '\r' || c === '\n') {
          input.setRawMode(false);
          input.pause();
          input.off('data', onData);
          process.stderr.write('\n');
          resolve(password);
          return;
        }
        password = c === '\u007f' || c === '\b' ? password.slice(0, -1) : password + c;
      }
    };
    input.on('data', onData);
  });
}

/**
 * `aila admin hash-password`: reads the break-glass password (hidden when typed, or piped) and prints
 * its scrypt hash for `auth.breakGlass.passwordHash`.
 */
export async function hashPasswordCommand(): Promise<void> {
  const password = await readPassword();
  if (password.length < MIN_PASSWORD_LENGTH) {
    fail(new Error(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`));
  }
  const { hashPassword } = await import('../identity/local/password.js');
  process.stdout.write(`${await hashPassword(password)}\n`);
}
