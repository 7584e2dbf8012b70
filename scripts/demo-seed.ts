/**
 * Fills a fresh system with a living mix of cases through the real HTTP API, as clerks,
 * departments, reviewers and leaders would: a few hundred applications received over the
 * last seven weeks, stopped at every stage (some suspended, some extended, some long
 * overdue, many closed), a few disputes over closed ones, and outgoing documents, 舆情
 * incidents and citizen messages in proportion. Deterministic for a seed.
 */
import { addDays, shanghaiDateOf } from '../domain/calendar/dates';
import { creditCodeCheckChar, residentIdCheckChar } from '../domain/identity';
import type { WorkingDayCalendar } from '../domain/calendar/working-days';
import { fetchHonouringRetryAfter } from './api-client';

export interface DemoSeedOptions {
  baseUrl: string;
  /** Bearer token per demo username (clerk, department, reviewer, leader, supervisor, admin). */
  tokens: Record<string, string>;
  calendar: WorkingDayCalendar;
  count?: number;
  seed?: number;
  /**
   * Another agency of the platform: its users' and departments' prefix (`sfj` → `sfj.clerk`,
   * `sfj-yjglk`), as `seedSecondDemoAgency` names them.
   */
  agencyPrefix?: string;
  log?: (line: string) => void;
}

const SURNAMES = '赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜';
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明', '超', '秀英', '霞', '平', '刚'];
const COMPANIES = [
  '某某化工有限公司',
  '某某建设工程有限公司',
  '某某安全技术咨询有限公司',
  '某某律师事务所',
  '某某大学公共安全研究院',
  '某某环保公益服务中心',
];
const SUBJECTS = [
  '年度安全生产执法检查计划',
  '危险化学品企业名单',
  '防汛物资储备清单',
  '应急预案（修订稿）',
  '生产安全事故调查报告',
  '消防安全重点单位名录',
  '应急避难场所分布',
  '安全生产许可证核发情况',
  '行政处罚决定书',
  '应急演练评估报告',
  '森林防火物资采购合同',
  '尾矿库安全监测数据',
];
const DEPARTMENTS = ['yjglk', 'yjglk', 'yjglk', 'xxzx', 'dcs'];

