/**
 * The comparison baseline (issue 8): the same intake and transitions as the real API, as a
 * plain PostgreSQL state machine — one row per case, and per transition one UPDATE guarded
 * by the expected stage plus one event INSERT, in one transaction. Same HTTP stack (Express,
 * JSON), the same bearer-token check and the same zod intake schema as the real API; no
 * workflow engine, no clocks, no notices, no projection of clocks. Written only to compare
 * against; run by the benchmarks as its own process: DATABASE_URL=… PORT=… node --import tsx
 * bench/baseline/server.ts
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { sql } from 'kysely';
import { z } from 'zod';
import '../../api/route'; // extends zod with .openapi(), which the API's schemas use
import { intakeSchema } from '../../api/routes/applications';
import { createDatabase } from '../../db/connection';
import { checkToken } from '../../db/repositories/users';

/** action → the stages it may start from → the stage it leaves (the bench's script). */
const MACHINE: Record<string, { from: string[]; to: string; event: string }> = {
  accept: { from: ['registered'], to: 'accepted', event: 'accepted' },
  assign: { from: ['accepted'], to: 'assigned', event: 'assigned' },
  propose: { from: ['assigned'], to: 'proposed', event: 'proposed' },
  'review-secrecy': { from: ['proposed', 'secrecy-review'], to: 'secrecy-review', event: 'secrecy-reviewed' },
  decide: { from: ['secrecy-review'], to: 'decided', event: 'decided' },
  'sign-off': { from: ['decided'], to: 'signed', event: 'signed' },
  deliver: { from: ['signed'], to: 'delivered', event: 'delivered' },
  close: { from: ['delivered'], to: 'closed', event: 'closed' },
};

const caseNoParam = z.object({ caseNo: z.string().regex(/^\d{4}-\d{6}$/), action: z.enum(Object.keys(MACHINE) as [string, ...string[]]) });

async function main(): Promise<void> {
  const db = createDatabase(process.env.DATABASE_URL!);
  await sql`create table if not exists baseline_cases (
    case_no text primary key, stage text not null, seq int not null, description text not null,
    intake jsonb not null, created_at timestamptz not null default now(), updated_at timestamptz not null default now())`.execute(db);
  await sql`create table if not exists baseline_events (
    case_no text not null references baseline_cases (case_no), seq int not null, type text not null,
    actor text not null, payload jsonb not null, recorded_at timestamptz not null default now(), primary key (case_no, seq))`.execute(db);
  await sql`create sequence if not exists baseline_case_no`.execute(db);

  const app = express();
  app.use(express.json({ limit: '100kb' }));
  app.get('/healthz', (_req, res) => void res.json({ ok: true }));
  app.use(async (req: Request, res: Response, next: NextFunction) => {
    const token = /^Bearer (.+)$/.exec(req.header('Authorization') ?? '')?.[1];
    const check = token ? await checkToken(db, token) : null;
    if (!check?.user) return void res.status(401).json({ error: 'unauthenticated' });
    res.locals.username = check.user.username;
    next();
  });

  app.post('/api/applications', async (req, res) => {
    const parsed = intakeSchema.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: 'validation_failed', details: parsed.error.issues });
    const caseNo = await db.transaction().execute(async (trx) => {
      const { n } = (await sql<{ n: string }>`select nextval('baseline_case_no') as n`.execute(trx)).rows[0]!;
      const no = `${new Date().getFullYear()}-${String(n).padStart(6, '0')}`;
      await sql`insert into baseline_cases (case_no, stage, seq, description, intake) values (${no}, 'registered', 1, ${parsed.data.description}, ${JSON.stringify(parsed.data)})`.execute(
        trx,
      );
      await sql`insert into baseline_events (case_no, seq, type, actor, payload) values (${no}, 1, 'submitted', ${res.locals.username}, '{}')`.execute(
        trx,
      );
      return no;
    });
    res.status(201).json({ caseNo, stage: 'registered' });
  });

  app.post('/api/applications/:caseNo/:action', async (req, res) => {
    const params = caseNoParam.safeParse(req.params);
    if (!params.success) return void res.status(404).json({ error: 'not_found' });
    const step = MACHINE[params.data.action]!;
    const body = z.record(z.string(), z.unknown()).safeParse(req.body ?? {});
    if (!body.success) return void res.status(400).json({ error: 'validation_failed' });
    const done = await db.transaction().execute(async (trx) => {
      const updated = (
        await sql<{ seq: number }>`update baseline_cases set stage = ${step.to}, seq = seq + 1, updated_at = now()
          where case_no = ${params.data.caseNo} and stage = any(${step.from}) returning seq`.execute(trx)
      ).rows[0];
      if (!updated) return null;
      await sql`insert into baseline_events (case_no, seq, type, actor, payload) values (${params.data.caseNo}, ${updated.seq}, ${step.event}, ${res.locals.username}, ${JSON.stringify(body.data)})`.execute(
        trx,
      );
      return updated.seq;
    });
    if (done === null) return void res.status(409).json({ error: 'conflict' });
    res.json({ caseNo: params.data.caseNo, stage: step.to, seq: done });
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    console.error(error);
    res.status(500).json({ error: 'internal' });
  });
  const port = Number(process.env.PORT);
  app.listen(port, '127.0.0.1', () => console.log(`[baseline] listening on ${port}`));
}

main().catch((error) => {
  console.error('[baseline] fatal:', error);
  process.exit(1);
});
