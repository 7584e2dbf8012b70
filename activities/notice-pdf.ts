/**
 * A notice as an A4 PDF (pdfkit), printed from the same model as its HTML (notices.ts
 * noticeModel). Deterministic: the document's dates and ID are fixed (derived from the date of
 * issue), pdfkit names font subsets after the font's id in the document, and nothing else in
 * it varies, so the same notice renders to the same bytes and its SHA-256 can be recorded.
 * The CJK font is embedded (subset) from Debian's fonts-wqy-microhei.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import PDFDocument from 'pdfkit';

/** U+3000 ideographic space, between the parts of the reference line. */
const IDEOGRAPHIC_SPACE = '\u3000';
import type { NoticeBlock, NoticeCell, NoticeModel, NoticeRun } from './notices';

export const CJK_FONT_PATH = process.env.GONGKAI_PDF_FONT ?? '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
/** The face inside the collection (.ttc); ignored for a .ttf. */
const CJK_FONT_FACE = 'WenQuanYiMicroHei';

let fontData: Buffer | undefined;
function cjkFont(): Buffer {
  if (!fontData) {
    if (!fs.existsSync(CJK_FONT_PATH)) {
      throw new Error(
        `no CJK font for PDF notices at ${CJK_FONT_PATH}: install Debian's fonts-wqy-microhei (apt-get install -y fonts-wqy-microhei) or set GONGKAI_PDF_FONT`,
      );
    }
    fontData = fs.readFileSync(CJK_FONT_PATH);
  }
  return fontData;
}

/**
 * The CJK font is parsed once per process, not once per notice. Given a font as a buffer,
 * pdfkit has fontkit parse it for every document, and fontkit decodes the 5 MB collection's
 * tables (cmap, hmtx, loca, GSUB, …) again each time: about half of the ~100 ms of CPU a notice
 * took, and the largest single cost of a registration in the worker (bench/README.md, "Where the
 * worker's CPU goes"). So the first notice's parsed font is kept, and each document gets its own
 * pdfkit font object (its own subset, widths and ToUnicode map, under the same id `F2` as
 * before) over that parsed font, installed as `doc.font('cjk')` would install it. The parsed
 * font's tables are read-only to pdfkit (a subset copies what it changes).
 *
 * What stays costly per notice once the font is shared is per glyph and per line of text: each
 * glyph's outline decoded again for the subset and its metrics, and each line shaped again by
 * fontkit's layout engine (GSUB/GPOS). Both are pure functions of the font, so they are kept
 * for the process too: outlines and metrics by glyph id, and shaped runs by their text (the most
 * recent LAYOUT_CACHE_RUNS of them). A notice is mostly the same template lines.
 *
 * A document's bytes must not depend on the documents rendered before it (test/notice-pdf.test.ts
 * checks both orders). fontkit keeps on each glyph object the code points it was first reached
 * by, and pdfkit writes them into the ToUnicode map; so each run is shaped over a glyph table of
 * its own, and a shaped run's glyphs carry what that run's text reached them by, whoever shaped it
 * first (U+F9DE and 吏 share a glyph, and each maps back to itself).
 */
interface ParsedGlyph {
  id: number;
  _font: unknown;
  _decode(): unknown;
  _getMetrics(): unknown;
}
interface ParsedFont {
  _glyphs: Record<number, ParsedGlyph>;
  getGlyph(id: number): ParsedGlyph;
}
interface PdfFont {
  name: string;
  font: ParsedFont;
  layoutCache?: Record<string, unknown>;
  layoutRun(text: string, features?: unknown): unknown;
}
/** pdfkit's font registry on a document (pdfkit 0.15, mixins/fonts.js). */
interface PdfFontRegistry {
  _font: PdfFont;
  _fontFamilies: Record<string, PdfFont>;
  _fontCount: number;
}
const LAYOUT_CACHE_RUNS = 4_000;
let sharedCjk:
  | {
      font: ParsedFont;
      EmbeddedFont: new (doc: PDFKit.PDFDocument, font: ParsedFont, id: string) => PdfFont;
      layoutRun: PdfFont['layoutRun'];
      runs: Record<string, unknown>;
      runCount: number;
    }
  | undefined;

