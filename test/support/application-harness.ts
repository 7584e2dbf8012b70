/** Drives application workflows in tests the way the API does: start, then one update per step. */
import { type Client, type WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { UpdateDefinition } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { ApplicationIntake, ApplicationState } from '../../domain/application/types';
import type { Actor } from '../../domain/case';
import { findRuleProfile } from '../../domain/rulesets';
import { seedDemoUsers } from '../../db/repositories/users';
import type { Database } from '../../db/schema';
import { application } from '../../workflows/application';
import * as m from '../../workflows/application-messages';
import { createTestDatabase, type TestDatabase } from './database';
import { startTimeSkippingServer } from './temporal';
import { ruleProfileRef } from '../../workflows/runtime/profile';
import type { StepResult } from '../../workflows/runtime/case-runtime';
import { registeredState, stepThenRead } from './case-steps';

export type Actors = Record<'clerk' | 'department' | 'reviewer' | 'leader' | 'supervisor' | 'admin', Actor>;

export async function demoActors(db: Kysely<Database>): Promise<Actors> {
  const users = await seedDemoUsers(db);
  const actor = (username: keyof Actors): Actor => ({
    userId: users[username]!.id,
    username,
    displayName: username,
    role: users[username]!.role,
    departmentCode: 'gkb',
  });
  return {
    clerk: actor('clerk'),
    department: actor('department'),
    reviewer: actor('reviewer'),
    leader: actor('leader'),
    supervisor: actor('supervisor'),
    admin: actor('admin'),
  };
}

export function intake(overrides: Partial<ApplicationIntake> = {}): ApplicationIntake {
  return {
    channel: 'in-person',
    applicant: {
      type: 'natural-person',
      name: '张三',
      idType: 'resident-id',
      idNumber: '110101199003071233',
      phone: '13800000000',
      address: '北京市东城区某街道1号',
    },
    description: '2025年度本局安全生产执法检查计划及执行情况',
    form: 'email',
    delivery: 'email',
    feeWaiverRequested: false,
    receivedOn: null,
    ...overrides,
  };
}

let counter = 0;

export async function startCase(
  client: Client,
  taskQueue: string,
  submittedBy: Actor,
  options: { intake: ApplicationIntake; profileId?: string; caseNo?: string },
): Promise<{ handle: WorkflowHandle<typeof application>; state: ApplicationState }> {
  counter += 1;
  const caseNo = options.caseNo ?? `2026-${String(900000 + counter + Math.floor(Math.random() * 9000) * 10).slice(-6)}`;
  const handle = await client.workflow.start(application, {
    workflowId: `application-${caseNo}`,
    taskQueue,
    args: [
      {
        caseNo,
        queryCode: `Q${caseNo.replace('-', '')}X`.slice(0, 10),
        agencyCode: 'demo',
        ruleProfile: ruleProfileRef(findRuleProfile(options.profileId ?? 'national-2019')!),
        intake: options.intake,
        submittedBy,
      },
    ],
  });
  return { handle, state: await registeredState(handle, m.awaitRegistrationUpdate, m.applicationStateQuery) };
}

/** Sends one step and returns the case after it (read by query: see stepThenRead). */
export function act<P>(handle: WorkflowHandle, update: UpdateDefinition<StepResult, [P]>, payload: P): Promise<ApplicationState> {
  return stepThenRead(handle, update, payload, m.applicationStateQuery);
}

export const clockOf = (state: ApplicationState, id: string) => state.clocks.find((c) => c.id === id);

/** The message of a step the workflow refused (its validator's reason); fails if it was accepted. */
export async function refused(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof WorkflowUpdateFailedError)) throw error;
    return error.cause?.message ?? '';
  }
  throw new Error('the step was not refused');
}

export interface ApplicationTimeSkipping {
  env: TestWorkflowEnvironment;
  database: TestDatabase;
  actors: Actors;
  stop(): Promise<void>;
}

/** The time-skipping server, a fresh database and a worker with real activities on `taskQueue`. */
export async function startApplicationTimeSkipping(taskQueue: string): Promise<ApplicationTimeSkipping> {
  const [env, database] = await Promise.all([startTimeSkippingServer(), createTestDatabase()]);
  const actors = await demoActors(database.db);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../workflows'),
    activities: createActivities({
      db: database.db,
      agency: { code: 'demo', name: '示例市应急管理局', shortName: '示例应急', defaultRuleProfileId: 'national-2019' },
    }),
  });
  const running = worker.run();
  return {
    env,
    database,
    actors,
    stop: async () => {
      worker.shutdown();
      await running;
      await env.teardown();
      await database.drop();
    },
  };
}
