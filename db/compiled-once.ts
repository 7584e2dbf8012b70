/**
 * A query the API makes on every request, built and compiled by Kysely once instead of per call.
 *
 * Kysely builds an operation tree and compiles it to SQL each time a query runs, which on the API
 * cost about as much CPU as the round trip itself (bench/README.md, "The API's CPU per
 * registration"). Here `build` runs once, with a placeholder for each named parameter; each call
 * sends the SQL text Kysely compiled then, with the placeholders replaced by this call's values.
 * So `build` must not look at the parameters' values, only pass them to the builder (an `in`
 * list, whose length would depend on the value, is written as `= any(<array>)`). Every Kysely of
 * this project is PostgreSQL, so the text compiled with one serves them all.
 */
import { type Compilable, type CompiledQuery, type Kysely, NoResultError, type QueryNode, type QueryResult } from 'kysely';
import type { Database } from './schema';

/** Stands for a named parameter while the query is compiled. */
class Placeholder {
  constructor(readonly name: string) {}
}

export interface CompiledOnce<P, O> {
  execute(db: Kysely<Database>, parameters: P): Promise<O[]>;
  executeTakeFirst(db: Kysely<Database>, parameters: P): Promise<O | undefined>;
  executeTakeFirstOrThrow(db: Kysely<Database>, parameters: P): Promise<O>;
}

export function compiledOnce<P extends Record<string, unknown>, O>(
  build: (db: Kysely<Database>, parameters: P) => Compilable<O>,
): CompiledOnce<P, O> {
  let compiled: CompiledQuery<O> | undefined;
  const compile = (db: Kysely<Database>): CompiledQuery<O> => {
    if (compiled) return compiled;
    const placeholders = new Proxy({} as P, {
      get: (_target, name) => {
        if (typeof name !== 'string') throw new Error(`compiledOnce: parameter ${String(name)} is not a name`);
        return new Placeholder(name);
      },
    });
    compiled = build(db, placeholders).compile();
    return compiled;
  };
  const run = async (db: Kysely<Database>, parameters: P): Promise<QueryResult<O>> => {
    const query = compile(db);
    const values = query.parameters.map((value) => {
      if (!(value instanceof Placeholder)) return value;
      if (!(value.name in parameters)) throw new Error(`compiledOnce: no value for parameter ${value.name}`);
      return parameters[value.name];
    });
    return db.executeQuery<O>({ ...query, parameters: values });
  };
  return {
    execute: async (db, parameters) => (await run(db, parameters)).rows,
    executeTakeFirst: async (db, parameters) => (await run(db, parameters)).rows[0],
    executeTakeFirstOrThrow: async (db, parameters) => {
      const row = (await run(db, parameters)).rows[0];
      // As Kysely's executeTakeFirstOrThrow: its NoResultError, naming the query.
      if (row === undefined) throw new NoResultError(compile(db).query as QueryNode);
      return row;
    },
  };
}