function sharedCjkFont(): NonNullable<typeof sharedCjk> {
  if (sharedCjk) return sharedCjk;
  const probe = new PDFDocument({ autoFirstPage: false });
  if (CJK_FONT_PATH.endsWith('.ttc')) probe.font(cjkFont(), CJK_FONT_FACE);
  else probe.font(cjkFont());
  const embedded = (probe as unknown as PdfFontRegistry)._font;
  const font = embedded.font;
  // Outlines and metrics by glyph id, for this font only (the glyph class is fontkit's, shared).
  const glyphClass = Object.getPrototypeOf(font.getGlyph(0)) as ParsedGlyph;
  const decode = glyphClass._decode;
  const metrics = glyphClass._getMetrics;
  const decoded = new Map<number, unknown>();
  const measured = new Map<number, unknown>();
  glyphClass._decode = function (this: ParsedGlyph) {
    if (this._font !== font) return decode.call(this);
    if (!decoded.has(this.id)) decoded.set(this.id, decode.call(this));
    return decoded.get(this.id);
  };
  glyphClass._getMetrics = function (this: ParsedGlyph) {
    if (this._font !== font) return metrics.call(this);
    if (!measured.has(this.id)) measured.set(this.id, metrics.call(this));
    return measured.get(this.id);
  };
  sharedCjk = {
    font,
    EmbeddedFont: embedded.constructor as NonNullable<typeof sharedCjk>['EmbeddedFont'],
    layoutRun: embedded.layoutRun,
    runs: Object.create(null) as Record<string, unknown>,
    runCount: 0,
  };
  return sharedCjk;
}

function useCjkFont(doc: PDFKit.PDFDocument): void {
  const shared = sharedCjkFont();
  if (shared.runCount > LAYOUT_CACHE_RUNS) {
    shared.runs = Object.create(null) as Record<string, unknown>;
    shared.runCount = 0;
  }
  const fonts = doc as unknown as PdfFontRegistry;
  // F1 was Helvetica, pdfkit's default font, which renderNoticePdf no longer loads: the same id as before.
  fonts._fontCount = Math.max(fonts._fontCount, 1) + 1;
  const font = new shared.EmbeddedFont(doc, shared.font, `F${fonts._fontCount}`);
  font.layoutCache = shared.runs;
  font.layoutRun = function (text, features) {
    shared.font._glyphs = {};
    if (!features) shared.runCount += 1;
    return shared.layoutRun.call(this, text, features);
  };
  fonts._fontFamilies.cjk = font;
  fonts._fontFamilies[font.name] = font;
  doc.font('cjk');
}

const MM = 72 / 25.4;
const MARGIN = 25 * MM;

export interface NoticePdfOptions {
  /** The agency's seal (PNG), printed over the agency's name on the signature line. */
  seal?: Buffer | null;
  /** The date the notice was issued (YYYY-MM-DD): the PDF's CreationDate and ModDate. */
  issuedOn: string;
}