/** Demo identifiers carry the check digits intake verifies (GB 11643, GB 32100-2015). */
const residentId = (birthDate: string, sequence: number) => {
  const body = `110101${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return body + residentIdCheckChar(body);
};
const creditCode = (body17: string) => body17 + creditCodeCheckChar(body17);

type Stop =
  | 'registered'
  | 'awaiting-confirmation'
  | 'accepted'
  | 'assigned'
  | 'proposed'
  | 'reviewed'
  | 'decided'
  | 'signed'
  | 'closed'
  | 'suspended'
  | 'extended'
  | 'withdrawn';
const STOPS: Array<[Stop, number]> = [
  ['awaiting-confirmation', 4],
  ['registered', 8],
  ['accepted', 10],
  ['assigned', 14],
  ['proposed', 8],
  ['reviewed', 6],
  ['decided', 5],
  ['signed', 4],
  ['closed', 30],
  ['suspended', 4],
  ['extended', 4],
  ['withdrawn', 3],
];

/** `rateLimitedWaits`: how often the API's rate limit (429) held a request back until its Retry-After. */
export async function seedDemoCases(options: DemoSeedOptions): Promise<{
  applications: number;
  disputes: number;
  documents: number;
  incidents: number;
  messages: number;
  failures: number;
  rateLimitedWaits: number;
}> {
  const { baseUrl, calendar } = options;
  const prefix = options.agencyPrefix;
  // The agency's users by their role name, and its department codes.
  const tokens: Record<string, string> = prefix
    ? Object.fromEntries(
        Object.entries(options.tokens).flatMap(([u, t]) => (u.startsWith(`${prefix}.`) ? [[u.slice(prefix.length + 1), t]] : [])),
      )
    : options.tokens;
  const dept = (code: string) => (prefix ? `${prefix}-${code}` : code);
  const log = options.log ?? (() => undefined);
  let state = options.seed ?? 20261121;
  const random = (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  const pick = <T>(items: readonly T[]) => items[random(items.length)]!;
  const weighted = () => {
    const total = STOPS.reduce((s, [, w]) => s + w, 0);
    let r = random(total);
    for (const [stop, w] of STOPS) if ((r -= w) < 0) return stop;
    return 'registered' as Stop;
  };

  // The API's own rate limits (api/rate-limits.ts) hold a burst back with 429 and Retry-After: wait as told, say so now and then.
  let rateLimitedWaits = 0;
  let lastWaitLogged = 0;
  const onWait = ({ waitMs }: { waitMs: number }) => {
    rateLimitedWaits += 1;
    if (Date.now() - lastWaitLogged < 10_000) return;
    lastWaitLogged = Date.now();
    log(`demo: the API's rate limit holds the seeding back (429); continuing in ${Math.ceil(waitMs / 1000)} s (its Retry-After)`);
  };

  async function call(user: string, method: 'GET' | 'POST', path: string, body?: object): Promise<Record<string, unknown>> {
    const res = await fetchHonouringRetryAfter(
      `${baseUrl}${path}`,
      {
        method,
        headers: { Authorization: `Bearer ${tokens[user]}`, 'Content-Type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      },
      { onWait },
    );
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${path} as ${user}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  const today = shanghaiDateOf(Date.now());
  const workingDaysAgo = (k: number) => (k === 0 ? today : calendar.workingDaysBefore(today, k));
  const count = options.count ?? 300;
  const closed: string[] = [];
  let failures = 0;
  let applicationFailures = 0;

  async function one(i: number): Promise<void> {
    const stop = weighted();
    // Received 0–34 working days ago: anything received more than 20 WD ago and still open is overdue.
    const receivedOn = workingDaysAgo(random(35));
    const organisation = random(4) === 0;
    const channel =
      stop === 'awaiting-confirmation' ? pick(['online', 'email'] as const) : pick(['in-person', 'in-person', 'registered-mail'] as const);
    const intake = {
      channel,
      ...(channel === 'online' || channel === 'email' ? {} : { receivedOn }),
      applicant: organisation
        ? {
            type: pick(['commercial', 'research', 'public-interest', 'legal-services'] as const),
            name: pick(COMPANIES),
            contactPerson: `${pick([...SURNAMES])}${pick(GIVEN)}`,
            idType: 'unified-credit-code',
            idNumber: creditCode(`91110000MA0${String(100000 + i)}`),
            phone: `0108${String(1000000 + random(8999999))}`,
            address: `某市某区某路${1 + random(300)}号`,
          }
        : {
            type: 'natural-person',
            name: `${pick([...SURNAMES])}${pick(GIVEN)}`,
            idType: 'resident-id',
            idNumber: residentId(addDays('1960-01-01', random(14_600)), random(1000)),
            phone: `13${String(100000000 + random(899999999))}`,
            address: `某市某区某街道${1 + random(200)}号`,
          },
      description: `${2024 + random(3)}年度${pick(SUBJECTS)}`,
      form: pick(['paper', 'email', 'disc'] as const),
      delivery: pick(['post', 'email', 'pick-up'] as const),
    };
    const created = await call('clerk', 'POST', '/api/applications', intake);
    const caseNo = created.caseNo as string;
    const step = (user: string, action: string, body: object = {}) => call(user, 'POST', `/api/applications/${caseNo}/${action}`, body);
    if (stop === 'awaiting-confirmation' || stop === 'registered') return;
    if (stop === 'withdrawn') {
      await step('clerk', 'withdraw', { on: today, reason: '申请人书面撤回申请' });
      return;
    }
    await step('clerk', 'accept');
    if (stop === 'accepted') return;
    if (stop === 'suspended') {
      await step('clerk', 'suspend', { reason: '涉及信息正在司法程序中，依法中止办理', on: today });
      return;
    }
    const department = dept(stop === 'assigned' ? pick(DEPARTMENTS) : 'yjglk'); // only 应急管理科's demo user proposes
    await step('clerk', 'assign', { departmentCode: department });
    if (stop === 'assigned') return;
    if (stop === 'extended') {
      await step('department', 'request-extension', { workingDays: 20, reason: '所需信息涉及多个年度，需逐件检索核对' });
      await step('leader', 'approve-extension');
      return;
    }
    const outcome = pick([
      'disclosed',
      'disclosed',
      'partially-disclosed',
      'cannot-provide.not-held',
      'not-disclosed.process-information',
    ] as const);
    await step('department', 'propose', { outcome, summary: '经检索，拟按下列意见答复', reasons: '依据条例相关规定' });
    if (stop === 'proposed') return;
    await step('reviewer', 'review-secrecy', { level: 1, conclusion: 'pass', notes: '不涉及国家秘密' });
    await step('leader', 'review-secrecy', { level: 2, conclusion: 'pass', notes: '同意' });
    if (stop === 'reviewed') return;
    await step('clerk', 'decide', { outcome, reasons: '经审查，依法作出答复', legalBasis: '《中华人民共和国政府信息公开条例》第三十六条' });
    if (stop === 'decided') return;
    await step('leader', 'sign-off');
    if (stop === 'signed') return;
    await step('clerk', 'deliver', { method: 'post', deliveredOn: today, trackingNo: `EMS${String(i).padStart(9, '0')}CN` });
    await step('clerk', 'close');
    closed.push(caseNo);
  }

  for (let i = 0; i < count; i += 8) {
    const batch = await Promise.allSettled(Array.from({ length: Math.min(8, count - i) }, (_, k) => one(i + k)));
    for (const result of batch) {
      if (result.status === 'rejected') {
        failures += 1;
        applicationFailures += 1;
        log(`demo: ${(result.reason as Error).message}`);
      }
    }
    if ((i / 8) % 5 === 0) log(`demo: ${Math.min(i + 8, count)}/${count} applications`);
  }

  let disputes = 0;
  for (const [k, caseNo] of closed.slice(0, 12).entries()) {
    const kind = pick(['reconsideration', 'reconsideration', 'litigation-direct', 'litigation-after-reconsideration'] as const);
    const filed = await call('clerk', 'POST', '/api/disputes', {
      caseNo,
      kind,
      receivedOn: workingDaysAgo(random(12)),
      body: kind === 'reconsideration' ? '示例市人民政府' : '示例区人民法院',
      claims: '请求撤销被申请人作出的政府信息公开答复并责令重新答复',
      departmentCode: dept('yjglk'),
    });
    disputes += 1;
    const disputeNo = filed.disputeNo as string;
    if (k % 3 === 0) continue;
    await call('department', 'POST', `/api/disputes/${disputeNo}/submit-evidence`, {
      items: ['答复书及送达回证', '检索记录', '保密审查记录'],
    });
    await call('clerk', 'POST', `/api/disputes/${disputeNo}/submit-defence`, { summary: '被申请人已依法履行答复义务，答复内容合法' });
    if (k % 3 === 1)
      await call('clerk', 'POST', `/api/disputes/${disputeNo}/record-result`, {
        result: pick(['upheld', 'corrected', 'other'] as const),
        summary: '复议机关作出决定',
      });
  }
  const others = { documents: 0, incidents: 0, messages: 0 };
  const tryOne = async (what: keyof typeof others, run: () => Promise<void>) => {
    try {
      await run();
      others[what] += 1;
    } catch (error) {
      failures += 1;
      log(`demo: ${(error as Error).message}`);
    }
  };

  // Outgoing documents of 应急管理科 under 黄岩's release clocks, stopped at each stage.
  const scale = Math.max(1, Math.round(count / 30));
  for (let i = 0; i < 2 * scale; i += 1) {
    await tryOne('documents', async () => {
      const subject = pick(SUBJECTS);
      const created = await call('department', 'POST', '/api/documents', {
        title: `关于印发${subject}的通知`,
        docNumber: `示应急发〔2026〕${100 + i}号`,
        kind: '通知',
        normative: random(3) === 0,
        proposedAttribute: 'proactive',
        category: '02',
        description: `印发${subject}`,
        keywords: [subject.slice(0, 4)],
        ruleProfileId: 'huangyan-003',
      });
      const docId = created.docId as string;
      const step = (user: string, action: string, body: object = {}) => call(user, 'POST', `/api/documents/${docId}/${action}`, body);
      if (random(4) === 0) return;
      await step('clerk', 'verify');
      await step('reviewer', 'review-secrecy', { level: 1, conclusion: 'pass', basis: '定密目录', notes: '不涉密' });
      await step('leader', 'review-secrecy', { level: 2, conclusion: 'pass', basis: '一级审查意见', notes: '同意' });
      if (random(3) === 0) return;
      if (created.normative) {
        // 黄岩: a draft normative document is signed only after ≥ 7 WD of public comment (seed 003 第五条).
        await step('department', 'open-public-comment', {
          startedOn: workingDaysAgo(12),
          channel: '区政府门户网站',
          draftingNote: `${subject}起草说明：必要性、主要措施及依据`,
        });
        await step('department', 'close-public-comment', {
          endedOn: workingDaysAgo(2),
          commentsReceived: random(6),
          commentRecord: '意见均已研究，合理意见予以采纳',
        });
      }
      await step('leader', 'sign-off', { finalAttribute: 'proactive' });
    });
  }

  // 舆情 seen over the last few hours: a 重大 one seen 2 h ago has already missed its 1 h report.
  for (let i = 0; i < scale; i += 1) {
    await tryOne('incidents', async () => {
      const grade = pick(['重大', '较大', '一般', '一般'] as const);
      const created = await call('clerk', 'POST', '/api/incidents', {
        grade,
        title: `网传${pick(SUBJECTS)}存在问题`,
        source: pick(['media', 'portal', 'hotline'] as const),
        link: 'https://example.cn/news',
        summary: '网络平台出现相关帖文，正在核实',
        firstSeenAt: new Date(Date.now() - random(240) * 60_000).toISOString(),
      });
      if (random(2) === 0) await call('clerk', 'POST', `/api/incidents/${created.id as string}/assign`, { departmentCode: dept('yjglk') });
    });
  }

  // Citizen messages under 毕节's limits (seed 004), received over the last two weeks.
  for (let i = 0; i < 2 * scale; i += 1) {
    await tryOne('messages', async () => {
      const type = pick(['policy-question', 'policy-question', 'complaint', 'help', 'investigation'] as const);
      const created = await call('clerk', 'POST', '/api/messages', {
        type,
        channel: pick(['mailbox', 'message-board', 'hotline'] as const),
        subject: `关于${pick(SUBJECTS)}的${type === 'policy-question' ? '咨询' : '反映'}`,
        content: '请相关部门予以答复',
        receivedOn: workingDaysAgo(random(10)),
        ruleProfileId: 'bijie-004',
        writer: { name: `${pick([...SURNAMES])}${pick(GIVEN)}`, phone: `13${String(100000000 + random(899999999))}` },
        ...(type === 'complaint' ? { complainedDepartmentCode: dept('dcs') } : {}),
      });
      if (random(3) > 0) await call('clerk', 'POST', `/api/messages/${created.id as string}/assign`, { departmentCode: dept('yjglk') });
    });
  }
  log(`demo: ${others.documents} documents, ${others.incidents} incidents, ${others.messages} messages`);
  return { applications: count - applicationFailures, disputes, ...others, failures, rateLimitedWaits };
}
