import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { checkConstraints, describeDatabase } from './testing.js';

describe('checkConstraints', () => {
  it('reads every named check of a CREATE TABLE', () => {
    expect(
      checkConstraints(
        'CREATE TABLE `r` (\n\t`m` text,\n\tCONSTRAINT "r_m" CHECK("r"."m" IN (\'a\', \'b\')),\n\tCONSTRAINT "r_p" CHECK("r"."p" BETWEEN 1 AND 2)\n)',
      ),
    ).toEqual(["r_m: r.m IN ('a', 'b')", 'r_p: r.p BETWEEN 1 AND 2']);
  });
});

describe('describeDatabase', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  function shapeOf(ddl: string): ReturnType<typeof describeDatabase> {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-sqlite-describe-'));
    const sqlite = new Database(join(dir, 'x.db'));
    cleanups.push(() => {
      sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    });
    sqlite.exec(ddl);
    return describeDatabase(sqlite);
  }

  it('describes the same tables alike however their SQL is spelled', () => {
    expect(shapeOf('CREATE TABLE t (a text NOT NULL, b integer)')).toEqual(
      shapeOf('create table `t` (\n\t`a` TEXT not null,\n\t`b` INTEGER\n);'),
    );
  });

  it('tells a nullable column from a NOT NULL one', () => {
    expect(shapeOf('CREATE TABLE t (a text)')).not.toEqual(shapeOf('CREATE TABLE t (a text NOT NULL)'));
  });

  it('tells tables with different foreign keys and indexes apart', () => {
    const base = 'CREATE TABLE p (id integer PRIMARY KEY);';
    expect(shapeOf(`${base} CREATE TABLE c (p integer REFERENCES p(id));`)).not.toEqual(shapeOf(`${base} CREATE TABLE c (p integer);`));
    expect(shapeOf(`${base} CREATE TABLE c (p integer); CREATE INDEX c_p ON c (p);`)).not.toEqual(
      shapeOf(`${base} CREATE TABLE c (p integer);`),
    );
  });
});