export async function renderNoticePdf(model: NoticeModel, options: NoticePdfOptions): Promise<Buffer> {
  const date = new Date(`${options.issuedOn}T00:00:00+08:00`);
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    autoFirstPage: true,
    compress: true,
    // No Helvetica: pdfkit would parse its metrics file for every document to set a default font
    // that is never drawn with (useCjkFont gives the CJK font the id it had after it, F2).
    font: null as unknown as string,
    info: {
      Title: `${model.title}（${model.docNo}）`,
      Author: model.signature.agencyName,
      Producer: 'Gongkai',
      Creator: 'Gongkai',
      CreationDate: date,
      ModDate: date,
    },
  });
  // pdfkit derives the file ID from the info dictionary (fixed above); make it explicit anyway.
  (doc as unknown as { _id: Buffer })._id = createHash('md5').update(`${model.docNo}\n${options.issuedOn}`).digest();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  useCjkFont(doc);
  const width = doc.page.width - 2 * MARGIN;
  const left = MARGIN;
  const body = { width, align: 'justify' as const, lineGap: 6 };

  doc.fontSize(22).text(model.title, left, doc.y, { width, align: 'center' });
  doc.moveDown(0.4);
  doc.fontSize(14).text(model.docNo, left, doc.y, { width, align: 'right' });
  doc.moveDown(1);
  doc.fontSize(14).text(`${model.addressee}：`, left, doc.y, { width });
  doc.moveDown(0.3);

  for (const block of model.blocks) {
    switch (block.type) {
      case 'paragraph': {
        const text = block.runs.map((run) => (typeof run === 'string' ? run : run.strong)).join('');
        doc.fontSize(14).text(text, left, doc.y, { ...body, indent: 28 });
        doc.moveDown(0.3);
        break;
      }
      case 'list':
        block.items.forEach((item, i) => {
          doc.fontSize(14).text(`${i + 1}. ${item}`, left, doc.y, { ...body, indent: 28 });
        });
        doc.moveDown(0.3);
        break;
      case 'table':
        drawTable(
          doc,
          [...(block.head ? [block.head] : []), ...block.rows, ...(block.foot ? [block.foot] : [])],
          block.className === 'info' ? [0.25] : undefined,
          left,
          width,
        );
        doc.moveDown(0.5);
        break;
    }
  }

  doc.fontSize(11).text(model.reference.join(IDEOGRAPHIC_SPACE), left, doc.y, { width });
  if (model.address) doc.fontSize(11).text(`送达地址：${model.address}`, left, doc.y, { width });

  // Signature: the agency's name and the date, right-aligned, with the seal over them.
  doc.moveDown(2);
  const signWidth = Math.max(doc.fontSize(14).widthOfString(model.signature.agencyName), doc.widthOfString(model.signature.date)) + 20;
  const sealSize = 42 * MM;
  if (doc.y + sealSize > doc.page.height - MARGIN) doc.addPage();
  const signLeft = left + width - signWidth;
  const signTop = doc.y;
  doc.text(model.signature.agencyName, signLeft, signTop, { width: signWidth, align: 'center' });
  doc.text(model.signature.date, signLeft, doc.y, { width: signWidth, align: 'center' });
  const signBottom = doc.y;
  if (options.seal) {
    const cx = signLeft + signWidth / 2;
    const cy = (signTop + signBottom) / 2;
    doc.image(options.seal, cx - sealSize / 2, cy - sealSize / 2, { fit: [sealSize, sealSize], align: 'center', valign: 'center' });
  }
  doc.y = Math.max(signBottom, options.seal ? signTop + sealSize / 2 : signBottom);
  doc.moveDown(1.5);
  doc
    .moveTo(left, doc.y)
    .lineTo(left + width, doc.y)
    .lineWidth(0.5)
    .stroke();
  doc.moveDown(0.3);
  doc.fontSize(10).text(model.convention, left, doc.y, { width });

  doc.end();
  return done;
}

