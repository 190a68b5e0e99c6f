// Parses the admin socket's answers: `show map`, `show info`, `show stat`.

/** `show map <file>` lines are `<ref> <key> <value>`. */
export function parseMapEntries(answer: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of answer.split('\n')) {
    const match = /^0x[0-9a-f]+ (\S+) (.*)$/i.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) entries.set(match[1], match[2]);
  }
  return entries;
}

export interface ShowInfo {
  readonly version: string;
  readonly pid: number;
  readonly uptimeSeconds: number;
  readonly cumulativeConnections: number;
  readonly currentConnections: number;
}

export function parseShowInfo(answer: string): ShowInfo {
  const fields = new Map<string, string>();
  for (const line of answer.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const number = (name: string): number => Number(fields.get(name) ?? 0);
  return {
    version: fields.get('Version') ?? '',
    pid: number('Pid'),
    uptimeSeconds: number('Uptime_sec'),
    cumulativeConnections: number('CumConns'),
    currentConnections: number('CurrConns'),
  };
}

/** Current sessions per frontend, from `show stat` CSV (`# pxname,svname,qcur,qmax,scur,...`). */
export function parseStatSessions(answer: string): Map<string, number> {
  const sessions = new Map<string, number>();
  for (const line of answer.split('\n')) {
    const fields = line.split(',');
    if (fields[1] === 'FRONTEND' && fields[0] !== undefined) sessions.set(fields[0], Number(fields[4] ?? 0));
  }
  return sessions;
}
