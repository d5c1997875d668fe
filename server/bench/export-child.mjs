// The export side of `npm run bench:export`, run as its own process on the built server (dist/), so
// its time and peak RSS are the appliance's own: requests an export of every receipt from the given
// time on and runs the job runner until it is done; prints one JSON line.
import { pino } from 'pino';
import { createAuditModule } from '../dist/src/audit/index.js';
import { createComplianceModule } from '../dist/src/compliance/index.js';
import { loadConfig } from '../dist/src/config/index.js';
import { createEvidenceModule } from '../dist/src/evidence/index.js';
import { createDb } from '../dist/src/platform/db/knex.js';

const from = process.argv[2];
const log = pino({ level: 'warn' });
const config = await loadConfig({ env: process.env });
const db = createDb(config.database, config.database.url);
const evidence = await createEvidenceModule({
  db,
  log,
  config: config.evidence,
  publicUrl: config.server.publicUrl,
  production: false,
});
const audit = (await createAuditModule({ db, appender: evidence.auditAppender })).service;
const caller = { userId: '00000000-0000-4000-8000-000000000000', mayReadContent: false };
const compliance = await createComplianceModule({
  db,
  log,
  config: config.compliance,
  audit,
  evidence,
  caller: () => caller,
});
const started = performance.now();
const row = await compliance.service.create(caller, {
  from,
  to: new Date(Date.now() + 3600_000).toISOString(),
  include: ['receipts'],
});
compliance.start();
let job;
for (;;) {
  job = await compliance.service.get(row.id);
  if (job.status === 'completed' || job.status === 'failed') break;
  await new Promise((r) => setTimeout(r, 100));
}
const seconds = (performance.now() - started) / 1000;
await compliance.stop();
await evidence.stop();
await db.destroy();
process.stdout.write(
  `${JSON.stringify({
    status: job.status,
    seconds,
    file: `${config.compliance.exports.dir}/${job.file_name}`,
    bytes: Number(job.file_bytes),
    entries: Number(job.entries_written),
  })}\n`,
);
