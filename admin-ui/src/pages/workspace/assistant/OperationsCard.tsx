/** The assistant operations of a project or task, newest first, each with its receipt. */
import { assistant, type Operation } from '../../../api/assistant.js';
import { statusTone } from '../../../components/evidence/ReceiptPanel.js';
import { Badge, EmptyState } from '../../../components/Feedback.js';
import { ListBody } from '../../../components/ListBody.js';
import { Card } from '../../../components/Page.js';
import { Time } from '../../../components/Time.js';
import { useCursorList } from '../../../hooks/use-cursor-list.js';
import { Link } from '../../../router/router.js';
import { useSession } from '../../../session/SessionProvider.js';

function summaryOf(op: Operation): string {
  const s = op.summary as { files?: number; findings?: Record<string, number>; messages?: number };
  if (op.op === 'generate' && s.files !== undefined) return `${s.files} files`;
  if (op.op === 'analyze' && s.findings)
    return `${Object.values(s.findings).reduce((a, b) => a + b, 0)} findings`;
  if (op.op === 'chat') return 'answer';
  return op.error_code ?? '';
}

export function OperationsCard({ projectId, taskId }: { projectId: string; taskId?: string }) {
  const { can } = useSession();
  const list = useCursorList(
    (cursor) =>
      assistant.operations({
        project_id: projectId,
        ...(taskId ? { task_id: taskId } : {}),
        cursor,
        limit: 20,
      }),
    [projectId, taskId],
  );
  return (
    <Card
      title="Operations"
      labelledBy="operations-title"
      description="Generate, analyze and chat calls recorded here, with their receipts."
      flush
    >
      <ListBody
        list={list}
        empty={
          <EmptyState title="No operation yet">
            Generate, analyze or chat from here to see them listed.
          </EmptyState>
        }
      >
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Operation</th>
                <th scope="col">Result</th>
                <th scope="col">Template</th>
                <th scope="col">When</th>
                <th scope="col">Receipt</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((op) => (
                <tr key={op.request_id}>
                  <td className="cell-title">{op.op}</td>
                  <td>
                    <span className="row">
                      <Badge tone={statusTone(op.status)}>{op.status}</Badge>
                      <span className="subtle">{summaryOf(op)}</span>
                    </span>
                  </td>
                  <td className="mono">
                    {op.template.id}@{op.template.version}
                  </td>
                  <td>
                    <Time value={op.created_at} relative />
                  </td>
                  <td>
                    {op.receipt_id && can('receipts:read') ? (
                      <Link to={`/audit/receipts/${op.receipt_id}`}>{op.receipt_id}</Link>
                    ) : (
                      <span className="mono">{op.receipt_id ?? '—'}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </ListBody>
    </Card>
  );
}
