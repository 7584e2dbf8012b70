/**
 * The steps of every case kind, declared once per kind (api/steps/<kind>.ts): URL name, who
 * may take it, the own-department rule and the body schema; its workflow update is named from
 * the URL name by the kind's messages module.
 * From that one table come the workflow's payload types (`StepPayload`, z.output of the body),
 * the step routes (`caseStepRoutes`, one error mapping for every kind), their OpenAPI entries,
 * the step lines of the authorization matrix (`stepRights`), and the steps offered in each
 * case view (`offeredStepsOf`).
 */
import type { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Request } from 'express';
import type { z } from 'zod';
import type { Actor } from '../domain/case';
import type { Role } from '../domain/roles';
import type { User } from '../db/repositories/users';
import type { StepResult } from '../workflows/runtime/case-runtime';
import { ApiError } from './errors';
import { requestUpdateId } from './idempotency';
import type { RouteTable } from './route';
import { actorOf, offeredSteps, sendStep } from './workflow-steps';

/** A step's workflow update: each kind's messages module names it from the step's URL name. */
export type StepUpdate = UpdateDefinition<StepResult, [any]>;

export interface StepSpec {
  summary: string;
  roles: readonly Role[];
  /** Department users may take this step only on cases of their own department. */
  ownDepartment?: boolean;
  body: z.ZodType;
  /** The step reaches a closed case, whose run has completed, by starting a new run (see `reopen`). */
  reopens?: true;
}

/** A kind's steps by URL name, in the order the console lists them. */
export type StepTable = Record<string, StepSpec>;

export const defineSteps = <T extends StepTable>(steps: T): T => steps;

/** What the workflow receives for a step: the body as zod parsed it, and who acts. */
export type StepPayload<T extends StepTable, N extends keyof T> = z.output<T[N]['body']> & { actor: Actor };

/** The step routes' lines of the authorization matrix: `POST <casePath>/<step>` → its roles. */
export function stepRights(casePath: string, steps: StepTable): Record<string, readonly Role[]> {
  return Object.fromEntries(Object.entries(steps).map(([name, step]) => [`POST ${casePath}/${name}`, step.roles]));
}

/** The workflow's name of a step (`gongkai.incident.recordConsent` → `recordConsent`), as the domain's checks name it. */
const workflowStepName = (update: StepUpdate): string => update.name.slice(update.name.lastIndexOf('.') + 1);

/** URL names of the steps `viewer` may take now, given what the case's state allows (see offeredSteps). */
export function offeredStepsOf(
  steps: StepTable,
  updateOf: (name: string) => StepUpdate,
  viewer: User,
  caseDepartment: string | null,
  allowed: readonly string[],
): string[] {
  return offeredSteps(
    Object.entries(steps).map(([name, step]) => ({ name, stepName: workflowStepName(updateOf(name)), ...step })),
    viewer,
    caseDepartment,
    allowed,
  );
}

/** What a step route reads of the case before sending the step. */
export interface StepTarget {
  workflowId: string;
  /** The department the own-department rule compares with. */
  departmentCode: string | null;
  closed: boolean;
}

export interface StepContext<T extends StepTarget> {
  id: string;
  name: string;
  step: StepSpec;
  target: T;
  /** The body as validated, with the actor. */
  payload: Record<string, unknown> & { actor: Actor };
  user: User;
  req: Request;
}

export interface CaseStepRoutes<T extends StepTarget> {
  /** e.g. `/api/applications/:caseNo`; the id is the path's only parameter. */
  casePath: string;
  params: z.ZodObject;
  tag: string;
  /** The case in messages: `application`, `dispute` … */
  noun: string;
  steps: StepTable;
  /** The workflow update of a step, by URL name (the kind's messages module: `incidentStepUpdate` …). */
  updateOf: (name: string) => StepUpdate;
  response: { description: string; schema: z.ZodType };
  /** The case, if the caller's agency has it (another agency's case is not found, as if it did not exist). */
  target: (id: string, agencyCode: string) => Promise<T | undefined>;
  /** The refusal of a step on a closed case (its workflow has completed and takes no more). */
  closedMessage: string | ((ctx: StepContext<T>) => string);
  /** How the own-department refusal names the case's department: `is assigned to`, `belongs to` … */
  departmentRelation?: string;
  /** Checks of one kind beyond roles and department (e.g. which role signs which review level). */
  authorize?: (ctx: StepContext<T>) => void;
  /** Fills what the workflow needs beyond the body (e.g. today's date). */
  complete?: (payload: StepContext<T>['payload']) => StepContext<T>['payload'];
  /** Checks against the database that the body's references exist (an agency named by a reply …); throws a 400 naming the field. */
  verify?: (ctx: StepContext<T>) => Promise<void>;
  /** Sends a `reopens` step to a closed case (a new run); other steps go to the running workflow. */
  reopen?: (ctx: StepContext<T>) => Promise<void>;
  /** The case after the step, as its GET answers it (and any read of personal data it records). */
  view: (ctx: StepContext<T>) => Promise<unknown>;
}

/** One POST route per step of a kind, with one error mapping: 404, closed → 409, own department → 403, refusal → 409. */
export function caseStepRoutes<T extends StepTarget>(routes: RouteTable, temporal: Client, kind: CaseStepRoutes<T>): void {
  const idName = /:([A-Za-z]+)$/.exec(kind.casePath)?.[1];
  if (!idName) throw new Error(`${kind.casePath} must end with its id parameter`);
  for (const [name, step] of Object.entries(kind.steps)) {
    routes.add({
      method: 'post',
      path: `${kind.casePath}/${name}`,
      summary: step.summary,
      tags: [kind.tag],
      roles: step.roles,
      params: kind.params,
      body: step.body,
      response: { status: 200, ...kind.response },
      errors: { 404: `no such ${kind.noun}`, 409: `the step is not allowed in the ${kind.noun}’s current state (reason in message)` },
      handler: async ({ params, body, user, req }) => {
        const id = (params as Record<string, string>)[idName]!;
        const target = await kind.target(id, user!.agencyCode);
        if (!target) throw new ApiError(404, 'not_found', `${kind.noun} ${id} not found`);
        const ctx: StepContext<T> = {
          id,
          name,
          step,
          target,
          payload: { ...(body as object), actor: actorOf(user!) },
          user: user!,
          req,
        };
        const reopening = target.closed && step.reopens && kind.reopen !== undefined;
        if (target.closed && !reopening) {
          throw new ApiError(409, 'conflict', typeof kind.closedMessage === 'string' ? kind.closedMessage : kind.closedMessage(ctx));
        }
        if (step.ownDepartment && user!.role === 'department' && target.departmentCode !== user!.departmentCode) {
          throw new ApiError(
            403,
            'forbidden',
            `${kind.noun} ${id} ${kind.departmentRelation ?? 'is assigned to'} ${target.departmentCode ?? 'no department'}, not ${user!.departmentCode}`,
          );
        }
        kind.authorize?.(ctx);
        await kind.verify?.(ctx);
        if (kind.complete) ctx.payload = kind.complete(ctx.payload);
        // A refusal, or a case closed between our read and the step, is a 409 (sendStep).
        if (reopening) await kind.reopen!(ctx);
        else await sendStep(temporal, target.workflowId, kind.updateOf(name), ctx.payload, requestUpdateId(req));
        return kind.view(ctx) as Promise<never>;
      },
    });
  }
}
