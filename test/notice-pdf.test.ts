/**
 * Notices as A4 PDFs (activities/notice-pdf.ts): the text pdftotext (Debian poppler-utils)
 * extracts holds the notice's Chinese text and document number, the CJK font is embedded,
 * two renders are the same bytes, and the seal is the one image when there is one.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { legacyNoticeModel, renderNoticePdf, sha256Hex } from '../activities/notice-pdf';
import { COUNTING_CONVENTION, type NoticeContext, type NoticeDetails, renderNotice } from '../activities/notices';
import type { ApplicationIntake } from '../domain/application/types';
import { feeByPages } from '../domain/fees';

const SEAL = fs.readFileSync(path.join(__dirname, 'fixtures', 'seal.png'));

const intake: ApplicationIntake = {
  channel: 'registered-mail',
  applicant: {
    type: 'natural-person',
    name: '王晓明',
    idType: 'resident-id',
    idNumber: '330106198503150016',
    phone: '13867125309',
    address: '浙江省杭州市西湖区文三路90号3幢502室',
    postcode: '310012',
  },
  description: '2025年度示例区老旧小区综合改造项目资金安排及使用情况',
  form: 'paper',
  delivery: 'post',
  feeWaiverRequested: false,
} as ApplicationIntake;

function context(details: NoticeDetails, docNo = '示例局依申请〔2026〕补正第3号'): NoticeContext {
  return {
    docNo,
    issuedOn: '2026-10-09',
    agencyName: '杭州市示例区住房和城乡建设局',
    caseNo: 'YSQ-2026-000123',
    queryCode: 'K7M2Q9X4TB',
    intake,
    receivedOn: '2026-09-28',
    details,
  };
}

/** The PDF's deflated streams, inflated (the ToUnicode map among them). */
function inflatedStreams(pdf: Buffer): string[] {
  const out: string[] = [];
  for (let at = pdf.indexOf('stream\n'); at >= 0; at = pdf.indexOf('stream\n', at + 1)) {
    const end = pdf.indexOf('\nendstream', at);
    try {
      out.push(zlib.inflateSync(pdf.subarray(at + 'stream\n'.length, end)).toString('latin1'));
    } catch {
      // not deflated
    }
  }
  return out;
}

const pdftotext = (pdf: Buffer) => execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8');
const squeeze = (s: string) => s.replace(/\s+/g, '');

function tool(name: string, pdf: Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'notice-pdf-')), 'n.pdf');
  fs.writeFileSync(file, pdf);
  try {
    return execFileSync(name, ['-list', file]).toString('utf8');
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true });
  }
}

