import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type RunResult, run, runOrFail } from '@shop/infra';
import { type DockerCli } from './toolchain';

export const workspaceRoot = resolve(__dirname, '../../..');
export const composeFile = join(workspaceRoot, 'docker-compose.yml');

/**
 * Not the file's own `shop`: that project is the one a person runs with
 * `docker compose up`, and tools/infra's Docker path too; `down -v` here must
 * never drop their volumes.
 */
export const PROJECT = 'shop-compose-test';

/** What `docker compose config --format json` says of a service (the fields used here). */
export interface ComposeService {
  image?: string;
  build?: unknown;
  ports?: { host_ip?: string; published?: string; target: number }[];
  restart?: string;
}

export interface ComposeModel {
  services: Record<string, ComposeService>;
}

/** docker-compose.yml under one project name, with the engine and variables of this run. */
export class ComposeProject {
  constructor(
    private readonly cli: DockerCli,
    private readonly variables: Record<string, string> = {},
  ) {}

  get env(): NodeJS.ProcessEnv {
    return { ...this.cli.env, ...this.variables };
  }

  withVariables(variables: Record<string, string>): ComposeProject {
    return new ComposeProject(this.cli, { ...this.variables, ...variables });
  }

  /** Runs `docker compose …`; `echo` streams its output (builds, `up`). */
  run(args: string[], options: { echo?: boolean } = {}): Promise<RunResult> {
    const { command, args: prefix } = this.cli.compose;
    return runOrFail(
      `docker compose ${args.join(' ')}`,
      command,
      [...prefix, '--project-name', PROJECT, '--file', composeFile, ...args],
      { cwd: workspaceRoot, env: this.env, echo: options.echo ?? false },
    );
  }

  /** The same, for output only: a failure is returned, not thrown. */
  runForOutput(args: string[]): Promise<RunResult> {
    const { command, args: prefix } = this.cli.compose;
    return run(command, [...prefix, '--project-name', PROJECT, '--file', composeFile, ...args], {
      cwd: workspaceRoot,
      env: this.env,
    });
  }

  async config(profiles: string[] = []): Promise<ComposeModel> {
    const profileArgs = profiles.flatMap((profile) => ['--profile', profile]);
    const { stdout } = await this.run([...profileArgs, 'config', '--format', 'json']);
    return JSON.parse(stdout) as ComposeModel;
  }

  /** The id of a service's container (the first one). */
  async containerOf(service: string): Promise<string> {
    const { stdout } = await this.run(['ps', '--all', '--quiet', service]);
    const id = stdout.trim().split('\n')[0];
    if (!id) throw new Error(`no container of service ${service}`);
    return id;
  }

  /** `docker …` (not compose) against the same engine. */
  docker(args: string[]): Promise<RunResult> {
    return runOrFail(`docker ${args.join(' ')}`, 'docker', args, { env: this.env });
  }
}

/** The image the Dockerfile's build and runtime stages start from (`ARG NODE_IMAGE=…`). */
export function dockerfileBaseImage(): string {
  const dockerfile = readFileSync(join(workspaceRoot, 'Dockerfile'), 'utf8');
  const image = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
  if (!image) throw new Error('the Dockerfile declares no `ARG NODE_IMAGE=<image>` default');
  return image;
}
