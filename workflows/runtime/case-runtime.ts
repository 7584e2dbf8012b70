/**
 * What every case workflow (application, document, incident, message, dispute) is made of:
 * one lock so steps and fired clocks apply one at a time, steps as updates refused with one
 * failure type (validator first, re-checked under the lock once earlier steps have landed),
 * the registration gate the API waits on, the calendar-changed signal and the timer loop.
 * Each kind composes these and keeps what is its own (its clocks, notices, records).
 */
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { allHandlersFinished, ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import type { Actor } from '../../domain/case';
import { type IsoDate, shanghaiDateOf } from '../../domain/calendar/dates';
import { ACTION_REFUSED } from './refusal';

/** The actor of what the workflow does by itself (fired clocks, expiries, recomputations). */
export const SYSTEM_ACTOR: Actor = { userId: '0', username: 'system', displayName: '系统', role: 'admin', departmentCode: '' };

/** Today in Shanghai, from workflow time (deterministic on replay). */
export const today = (): IsoDate => shanghaiDateOf(Date.now());
export const nowIso = (): string => new Date(Date.now()).toISOString();

/** What a step's update answers: enough to tell the step landed; the API reads the case from PostgreSQL. */
export interface StepResult {
  seq: number;
  stage: string;
}

interface CaseCore {
  seq: number;
  stage: string;
  closed: boolean;
}

export interface TimerLoop {
  /** Epoch ms of the earliest reminder, miss or expiry not yet handled; null when none is armed. */
  nextTimer(): number | null;
  /** Handles everything due by now (called under the lock). */
  fireDueTimers(): Promise<void>;
  /** Re-derives the clocks after a calendar change (called under the lock). */
  recompute?(): Promise<void>;
}

export class CaseRuntime<S extends CaseCore> {
  private busy = false;
  private registered = false;
  private calendarChanged = false;

  constructor(private readonly state: S) {}

  /** Runs `fn` alone: no step or fired clock interleaves with another. */
  async exclusively<T>(fn: () => Promise<T>): Promise<T> {
    await condition(() => !this.busy);
    this.busy = true;
    try {
      return await fn();
    } finally {
      this.busy = false;
    }
  }

  result(): StepResult {
    return { seq: this.state.seq, stage: this.state.stage };
  }

  /**
   * A step: `refusal` says why the case's state does not allow it (or null). The validator
   * refuses before anything is written to history; the handler checks again under the lock,
   * since a step admitted alongside may have landed first, and refuses with ACTION_REFUSED.
   */
  step<P>(
    definition: UpdateDefinition<StepResult, [P]>,
    refusal: (payload: P) => string | null,
    run: (payload: P) => Promise<void>,
    /** The check under the lock when it differs from the validator's (a rule behind a patch). */
    recheck: (payload: P) => string | null = refusal,
  ): void {
    setHandler(
      definition,
      async (payload: P) =>
        this.exclusively(async () => {
          const reason = recheck(payload);
          if (reason) throw ApplicationFailure.create({ type: ACTION_REFUSED, message: reason, nonRetryable: true });
          await run(payload);
          return this.result();
        }),
      {
        validator: (payload: P) => {
          const reason = refusal(payload);
          if (reason) throw new Error(reason);
        },
      },
    );
  }

  /** The update the API waits on after starting the case: answers once registration is persisted. */
  registrationGate(definition: UpdateDefinition<StepResult, []>): void {
    setHandler(definition, async () => {
      await condition(() => this.registered);
      return this.result();
    });
  }

  /** Registration, under the lock; the gate opens once `persist` has returned. */
  async register(persist: () => Promise<void>): Promise<void> {
    await this.exclusively(persist);
    this.registered = true;
  }

  /** A run of a case registered long ago (a reopened document): the gate is open from the start. */
  alreadyRegistered(): void {
    this.registered = true;
  }

  /** The signal the calendar broadcast sends when working days change: clocks are re-derived. */
  calendarSignal(definition: SignalDefinition<any[]>): void {
    // each kind's signal carries its own (unused) payload
    setHandler(definition, () => {
      this.calendarChanged = true;
    });
  }

  /**
   * Arms one timer for the next thing due, handles it, and waits again, until the case
   * closes; wakes early for a step that moved the clocks, a calendar change, or closure.
   * Returns once every handler has finished.
   */
  async runTimers(loop: TimerLoop): Promise<void> {
    while (!this.state.closed) {
      const next = loop.nextTimer();
      if (next !== null && next <= Date.now()) {
        await this.exclusively(() => loop.fireDueTimers());
        continue;
      }
      const wake = () => this.state.closed || this.calendarChanged || loop.nextTimer() !== next;
      if (next === null) await condition(wake);
      else await condition(wake, next - Date.now());
      if (this.calendarChanged) {
        this.calendarChanged = false;
        if (loop.recompute) await this.exclusively(() => loop.recompute!());
      }
    }
    await condition(allHandlersFinished);
  }
}