describe('notice PDF', () => {
  const correction: NoticeDetails = {
    kind: 'correction',
    items: ['请明确所需信息的具体年度', '请提供身份证明复印件'],
    periodWorkingDays: 15,
    correctBy: '2026-10-30',
  };

  test('A4, embedded CJK font, the notice text and document number as pdftotext reads them', async () => {
    const { model } = renderNotice(context(correction));
    const pdf = await renderNoticePdf(model, { issuedOn: '2026-10-09' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.28 841\.89\]/);
    expect(pdf.toString('latin1')).toMatch(/\/FontFile2 /);
    const text = squeeze(pdftotext(pdf));
    expect(text).toContain(squeeze(model.title));
    expect(text).toContain('示例局依申请〔2026〕补正第3号');
    expect(text).toContain('王晓明：');
    expect(text).toContain('请明确所需信息的具体年度');
    expect(text).toContain('经审查，该申请内容不明确');
    expect(text).toContain('杭州市示例区住房和城乡建设局');
    expect(text).toContain('2026年10月9日');
    expect(text).toContain(squeeze(COUNTING_CONVENTION));
    expect(text).toContain('查询码：K7M2Q9X4TB');
    const fonts = execFileSync('pdffonts', ['-'], { input: pdf }).toString('utf8');
    expect(fonts).toMatch(/WenQuanYiMicroHei\s+CID TrueType\s+Identity-H\s+yes\s+yes/);
  });

  test('a table (the fee notice) prints every cell', async () => {
    const computation = feeByPages(230);
    const { model } = renderNotice(
      context({ kind: 'fee', computation, payBy: '2026-10-30', workingDays: 20 }, '示例局依申请〔2026〕收费第1号'),
    );
    const text = squeeze(pdftotext(await renderNoticePdf(model, { issuedOn: '2026-10-09' })));
    expect(text).toContain('计费档次');
    expect(text).toContain(`合计${computation.total.toFixed(2)}`);
    expect(text).toContain('示例局依申请〔2026〕收费第1号');
  });

  test('deterministic: two renders of one notice have the same SHA-256, another notice another', async () => {
    const { model } = renderNotice(context(correction));
    const a = await renderNoticePdf(model, { issuedOn: '2026-10-09', seal: SEAL });
    const b = await renderNoticePdf(renderNotice(context(correction)).model, { issuedOn: '2026-10-09', seal: SEAL });
    expect(sha256Hex(a)).toBe(sha256Hex(b));
    const other = await renderNoticePdf(renderNotice(context(correction, '示例局依申请〔2026〕补正第4号')).model, {
      issuedOn: '2026-10-09',
      seal: SEAL,
    });
    expect(sha256Hex(other)).not.toBe(sha256Hex(a));
  });

  test('the same bytes whatever was rendered before it (the parsed CJK font is shared between documents)', async () => {
    const render = async (ctx: NoticeContext) => renderNoticePdf(renderNotice(ctx).model, { issuedOn: '2026-10-09' });
    const first = sha256Hex(await render(context(correction)));
    await render(
      context({ kind: 'fee', computation: feeByPages(230), payBy: '2026-10-30', workingDays: 20 }, '示例局依申请〔2026〕收费第1号'),
    );
    expect(sha256Hex(await render(context(correction)))).toBe(first);
    // U+F9DE is a compatibility ideograph drawn with the glyph of 吏 (U+540F). fontkit remembers on each glyph the code
    // point it was first reached by, and pdfkit writes that into the ToUnicode map: a notice printing U+F9DE after
    // another printed 吏 must still map its glyph to U+F9DE.
    await render({ ...context(correction), intake: { ...intake, description: '吏员' } });
    const after = await render({ ...context(correction), intake: { ...intake, description: '\uF9DE员' } });
    expect(inflatedStreams(after).some((s) => s.includes('<f9de>'))).toBe(true);
  });

  test('a notice stored as HTML only reads back to the model it was printed from (its PDF is rendered on demand)', () => {
    const samples: NoticeDetails[] = [
      correction,
      { kind: 'receipt', channel: 'registered-mail', replyWorkingDays: 20, replyDue: '2026-10-30', awaitingConfirmation: false },
      { kind: 'fee', computation: feeByPages(230), payBy: null, workingDays: 20 },
      { kind: 'fee-waiver', approved: false, reasons: '不符合减免条件 <见附件> & 说明', requestReason: '经济困难' },
      { kind: 'third-party', party: '某某有限公司', address: '某地', workingDays: 15, answerBy: null },
    ];
    for (const details of samples) {
      const { html, model } = renderNotice(context(details));
      expect(legacyNoticeModel(html)).toEqual(model);
    }
    expect(legacyNoticeModel('<html><body>not a notice</body></html>')).toBeNull();
  });

  test('the seal is the one image on the signature line when configured; none without', async () => {
    const { model } = renderNotice(context(correction));
    const sealed = tool('pdfimages', await renderNoticePdf(model, { issuedOn: '2026-10-09', seal: SEAL }));
    expect(sealed.trim().split('\n').slice(2)).toHaveLength(1);
    expect(sealed).toMatch(/\n\s*1\s+0\s+image\s+8\s+8\s+rgb/);
    const plain = tool('pdfimages', await renderNoticePdf(model, { issuedOn: '2026-10-09' }));
    expect(plain.trim().split('\n').slice(2)).toHaveLength(0);
  });
});
