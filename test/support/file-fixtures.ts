/**
 * Small files of each kind the file store must tell apart by content, built in memory. `salt`
 * makes the bytes (and so the SHA-256) differ between tests that must not share a stored file.
 */
import { strToU8, zipSync } from 'fflate';

const DOCX_TYPES =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';

const XLSX_TYPES =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>';

export interface FileFixtures {
  pdf: Buffer;
  xlsx: Buffer;
  jpeg: Buffer;
  docx: Buffer;
  ofd: Buffer;
  zip: Buffer;
  gif: Buffer;
  exe: Buffer;
}

export function fileFixtures(salt = ''): FileFixtures {
  const pdf = Buffer.from(
    `%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj << /Type /Catalog >> endobj\n% ${salt}\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
    'latin1',
  );
  const jpeg = Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
    Buffer.from(`JFIF\0\x01\x01\0\0\x01\0\x01\0\0${salt}`, 'latin1'),
    Buffer.from([0xff, 0xd9]),
  ]);
  const docx = Buffer.from(
    zipSync({
      '[Content_Types].xml': strToU8(DOCX_TYPES),
      '_rels/.rels': strToU8('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'),
      'word/document.xml': strToU8(
        `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>区分处理 ${salt}</w:t></w:r></w:p></w:body></w:document>`,
      ),
    }),
  );
  const xlsx = Buffer.from(
    zipSync({
      '[Content_Types].xml': strToU8(XLSX_TYPES),
      'xl/workbook.xml': strToU8(
        `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><!-- ${salt} --></workbook>`,
      ),
    }),
  );
  const ofd = Buffer.from(
    zipSync({
      'OFD.xml': strToU8(
        `<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD"><!-- ${salt} --></ofd:OFD>`,
      ),
      'Doc_0/Document.xml': strToU8('<ofd:Document/>'),
    }),
  );
  const zip = Buffer.from(zipSync({ 'notes.txt': strToU8(`an archive ${salt}`) }));
  const gif = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.from([1, 0, 1, 0, 0x80, 0, 0]), Buffer.from(salt)]);
  const exe = Buffer.concat([
    Buffer.from('MZ', 'latin1'),
    Buffer.alloc(58),
    Buffer.from([0x80, 0, 0, 0]),
    Buffer.alloc(64),
    Buffer.from('PE\0\0', 'latin1'),
    Buffer.alloc(64),
  ]);
  return { pdf, xlsx, jpeg, docx, ofd, zip, gif, exe };
}

/** The columns an `applications` row needs; the store reads only `state.delivery`. */
export function applicationRow(caseNo: string, departmentCode: string | null = null) {
  return {
    case_no: caseNo,
    workflow_id: `application-${caseNo}`,
    query_code: `Q${caseNo.replace('-', '')}`,
    agency_code: 'demo',
    rule_profile_id: 'national-2019',
    rule_profile_version: '1',
    channel: 'in-person',
    applicant_type: 'natural-person',
    applicant_name: '李四',
    applicant_id_number: '11010519491231002X',
    description: '2025年度执法检查计划',
    intake: JSON.stringify({}),
    state: JSON.stringify({ delivery: null }),
    stage: 'registered',
    status: 'open',
    department_code: departmentCode,
    last_seq: 1,
  } as never;
}
