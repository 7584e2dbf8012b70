/**
 * The whole stack for end-to-end tests: the real Temporal dev server, a fresh database, a
 * worker with real activities, the Express app, and a bearer token per demo user.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Express } from 'express';
import request from 'supertest';
import { type ActivityDeps, createActivities } from '../../activities';
import { createApp } from '../../api/app';
import type { AgencyConfig } from '../../domain/agency';
import { issueToken, seedDemoUsers, seedSecondDemoAgency } from '../../db/repositories/users';
import { createTestDatabase, type TestDatabase } from './database';
import { startDevServer, TEST_NAMESPACE } from './temporal';

export const TEST_AGENCY: AgencyConfig = {
  code: 'demo',
  name: '示例市应急管理局',
  shortName: '示例应急',
  defaultRuleProfileId: 'national-2019',
};

export interface ApiStack {
  env: TestWorkflowEnvironment;
  database: TestDatabase;
  app: Express;
  /**
   * Authorization header of a demo user (clerk, department, reviewer, leader, supervisor, admin);
   * with `secondAgency`, also `sfj.clerk` … of 示例市司法局 and `platform.supervisor`, `platform.admin`.
   */
  as(user: string): { Authorization: string };
  /** POST /api/applications/:caseNo/:action as a user. */
  post(caseNo: string, action: string, user: string, body?: object): request.Test;
  stop(): Promise<void>;
}

/**
 * `mail` / `sms`: where notices to applicants go (activities/applicant-messages.ts); unset, they stay queued.
 * `secondAgency`: the platform also has 示例市司法局 (`sfj`) and the platform's supervisor and admin.
 */
export async function startApiStack(
  taskQueue: string,
  options: Pick<ActivityDeps, 'mail' | 'sms'> & { secondAgency?: boolean } = {},
): Promise<ApiStack> {
  const [env, database] = await Promise.all([startDevServer(), createTestDatabase()]);
  const tokens: Record<string, string> = {};
  const users = { ...(await seedDemoUsers(database.db)), ...(options.secondAgency ? await seedSecondDemoAgency(database.db) : {}) };
  for (const [username, user] of Object.entries(users)) tokens[username] = await issueToken(database.db, user.id, taskQueue);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: TEST_NAMESPACE,
    taskQueue,
    workflowsPath: require.resolve('../../workflows'),
    activities: createActivities({
      db: database.db,
      agency: TEST_AGENCY,
      temporal: env.client,
      mail: options.mail ?? null,
      ...(options.sms ? { sms: options.sms } : {}),
    }),
  });
  const running = worker.run();
  // No rate limits: tests (and the fuzzer) send bursts on purpose.
  const app = createApp({
    db: database.db,
    temporal: env.client,
    namespace: TEST_NAMESPACE,
    taskQueue,
    agency: TEST_AGENCY,
    rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 },
  });
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  return {
    env,
    database,
    app,
    as,
    post: (caseNo, action, user, body = {}) => request(app).post(`/api/applications/${caseNo}/${action}`).set(as(user)).send(body),
    stop: async () => {
      worker.shutdown();
      await running;
      await env.teardown();
      await database.drop();
    },
  };
}
