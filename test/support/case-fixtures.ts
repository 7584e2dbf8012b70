/** One new case of each kind through the API, for tests that walk every kind alike. */
import request from 'supertest';
import { shanghaiDateOf } from '../../domain/calendar/dates';
import type { ApiStack } from './api-stack';

export interface NewCase {
  id: string;
  workflowId: string;
  /** GET path of the case view. */
  path: string;
}

async function create(stack: ApiStack, path: string, user: string, body: object): Promise<Record<string, string>> {
  const res = await request(stack.app).post(path).set(stack.as(user)).send(body);
  expect({ status: res.status, error: res.body.error }).toEqual({ status: 201, error: undefined });
  return res.body;
}

export async function newApplication(stack: ApiStack): Promise<NewCase> {
  const { caseNo } = await create(stack, '/api/applications', 'clerk', {
    channel: 'in-person',
    applicant: {
      type: 'natural-person',
      name: '孙八',
      idType: 'resident-id',
      idNumber: '110101199003071233',
      phone: '13800000001',
      address: '某市某区某路8号',
    },
    description: '2026年度安全生产执法检查计划',
    form: 'paper',
    delivery: 'post',
  });
  return { id: caseNo!, workflowId: `application-${caseNo}`, path: `/api/applications/${caseNo}` };
}

export async function newDispute(stack: ApiStack): Promise<NewCase> {
  const application = await newApplication(stack);
  const { disputeNo } = await create(stack, '/api/disputes', 'clerk', {
    caseNo: application.id,
    kind: 'reconsideration',
    receivedOn: shanghaiDateOf(Date.now()),
    body: '示例市人民政府',
    claims: '确认未依法答复违法',
    departmentCode: 'xxzx',
  });
  return { id: disputeNo!, workflowId: `dispute-${disputeNo}`, path: `/api/disputes/${disputeNo}` };
}

export async function newDocument(stack: ApiStack): Promise<NewCase> {
  const { docId } = await create(stack, '/api/documents', 'department', {
    title: '关于印发示例市防汛应急预案的通知',
    docNumber: `示应急发〔2026〕${Math.floor(Math.random() * 9000) + 1000}号`,
    kind: '通知',
    normative: false,
    proposedAttribute: 'proactive',
    category: '02',
    description: '印发本市防汛应急预案',
    keywords: ['防汛'],
  });
  return { id: docId!, workflowId: `document-${docId}`, path: `/api/documents/${docId}` };
}

export async function newIncident(stack: ApiStack): Promise<NewCase> {
  const { id } = await create(stack, '/api/incidents', 'clerk', {
    grade: '一般',
    title: '网传某路段塌陷',
    source: 'media',
    summary: '短视频平台流传',
    firstSeenAt: new Date(Date.now() - 60_000).toISOString(),
  });
  return { id: id!, workflowId: `incident-${id}`, path: `/api/incidents/${id}` };
}

export async function newMessage(stack: ApiStack): Promise<NewCase> {
  const { id } = await create(stack, '/api/messages', 'clerk', {
    type: 'help',
    channel: 'hotline',
    subject: '路灯不亮',
    content: '某路段路灯长期不亮',
    writer: { name: '周十', phone: '13712340000' },
    ruleProfileId: 'bijie-004',
  });
  return { id: id!, workflowId: `message-${id}`, path: `/api/messages/${id}` };
}