/** A bordered table; `fractions` gives the first columns' share of the width (the rest share what remains). */
function drawTable(doc: PDFKit.PDFDocument, rows: NoticeCell[][], fractions: number[] | undefined, left: number, width: number): void {
  const columns = Math.max(...rows.map((row) => row.reduce((n, cell) => n + (cell.colspan ?? 1), 0)));
  const given = fractions ?? [];
  const rest = (1 - given.reduce((a, b) => a + b, 0)) / (columns - given.length);
  const widths = Array.from({ length: columns }, (_, i) => (given[i] ?? rest) * width);
  const pad = 4;
  doc.fontSize(12);
  for (const row of rows) {
    let col = 0;
    const cells = row.map((cell) => {
      const span = cell.colspan ?? 1;
      const x = left + widths.slice(0, col).reduce((a, b) => a + b, 0);
      const w = widths.slice(col, col + span).reduce((a, b) => a + b, 0);
      col += span;
      return { cell, x, w };
    });
    const height = Math.max(...cells.map(({ cell, w }) => doc.heightOfString(cell.text, { width: w - 2 * pad }))) + 2 * pad;
    if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
    const top = doc.y;
    for (const { cell, x, w } of cells) {
      doc.rect(x, top, w, height).lineWidth(0.5).stroke();
      doc.text(cell.text, x + pad, top + pad, { width: w - 2 * pad, align: cell.header || rows.length <= 1 ? 'center' : 'left' });
    }
    doc.y = top + height;
  }
  doc.x = left;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

const UNESCAPES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const unescapeHtml = (s: string) => s.replace(/&(amp|lt|gt|quot|#39);/g, (m) => UNESCAPES[m]!);

/**
 * The model of a notice stored before PDFs were (its HTML is all that was kept): read back
 * from the HTML noticeHtml prints, so its PDF can be rendered on demand. Null when the HTML
 * is not in that form.
 */
export function legacyNoticeModel(html: string): NoticeModel | null {
  const one = (re: RegExp) => re.exec(html)?.[1];
  const kind = one(/<body class="notice notice-([\w-]+)">/);
  const title = one(/<h1>(.*?)<\/h1>/s);
  const docNo = one(/<p class="doc-no">(.*?)<\/p>/s);
  const addressee = one(/<p class="addressee">(.*?)：<\/p>/s);
  const reference = one(/<p class="ref">(.*?)<\/p>/s);
  const sign = /<div class="sign"><p>(.*?)<\/p><p>(.*?)<\/p><\/div>/s.exec(html);
  const convention = one(/<p class="convention">(.*?)<\/p>/s);
  const start = html.indexOf('<p class="addressee">');
  const end = html.indexOf('<p class="ref">');
  if (!kind || !title || !docNo || addressee === undefined || reference === undefined || !sign || !convention || start < 0 || end < start)
    return null;
  const body = html.slice(html.indexOf('\n', start) + 1, end);
  const cells = (row: string): NoticeCell[] =>
    [...row.matchAll(/<(th|td)(?: colspan="(\d+)")?>(.*?)<\/\1>/gs)].map(([, tag, span, text]) => ({
      text: unescapeHtml(text!),
      ...(tag === 'th' ? { header: true } : {}),
      ...(span ? { colspan: Number(span) } : {}),
    }));
  const rowsOf = (part: string | undefined) => [...(part ?? '').matchAll(/<tr>(.*?)<\/tr>/gs)].map(([, row]) => cells(row!));
  const blocks: NoticeBlock[] = [];
  for (const m of body.matchAll(/<p>(.*?)<\/p>|<ol class="([\w-]+)">(.*?)<\/ol>|<table class="([\w-]+)">(.*?)<\/table>/gs)) {
    if (m[1] !== undefined) {
      const runs = m[1]
        .split(/(<strong>.*?<\/strong>)/s)
        .filter((r) => r !== '')
        .map((r): NoticeRun => (r.startsWith('<strong>') ? { strong: unescapeHtml(r.slice(8, -9)) } : unescapeHtml(r)));
      blocks.push({ type: 'paragraph', runs });
    } else if (m[2] !== undefined) {
      blocks.push({
        type: 'list',
        className: m[2],
        items: [...m[3]!.matchAll(/<li>(.*?)<\/li>/gs)].map(([, item]) => unescapeHtml(item!)),
      });
    } else {
      const table = m[5]!;
      const head = rowsOf(/<thead>(.*?)<\/thead>/s.exec(table)?.[1])[0];
      const foot = rowsOf(/<tfoot>(.*?)<\/tfoot>/s.exec(table)?.[1])[0];
      blocks.push({
        type: 'table',
        className: m[4]!,
        ...(head ? { head } : {}),
        rows: rowsOf(/<tbody>(.*?)<\/tbody>/s.exec(table)?.[1]),
        ...(foot ? { foot } : {}),
      });
    }
  }
  const address = one(/<p class="address">送达地址：(.*?)<\/p>/s);
  return {
    kind: kind as NoticeModel['kind'],
    title: unescapeHtml(title),
    docNo: unescapeHtml(docNo),
    addressee: unescapeHtml(addressee),
    blocks,
    reference: reference.split('&emsp;').map(unescapeHtml),
    ...(address !== undefined ? { address: unescapeHtml(address) } : {}),
    signature: { agencyName: unescapeHtml(sign[1]!), date: sign[2]! },
    convention: unescapeHtml(convention),
  };
}

/**
 * A stored case document's PDF: the one rendered when it was issued, or, for a document
 * issued before PDFs, rendered now from its HTML (without a seal: none was on it then).
 * Null when neither is possible.
 */
export async function caseDocumentPdf(doc: { pdf: Buffer | null; html: string; issued_on: string }): Promise<Buffer | null> {
  if (doc.pdf) return doc.pdf;
  const model = legacyNoticeModel(doc.html);
  return model ? renderNoticePdf(model, { issuedOn: doc.issued_on }) : null;
}

/** Embeds `png` in a blank PDF: throws when pdfkit cannot read it (checked before a seal is stored). */
export async function renderSealProbe(png: Buffer): Promise<void> {
  const doc = new PDFDocument({ size: 'A4' });
  const done = new Promise<void>((resolve, reject) => {
    doc.on('data', () => undefined);
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.image(png, 0, 0, { width: 100 });
  doc.end();
  await done;
}
