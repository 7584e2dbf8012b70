/**
 * What a file is, read from its bytes (never its name or the Content-Type a client claims), and
 * whether case files may be of that type.
 *
 * The allow-list is what an application, a correction, a reply or a hearing needs, and nothing
 * that runs: PDF and OFD (版式文件, GB/T 33190: the national fixed-layout format government
 * offices issue), JPEG and PNG (photos and scans of ID cards and licences), DOCX and XLSX
 * (supporting papers, tables), and plain UTF-8 text. Not allowed: legacy DOC/XLS (the OLE
 * container can carry macros and file-type cannot tell them apart from other OLE files), XML
 * and other images (GIF, WebP, TIFF, SVG with an XML declaration), archives (they hide their
 * contents from this check), executables, and anything unrecognised. Text with markup in it
 * (an HTML page) is text: it is served back as `text/plain` and as an attachment, never rendered.
 */
import { unzipSync } from 'fflate';

export const ALLOWED_MEDIA_TYPES = {
  'application/pdf': 'PDF',
  'application/ofd': 'OFD',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'DOCX',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'XLSX',
  'text/plain': 'TXT',
} as const;
export type AllowedMediaType = keyof typeof ALLOWED_MEDIA_TYPES;

/** The usual file extension of each allowed type (a download's name gets it when it has none). */
export const EXTENSION_OF: Record<AllowedMediaType, string> = {
  'application/pdf': 'pdf',
  'application/ofd': 'ofd',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/plain': 'txt',
};

export const isAllowedMediaType = (mediaType: string): mediaType is AllowedMediaType => Object.hasOwn(ALLOWED_MEDIA_TYPES, mediaType);

/** The allowed types as people read them: `PDF, OFD, JPEG, …`. */
export const allowedTypesLabel = (): string => Object.values(ALLOWED_MEDIA_TYPES).join(', ');

type FileTypeCore = typeof import('file-type/core');
let fileTypeLibrary: Promise<FileTypeCore> | undefined;
/** file-type is an ES module: loaded at the first detection. Its `core` entry needs no file system access. */
const fileTypeCore = (): Promise<FileTypeCore> => (fileTypeLibrary ??= import('file-type/core'));

/**
 * The media type of `bytes` by their content: file-type's signature detection, then OFD (a zip
 * whose root holds `OFD.xml`, which file-type reports as a plain zip), then UTF-8 text (no
 * signature to detect: valid UTF-8 with no control characters but tab, CR and LF). Null when
 * nothing is recognised. The result may be a type that is not allowed (`application/zip`).
 */
export async function detectMediaType(bytes: Uint8Array): Promise<string | null> {
  if (bytes.length === 0) return null;
  const { fileTypeFromBuffer } = await fileTypeCore();
  const detected = await fileTypeFromBuffer(bytes);
  if (detected?.mime === 'application/zip' && isOfd(bytes)) return 'application/ofd';
  if (detected) return detected.mime;
  return isPlainText(bytes) ? 'text/plain' : null;
}

/** OFD: a zip package with `OFD.xml` at its root (GB/T 33190-2016 §7.2). Only names are read, nothing inflated. */
function isOfd(bytes: Uint8Array): boolean {
  let found = false;
  try {
    unzipSync(bytes, {
      filter: (entry) => {
        if (entry.name === 'OFD.xml') found = true;
        return false;
      },
    });
  } catch {
    return false;
  }
  return found;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function isPlainText(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
}
