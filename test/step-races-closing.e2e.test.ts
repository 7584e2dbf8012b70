/**
 * A step that races with the case closing: the API read the case as open, but its workflow
 * completed before the step reached it. Every kind answers 409 with the reason, never a 500.
 * The race is made certain by terminating the workflow behind the projection's back.
 */
import request from 'supertest';
import { shanghaiDateOf } from '../domain/calendar/dates';
import { type ApiStack, startApiStack } from './support/api-stack';

let stack: ApiStack;

beforeAll(async () => {
  stack = await startApiStack('step-races-closing');
});

afterAll(async () => {
  await stack?.stop();
});

const create = async (path: string, user: string, body: object): Promise<Record<string, string>> => {
  const res = await request(stack.app).post(path).set(stack.as(user)).send(body);
  expect({ status: res.status, error: res.body.error }).toEqual({ status: 201, error: undefined });
  return res.body;
};

async function applicationCase(): Promise<string> {
  return (await create('/api/applications', 'clerk', {
    channel: 'in-person',
    applicant: { type: 'natural-person', name: '孙八', idType: 'resident-id', idNumber: '110101199003071233', phone: '13800000001', address: '某市某区某路8号' },
    description: '2026年度安全生产执法检查计划',
    form: 'paper',
    delivery: 'post',
  })).caseNo!;
}

const KINDS: Array<{ kind: string; open: () => Promise<{ id: string; workflowId: string }>; step: { path: (id: string) => string; user: string; body: object } }> = [
  {
    kind: 'application',
    open: async () => {
      const caseNo = await applicationCase();
      return { id: caseNo, workflowId: `application-${caseNo}` };
    },
    step: { path: (id) => `/api/applications/${id}/accept`, user: 'clerk', body: {} },
  },
  {
    kind: 'dispute',
    open: async () => {
      const caseNo = await applicationCase();
      const today = shanghaiDateOf(Date.now());
      const { disputeNo } = await create('/api/disputes', 'clerk', { caseNo, kind: 'reconsideration', receivedOn: today, body: '示例市人民政府', claims: '确认未依法答复违法', departmentCode: 'xxzx' });
      return { id: disputeNo!, workflowId: `dispute-${disputeNo}` };
    },
    step: { path: (id) => `/api/disputes/${id}/submit-defence`, user: 'clerk', body: { summary: '答辩意见' } },
  },
  {
    kind: 'document',
    open: async () => {
      const { docId } = await create('/api/documents', 'department', {
        title: '关于印发示例市防汛应急预案的通知', docNumber: `示应急发〔2026〕${Math.floor(Math.random() * 900) + 100}号`, kind: '通知', normative: false,
        proposedAttribute: 'proactive', category: '02', description: '印发本市防汛应急预案', keywords: ['防汛'],
      });
      return { id: docId!, workflowId: `document-${docId}` };
    },
    step: { path: (id) => `/api/documents/${id}/verify`, user: 'clerk', body: {} },
  },
  {
    kind: 'incident',
    open: async () => {
      const { id } = await create('/api/incidents', 'clerk', {
        grade: '一般', title: '网传某路段塌陷', source: 'media', summary: '短视频平台流传', firstSeenAt: new Date(Date.now() - 60_000).toISOString(),
      });
      return { id: id!, workflowId: `incident-${id}` };
    },
    step: { path: (id) => `/api/incidents/${id}/assign`, user: 'clerk', body: { departmentCode: 'yjglk' } },
  },
  {
    kind: 'message',
    open: async () => {
      const { id } = await create('/api/messages', 'clerk', {
        type: 'help', channel: 'hotline', subject: '路灯不亮', content: '某路段路灯长期不亮', writer: { name: '周十', phone: '13712340000' }, ruleProfileId: 'bijie-004',
      });
      return { id: id!, workflowId: `message-${id}` };
    },
    step: { path: (id) => `/api/messages/${id}/assign`, user: 'clerk', body: { departmentCode: 'xxzx' } },
  },
];

it.each(KINDS)('$kind: a step reaching a completed workflow is a 409 with the reason, not a 500', async ({ open, step }) => {
  const { id, workflowId } = await open();
  await stack.env.client.workflow.getHandle(workflowId).terminate('closed while a step was on its way');
  const res = await request(stack.app).post(step.path(id)).set(stack.as(step.user)).send(step.body);
  expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 409, code: 'conflict' });
  expect(res.body.error.message).toMatch(/办结|已/);
});
