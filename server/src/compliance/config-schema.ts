import { type Static, Type } from '@sinclair/typebox';

/*
 * The `compliance` section of the configuration, imported by config/schema.ts (the small helper
 * mirrors that file's, which cannot be imported from here without an import cycle).
 */

const section = <T extends Parameters<typeof Type.Object>[0]>(properties: T, description: string) =>
  Type.Object(properties, { additionalProperties: false, default: {}, description });

export const ExportsConfig = section(
  {
    dir: Type.String({
      minLength: 1,
      default: './.aila/exports',
      description:
        'Directory of the export bundles (and of the jobs working on them). Give every replica the same volume (a ReadWriteMany PersistentVolumeClaim), or a bundle can only be downloaded from the replica that wrote it. The Helm chart sets it to persistence.exports.mountPath.',
    }),
    retentionDays: Type.Integer({
      minimum: 1,
      maximum: 3650,
      default: 30,
      description:
        'Days a finished bundle is kept; then its file is deleted and the export is marked expired.',
    }),
    workers: Type.Integer({
      minimum: 0,
      maximum: 8,
      default: 1,
      description: 'Export jobs one replica runs at once (0: this replica runs none, only serves the API).',
    }),
    leaseMs: Type.Integer({
      minimum: 5000,
      default: 60000,
      description:
        "How long a running job's lease lasts without renewal; renewed every third of it. A replica that crashed loses its jobs to another one after this.",
    }),
    pollMs: Type.Integer({
      minimum: 100,
      default: 2000,
      description: 'How often an idle replica looks for queued jobs.',
    }),
    maxAttempts: Type.Integer({
      minimum: 1,
      default: 3,
      description: 'Attempts of a job (each crash or error starts it afresh) before it is marked failed.',
    }),
    gzipLevel: Type.Integer({
      minimum: 1,
      maximum: 9,
      default: 6,
      description: 'gzip compression level of bundles (1 fastest, 9 smallest).',
    }),
    pageSize: Type.Integer({
      minimum: 100,
      maximum: 20000,
      default: 500,
      description: 'Entries read from the database, and proved, per page; memory use is proportional to it.',
    }),
  },
  'Compliance export jobs and their bundles (EVIDENCE.md §3).',
);

export const ComplianceConfig = section({ exports: ExportsConfig }, 'Compliance: export bundles.');

export type ComplianceConfig = Static<typeof ComplianceConfig>;
export type ExportsConfig = Static<typeof ExportsConfig>;
