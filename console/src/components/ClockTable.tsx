/**
 * Open clocks of any kind of case, one row each, coloured by urgency, linking to the case page;
 * on the platform's screen (`withAgency`) each row also names its agency (机关).
 */
import type { SupervisedClock } from '../api';
import { formatDateTime, kindLabel, remainingText, URGENCY_LABELS } from '../labels';
import { Link } from '../router';

export function UrgencyBadge({ urgency }: { urgency: SupervisedClock['urgency'] }) {
  return <span class={`badge urgency-${urgency}`}>{URGENCY_LABELS[urgency]}</span>;
}

type AgencyClock = SupervisedClock & { agencyCode?: string; agencyName?: string };

export function ClockTable({
  items,
  empty = '没有符合条件的期限',
  withAgency = false,
  ownAgency,
}: {
  items: AgencyClock[];
  empty?: string;
  withAgency?: boolean;
  /** With `withAgency`: the viewer's agency, whose cases they may open; another agency's case is named, not linked. */
  ownAgency?: string | undefined;
}) {
  if (items.length === 0) return <p class="muted empty">{empty}</p>;
  return (
    <table class="clocks">
      <thead>
        <tr>
          {withAgency && <th>机关</th>}
          <th>紧急程度</th>
          <th>案件</th>
          <th>类别</th>
          <th>期限</th>
          <th>办理环节</th>
          <th>承办科室</th>
          <th>承办人</th>
          <th>届满</th>
          <th>剩余</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr
            key={`${item.workflowId}/${item.clockId}`}
            class={`urgency-${item.urgency}`}
            data-case={item.caseRef}
            data-urgency={item.urgency}
            data-agency={item.agencyCode}
          >
            {withAgency && <td class="agency">{item.agencyName ?? item.agencyCode}</td>}
            <td>
              <UrgencyBadge urgency={item.urgency} />
            </td>
            <td>
              {withAgency && item.agencyCode !== ownAgency ? (
                <span title="其他机关的案件，在该机关办理">{item.caseRef}</span>
              ) : (
                <Link href={item.link}>{item.caseRef}</Link>
              )}
            </td>
            <td>{kindLabel(item.kind)}</td>
            <td>{item.label}</td>
            <td>{item.stageLabel}</td>
            <td>{item.departmentName ?? item.departmentCode ?? '未交办'}</td>
            <td>{item.assignee ?? '—'}</td>
            <td title={formatDateTime(item.dueAt)}>{item.dueDate ?? formatDateTime(item.dueAt)}</td>
            <td>{remainingText(item.remaining, item.unit, item.paused)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
