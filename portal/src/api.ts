/**
 * The portal's client of the public API (/api/public/…): solving the proof-of-work challenge
 * before a submission or a lookup, carrying the applicant's access token on the other calls,
 * and turning error answers into `PortalError`s with the server's field details.
 */
import { solveChallenge } from './sha256';

export interface FieldError {
  field: string;
  message: string;
}

export class PortalError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldError[] = [],
  ) {
    super(message);
  }
}

export interface Access {
  token: string;
  expiresAt: string;
}

export interface NoticeRef {
  docNo: string;
  kind: string;
  title: string;
  issuedOn: string;
}

export interface FileRef {
  id: string;
  filename: string;
  size: number;
  mediaType: string;
  purpose: string;
}

export interface Agency {
  code: string;
  name: string;
}

export interface Progress {
  caseNo: string;
  /** The agency applied to, which handles the application. */
  agency: Agency;
  stage: string;
  stageLabel: string;
  receivedOn: string | null;
  replyDue: string | null;
  paused: boolean;
  closed: boolean;
  replyClock: null | { due: string | null; status: string | null; derivation: Array<{ text: string; dueAfter: string | null }> };
  notices: NoticeRef[];
  reply: NoticeRef | null;
  attachments: FileRef[];
  deliveredFiles: FileRef[];
  uploadsOpenFor: 'application-material' | 'correction-material' | null;
  correction: null | { items: string[]; requestedOn: string; correctedOn: string | null; correctBy: string | null; canSubmit: boolean };
  /** Handed over to another agency (条例第三十六条第五项): that agency and its case's progress. */
  transferredTo: null | {
    agencyCode: string;
    agencyName: string;
    caseNo: string;
    stage: string;
    stageLabel: string;
    closed: boolean;
    replyDue: string | null;
  };
}

export interface Submitted {
  caseNo: string;
  queryCode: string;
  receipt: { docNo: string; title: string } | null;
  access: Access;
  progress: Progress;
}

/** The API's messages the applicant could meet, in their words (the others are Chinese already). */
const IN_CHINESE: Record<string, string> = {
  rate_limited: '请求过于频繁，请稍后再试',
  access_required: '查询已过期，请重新输入查询码查询',
  challenge_required: '安全验证未完成，请重试',
  challenge_failed: '安全验证未通过，请重试',
  challenge_used: '安全验证已失效，请重试',
  payload_too_large: '内容或文件过大',
  invalid_json: '请求格式有误，请刷新页面后重试',
  temporal_unavailable: '系统繁忙，申请未能提交，请稍后再试',
};

async function answer<T>(response: Response): Promise<T> {
  if (response.ok) return (await response.json()) as T;
  let body: { error?: { code?: string; message?: string; details?: FieldError[] } } = {};
  try {
    body = await response.json();
  } catch {
    // not JSON (a proxy's page): the status says enough
  }
  const code = body.error?.code ?? 'error';
  const said = body.error?.message ?? '';
  // A message already in Chinese is meant for the applicant; others are put in their words.
  const message = /[\u4e00-\u9fff]/.test(said)
    ? said
    : (IN_CHINESE[code] ??
      (response.status === 429
        ? IN_CHINESE.rate_limited!
        : response.status >= 500
          ? '系统繁忙，请稍后再试'
          : `请求未能完成（${response.status}）`));
  throw new PortalError(response.status, code, message, body.error?.details ?? []);
}

type Purpose = 'apply' | 'lookup';

/** Asks for a challenge and solves it in the page (a second or so of computing). */
async function proofOfWork(purpose: Purpose, onProgress?: (tries: number) => void): Promise<string> {
  const challenge = await answer<{ token: string; bits: number }>(
    await fetch(`/api/public/challenge?purpose=${purpose}`, { headers: { Accept: 'application/json' } }),
  );
  return solveChallenge(challenge.token, challenge.bits, onProgress);
}

async function postJson<T>(path: string, body: unknown, headers: Record<string, string>): Promise<T> {
  return answer<T>(
    await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
      body: JSON.stringify(body),
    }),
  );
}

/** The agencies one may apply to, and the one an application goes to when none is chosen. */
export async function agencies(): Promise<{ default: string; items: Agency[] }> {
  return answer(await fetch('/api/public/agencies', { headers: { Accept: 'application/json' } }));
}

export async function submitApplication(application: unknown, onProgress?: (tries: number) => void): Promise<Submitted> {
  const solved = await proofOfWork('apply', onProgress);
  return postJson<Submitted>('/api/public/applications', application, { 'X-Proof-Of-Work': solved });
}

export async function lookUp(
  queryCode: string,
  factor: string,
  onProgress?: (tries: number) => void,
): Promise<{ access: Access; progress: Progress }> {
  const solved = await proofOfWork('lookup', onProgress);
  return postJson('/api/public/lookup', { queryCode, factor }, { 'X-Proof-Of-Work': solved });
}

const accessHeader = (access: Access) => ({ 'X-Applicant-Access': access.token });

export async function progress(access: Access): Promise<Progress> {
  return answer<Progress>(await fetch('/api/public/progress', { headers: { Accept: 'application/json', ...accessHeader(access) } }));
}

export const ATTACHMENT_KINDS = { 'id-copy': '身份证明', 'business-licence': '营业执照或登记证书', supporting: '其他材料' } as const;
export type AttachmentKind = keyof typeof ATTACHMENT_KINDS;

export async function upload(access: Access, kind: AttachmentKind, file: File): Promise<FileRef> {
  const query = new URLSearchParams({ kind, name: file.name.slice(-200) });
  return answer<FileRef>(
    await fetch(`/api/public/attachments?${query}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream', Accept: 'application/json', ...accessHeader(access) },
      body: file,
    }),
  );
}

export async function submitCorrection(access: Access, statement: string): Promise<Progress> {
  return postJson<Progress>('/api/public/correction', { statement }, accessHeader(access));
}

/** Fetches a notice (PDF) or a delivered file with the access token and hands it to the browser as a download. */
export async function download(access: Access, what: { docNo: string } | { fileId: string }, filename: string): Promise<void> {
  const path =
    'docNo' in what ? `/api/public/documents/${encodeURIComponent(what.docNo)}` : `/api/public/files/${encodeURIComponent(what.fileId)}`;
  const response = await fetch(path, { headers: accessHeader(access) });
  if (!response.ok) await answer(response);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
