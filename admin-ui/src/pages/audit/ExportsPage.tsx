/** Compliance exports: request a bundle, follow its progress live, download it, delete it. */
import { useEffect, useState } from 'react';
import { compliance, type ExportJob, type ExportStatus } from '../../api/compliance.js';
import { ConfirmDialog } from '../../components/Dialog.js';
import { Badge, EmptyState, ErrorAlert, Loading } from '../../components/Feedback.js';
import { Card, PageHeader } from '../../components/Page.js';
import { Time } from '../../components/Time.js';
import { useResource } from '../../hooks/use-resource.js';
import { formatNumber } from '../../lib/format.js';
import { ExportForm } from './ExportForm.js';

const TONES: Record<ExportStatus, 'neutral' | 'info' | 'success' | 'danger' | 'warning'> = {
  queued: 'neutral',
  running: 'info',
  completed: 'success',
  failed: 'danger',
  expired: 'warning',
};

const POLL_MS = 1000;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function Progress({ job }: { job: ExportJob }) {
  const { entries_written: written, entries_total: total, percent } = job.progress;
  if (job.status === 'failed') return <span className="muted">{job.error?.message ?? 'Failed'}</span>;
  if (job.status === 'expired') return <span className="muted">Deleted after its retention period</span>;
  const label = `Export ${job.id.slice(0, 8)} progress`;
  return (
    <div className="export-progress">
      <progress max={100} value={percent} aria-label={label} />
      <span className="muted">
        {job.status === 'completed'
          ? `${formatNumber(written)} entries`
          : `${formatNumber(written)} of ${total === null ? '…' : formatNumber(total)} entries`}
      </span>
    </div>
  );
}

function Period({ job }: { job: ExportJob }) {
  return (
    <span>
      <Time value={job.query.from} /> – <Time value={job.query.to} />
    </span>
  );
}

export function ExportsPage() {
  const list = useResource(() => compliance.list(), []);
  const [deleting, setDeleting] = useState<ExportJob>();
  const [error, setError] = useState<unknown>();
  const jobs = list.data?.items ?? [];
  const active = jobs.some((j) => j.status === 'queued' || j.status === 'running');

  // Live progress: poll while an export is queued or running.
  useEffect(() => {
    if (!active) return;
    const timer = setTimeout(() => list.reload(), POLL_MS);
    return () => clearTimeout(timer);
  }, [active, list]);

  async function remove(job: ExportJob) {
    setError(undefined);
    try {
      await compliance.remove(job.id);
      list.reload();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <div className="page page-wide">
      <PageHeader
        title="Compliance exports"
        description="Signed evidence bundles of receipts and audit events for a period. Verify them offline with aila verify-bundle or independent tools (docs/compliance.md)."
      />
      <div className="stack">
        <ExportForm
          onCreated={(job) =>
            list.setData({ items: [job, ...jobs], next_cursor: list.data?.next_cursor ?? null })
          }
        />
        <Card title="Exports" flush labelledBy="exports">
          <ErrorAlert error={list.error ?? error} />
          {list.loading && !list.data && <Loading />}
          {list.data && jobs.length === 0 && (
            <EmptyState title="No exports yet">
              Create one above; it appears here with its progress.
            </EmptyState>
          )}
          {jobs.length > 0 && (
            <div className="table-wrap">
              <table className="table" aria-labelledby="exports">
                <thead>
                  <tr>
                    <th scope="col">Requested</th>
                    <th scope="col">Period</th>
                    <th scope="col">Includes</th>
                    <th scope="col">Status</th>
                    <th scope="col">Progress</th>
                    <th scope="col">Bundle</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {jobs.map((job) => (
                    <tr key={job.id} data-export-id={job.id}>
                      <td>
                        <Time value={job.created_at} />
                      </td>
                      <td>
                        <Period job={job} />
                      </td>
                      <td>
                        {job.query.include.join(', ')}
                        {job.since.receipts && (
                          <div className="muted">since size {formatNumber(job.since.receipts.size)}</div>
                        )}
                      </td>
                      <td>
                        <Badge tone={TONES[job.status]}>{job.status}</Badge>
                      </td>
                      <td>
                        <Progress job={job} />
                      </td>
                      <td>
                        {job.bundle ? (
                          <span title={`SHA-256 ${job.bundle.sha256}`}>{formatBytes(job.bundle.bytes)}</span>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <td className="actions">
                        <div className="row export-actions">
                          {job.status === 'completed' && (
                            <a
                              className="btn btn-sm btn-primary"
                              href={job.links.download}
                              download={job.bundle?.file_name}
                            >
                              Download
                            </a>
                          )}
                          <button
                            type="button"
                            className="btn btn-sm"
                            onClick={() => setDeleting(job)}
                            aria-label={`Delete export ${job.id.slice(0, 8)}`}
                          >
                            Delete
                          </button>
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      </div>
      <ConfirmDialog
        open={deleting !== undefined}
        title="Delete this export?"
        confirmLabel="Delete export"
        onCancel={() => setDeleting(undefined)}
        onConfirm={() => {
          const job = deleting;
          setDeleting(undefined);
          if (job) void remove(job);
        }}
      >
        <p>The bundle file is deleted from the appliance. Copies already downloaded stay verifiable.</p>
      </ConfirmDialog>
    </div>
  );
}
