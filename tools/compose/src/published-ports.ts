import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { InfraError } from '@shop/infra';
import { parse } from 'yaml';
import { composeFile } from './compose-project';

/** A port docker-compose.yml publishes on the host, and the variable that moves it, if any. */
export interface PublishedPort {
  service: string;
  hostIp: string;
  port: number;
  variable?: string;
}

/**
 * The host ports the default profile publishes, read from the file as
 * written: `127.0.0.1:${INFRA_POSTGRES_PORT:-5432}:5432` is movable by its
 * variable, `127.0.0.1:3000:3000` is not.
 */
export function publishedPorts(): PublishedPort[] {
  const file = parse(readFileSync(composeFile, 'utf8')) as {
    services: Record<string, { ports?: string[]; profiles?: string[] }>;
  };
  return Object.entries(file.services)
    .filter(([, service]) => !service.profiles?.length)
    .flatMap(([service, { ports = [] }]) =>
      ports.map((entry): PublishedPort => {
        const match = /^([\d.]+):(?:\$\{(\w+):-(\d+)\}|(\d+)):\d+$/.exec(entry);
        if (!match) throw new Error(`${service}: unexpected port syntax ${entry}`);
        const [, hostIp = '', variable, fallback, fixed] = match;
        return variable
          ? { service, hostIp, port: Number(fallback), variable }
          : { service, hostIp, port: Number(fixed) };
      }),
    );
}

/**
 * Variables that move each published port that is taken (by native servers,
 * say) to a free one, as a person would with the same variables. A taken port
 * that cannot move fails, naming what holds it.
 */
export async function portVariablesAvoidingTaken(
  ports: PublishedPort[],
): Promise<Record<string, string>> {
  const variables: Record<string, string> = {};
  const chosen = new Set<number>(ports.map(({ port }) => port));
  for (const published of ports) {
    if (!(await isTaken(published.hostIp, published.port))) continue;
    if (!published.variable) {
      throw new InfraError(
        `${published.hostIp}:${published.port}, where docker-compose.yml publishes the ${published.service}, is in use by ${holderOf(published.port)}.`,
        `Stop it (e.g. \`npm run demo\` holds 3000) and run again.`,
      );
    }
    const free = await freePortNear(published.hostIp, published.port + 10_000, chosen);
    chosen.add(free);
    variables[published.variable] = String(free);
  }
  return variables;
}

function isTaken(host: string, port: number): Promise<boolean> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolvePromise(true);
      else reject(error);
    });
    server.listen({ host, port, exclusive: true }, () => {
      server.close(() => resolvePromise(false));
    });
  });
}

async function freePortNear(host: string, start: number, avoid: Set<number>): Promise<number> {
  for (let port = start; port < start + 100; port += 1) {
    if (!avoid.has(port) && !(await isTaken(host, port))) return port;
  }
  throw new InfraError(`no free port in ${start}-${start + 99} on ${host}`);
}

/** The process listening on a port, as `ss` reports it (or why it cannot tell). */
function holderOf(port: number): string {
  const ss = spawnSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
  const pid = /pid=(\d+)/.exec(ss.stdout ?? '')?.[1];
  if (!pid) return 'another process (`ss -ltnp` names it)';
  try {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return `pid ${pid} (${commandLine.slice(0, 120)})`;
  } catch {
    return `pid ${pid}`;
  }
}
