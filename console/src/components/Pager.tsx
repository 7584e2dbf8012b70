/** Previous / next over a list shown `pageSize` items at a time; nothing when it fits on one page. */
export function Pager({
  offset,
  total,
  pageSize,
  onOffset,
}: {
  offset: number;
  total: number;
  pageSize: number;
  onOffset: (offset: number) => void;
}) {
  if (total <= pageSize) return null;
  return (
    <div class="pager">
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - pageSize))}>
        上一页
      </button>
      <span class="muted">
        第 {offset + 1}–{Math.min(offset + pageSize, total)} 项，共 {total} 项
      </span>
      <button type="button" disabled={offset + pageSize >= total} onClick={() => onOffset(offset + pageSize)}>
        下一页
      </button>
    </div>
  );
}
