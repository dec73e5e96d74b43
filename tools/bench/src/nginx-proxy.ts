import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Debian's nginx, installed when missing (as root), run as an unprivileged reverse proxy of our own. */
export class NginxProxy {
  private process: ChildProcess | undefined;

  constructor(
    private readonly directory: string,
    readonly port: number,
    private readonly upstream: string,
  ) {}

  /** nginx's master process; its worker is its child. */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  static ensureInstalled(): string {
    const binary = '/usr/sbin/nginx';
    if (existsSync(binary)) return binary;
    if (process.getuid?.() !== 0) {
      throw new Error(
        'nginx is missing: install it with `sudo apt-get install nginx` and run again',
      );
    }
    process.stderr.write('[bench] installing nginx from Debian…\n');
    // RUNLEVEL=1: the package's scripts must not start the system nginx on port 80.
    execFileSync('apt-get', ['install', '-y', '-q', 'nginx'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', RUNLEVEL: '1' },
    });
    return binary;
  }

  async start(): Promise<void> {
    const binary = NginxProxy.ensureInstalled();
    mkdirSync(join(this.directory, 'logs'), { recursive: true });
    const upstream = new URL(this.upstream);
    // A like-for-like proxy: keep-alive to the upstream, no buffering to disk, no access log.
    writeFileSync(
      join(this.directory, 'nginx.conf'),
      `worker_processes 1;
daemon off;
error_log ${this.directory}/logs/error.log warn;
pid ${this.directory}/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${this.directory}/body;
  proxy_temp_path ${this.directory}/proxy;
  fastcgi_temp_path ${this.directory}/fastcgi;
  uwsgi_temp_path ${this.directory}/uwsgi;
  scgi_temp_path ${this.directory}/scgi;
  upstream catalog { server ${upstream.host}; keepalive 64; }
  server {
    listen 127.0.0.1:${this.port};
    location / {
      proxy_pass http://catalog;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $remote_addr;
    }
  }
}
`,
    );
    this.process = spawn(binary, ['-p', this.directory, '-c', join(this.directory, 'nginx.conf')], {
      stdio: 'inherit',
    });
    for (let attempt = 0; attempt < 50; attempt += 1) {
      try {
        await fetch(`http://127.0.0.1:${this.port}/health/live`);
        return;
      } catch {
        // Not listening yet.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error(`nginx did not start; see ${this.directory}/logs/error.log`);
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGQUIT');
    await exited;
  }
}
