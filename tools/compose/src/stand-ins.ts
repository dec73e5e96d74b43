import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import {
  FERRETDB_VERSION,
  InfraError,
  KAFKA_VERSION,
  ensureFerretdb,
  ensureKafkaDistribution,
  isRoot,
  kafkaClasspath,
  run,
  runOrFail,
} from '@shop/infra';
import { type ComposeProject } from './compose-project';
import { log } from './log';
import { cacheDir, ensureCommands } from './toolchain';

/**
 * Local images named like the official ones docker-compose.yml and the
 * Dockerfile use, for machines that reach no image registry. Each is built
 * only when that name is absent, so a machine with the official images uses
 * them. What each emulates, and what not: tools/compose/README.md.
 */
interface StandIn {
  /** The image it stands in for, exactly as the compose file or Dockerfile names it. */
  image: string;
  /** Its folder under stand-ins/: a Dockerfile and what it copies. */
  folder: string;
  /** Versions of what it copies from this machine: part of its identity. */
  identity: () => string[];
  /** Adds to the build context what is not in the folder (binaries built or resolved here). */
  prepare?: (context: string) => Promise<void>;
  /** Another image it is built FROM (built first when it is a stand-in too). */
  from?: string;
}

const standInsDir = join(__dirname, '..', 'stand-ins');
const BASE_IMAGE = 'shop-stand-in/debian:bookworm';
const NODE_IMAGE = 'node:20.20-bookworm-slim';
/** Marks an image as a stand-in, with the hash of what it was built from. */
const LABEL = 'org.shop.stand-in';

/** Each after the image it is built FROM: images are made present in this order. */
const STAND_INS: StandIn[] = [
  {
    image: NODE_IMAGE,
    folder: 'node',
    identity: () => [process.version],
    prepare: async (context) => {
      if (!process.version.startsWith('v20.20.')) {
        throw new InfraError(
          `The ${NODE_IMAGE} stand-in copies this machine's Node.js, which is ${process.version}.`,
          'Run with Node 20.20.x, or provide the official image.',
        );
      }
      const npmRoot = (await runOrFail('npm root -g', 'npm', ['root', '-g'])).stdout.trim();
      const caBundle = process.env['NODE_EXTRA_CA_CERTS'] || '/etc/ssl/certs/ca-certificates.crt';
      cpSync(process.execPath, join(context, 'node'));
      cpSync(join(npmRoot, 'npm'), join(context, 'npm'), { recursive: true });
      cpSync(caBundle, join(context, 'ca-certificates.crt'));
    },
  },
  { image: 'postgres:16-alpine', folder: 'postgres', identity: () => [] },
  {
    image: `apache/kafka:${KAFKA_VERSION}`,
    folder: 'kafka',
    identity: () => [KAFKA_VERSION],
    prepare: async (context) => {
      await ensureKafkaDistribution();
      cpSync(dirname(kafkaClasspath()), join(context, 'libs'), { recursive: true });
    },
  },
  {
    image: 'mongo:7.0',
    folder: 'mongo',
    from: NODE_IMAGE,
    identity: () => [FERRETDB_VERSION],
    prepare: async (context) => {
      cpSync(await ensureFerretdb(), join(context, 'ferretdb'));
    },
  },
  { image: 'redis:7.0-alpine', folder: 'redis', identity: () => [] },
];

/**
 * Makes every image in `required` present: the official one when the engine
 * has it or can pull it, else a stand-in. After the first pull that fails
 * (no registry reachable) the others are not tried.
 */
export async function ensureImages(project: ComposeProject, required: string[]): Promise<void> {
  let registryAnswers = true;
  const rank = (image: string): number => {
    const index = STAND_INS.findIndex((standIn) => standIn.image === image);
    return index < 0 ? STAND_INS.length : index;
  };
  for (const image of [...required].sort((a, b) => rank(a) - rank(b))) {
    const existing = await labelOf(project, image);
    if (existing.present && !existing.label) {
      log(`${image}: the official image is there: using it`);
      continue;
    }
    if (!existing.present && registryAnswers) {
      registryAnswers = pull(project, image);
      if (registryAnswers) {
        log(`${image}: pulled the official image`);
        continue;
      }
      log(`${image}: no registry answers a pull: building stand-ins for the absent images`);
    }
    const standIn = STAND_INS.find((candidate) => candidate.image === image);
    if (!standIn) {
      throw new InfraError(
        `The image ${image} is absent, no registry answers, and tools/compose has no stand-in for it.`,
        'Pull it on a machine with a registry, or add a stand-in under tools/compose/stand-ins.',
      );
    }
    await ensureStandIn(project, standIn, existing.label);
  }
}

function pull(project: ComposeProject, image: string): boolean {
  const pulled = spawnSync('docker', ['pull', '--quiet', image], {
    env: project.env,
    stdio: 'ignore',
    timeout: 120_000,
  });
  return pulled.status === 0;
}

async function labelOf(
  project: ComposeProject,
  image: string,
): Promise<{ present: boolean; label?: string; id?: string }> {
  const inspected = await run(
    'docker',
    // An imported image (the base) has no Config at all.
    [
      'image',
      'inspect',
      '--format',
      `{{.Id}} {{with .Config}}{{index .Labels "${LABEL}"}}{{end}}`,
      image,
    ],
    { env: project.env },
  );
  if (inspected.code !== 0) return { present: false };
  const [id, label] = inspected.stdout.trim().split(' ');
  return {
    present: true,
    ...(id ? { id } : {}),
    ...(label && label !== '<no value>' ? { label } : {}),
  };
}

async function ensureStandIn(
  project: ComposeProject,
  standIn: StandIn,
  builtDigest: string | undefined,
): Promise<void> {
  const baseImage = standIn.from ?? BASE_IMAGE;
  if (baseImage === BASE_IMAGE) await ensureBaseImage(project);
  const base = await labelOf(project, baseImage);
  const digest = digestOf(standIn, base.id ?? '');
  if (builtDigest === digest) {
    log(`${standIn.image}: stand-in up to date`);
    return;
  }
  log(`${standIn.image}: building the stand-in (tools/compose/stand-ins/${standIn.folder})`);
  const context = join(cacheDir, 'contexts', standIn.folder);
  rmSync(context, { recursive: true, force: true });
  mkdirSync(dirname(context), { recursive: true });
  cpSync(join(standInsDir, standIn.folder), context, { recursive: true });
  await standIn.prepare?.(context);
  const baseArg = standIn.from ? 'NODE_IMAGE' : 'BASE_IMAGE';
  await project.docker([
    'build',
    '--quiet',
    '--label',
    `${LABEL}=${digest}`,
    '--build-arg',
    `${baseArg}=${baseImage}`,
    '--tag',
    standIn.image,
    context,
  ]);
  rmSync(context, { recursive: true, force: true });
}

/** What a stand-in is built from: its folder, the versions it copies, its base image. */
function digestOf(standIn: StandIn, baseImageId: string): string {
  const hash = createHash('sha256');
  const folder = join(standInsDir, standIn.folder);
  const files = readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  for (const file of files) hash.update(file.slice(folder.length)).update(readFileSync(file));
  hash.update(standIn.identity().join('\n'));
  hash.update(baseImageId);
  return hash.digest('hex').slice(0, 16);
}

/** Debian bookworm (minbase) from Debian's archive, imported as the stand-ins' base. */
async function ensureBaseImage(project: ComposeProject): Promise<void> {
  if ((await labelOf(project, BASE_IMAGE)).present) return;
  const tarball = join(cacheDir, 'rootfs', 'debian-bookworm-minbase.tar');
  if (!existsSync(tarball)) {
    if (!isRoot()) {
      throw new InfraError(
        `Building ${BASE_IMAGE} with debootstrap needs root.`,
        'Run as root, or provide the official images.',
      );
    }
    await ensureCommands(['debootstrap']);
    const rootfs = join(cacheDir, 'rootfs', 'bookworm.partial');
    rmSync(rootfs, { recursive: true, force: true });
    mkdirSync(rootfs, { recursive: true });
    const mirror = debianMirror();
    log(`${BASE_IMAGE}: debootstrap --variant=minbase bookworm from ${mirror} (~30 s)`);
    await runOrFail('debootstrap', 'debootstrap', [
      '--variant=minbase',
      'bookworm',
      rootfs,
      mirror,
    ]);
    // As in Debian's official images: packages installed during a build start no service.
    await runOrFail('policy-rc.d', 'sh', [
      '-c',
      `printf '#!/bin/sh\\nexit 101\\n' > '${rootfs}/usr/sbin/policy-rc.d' && chmod 755 '${rootfs}/usr/sbin/policy-rc.d'` +
        ` && rm -rf '${rootfs}'/var/cache/apt/archives/*.deb '${rootfs}'/var/lib/apt/lists/*`,
    ]);
    await runOrFail('tar the root file system', 'tar', [
      '-C',
      rootfs,
      '-cf',
      `${tarball}.partial`,
      '.',
    ]);
    renameSync(`${tarball}.partial`, tarball);
    rmSync(rootfs, { recursive: true, force: true });
  }
  await project.docker(['import', tarball, BASE_IMAGE]);
}

/** The Debian mirror this machine's apt uses (containers reach the same archive). */
function debianMirror(): string {
  const fallback = 'http://deb.debian.org/debian';
  const sourcesDir = '/etc/apt/sources.list.d';
  const texts = [
    ...(existsSync(sourcesDir)
      ? readdirSync(sourcesDir)
          .filter((file) => file.endsWith('.sources') || file.endsWith('.list'))
          .map((file) => readFileSync(join(sourcesDir, file), 'utf8'))
      : []),
    existsSync('/etc/apt/sources.list') ? readFileSync('/etc/apt/sources.list', 'utf8') : '',
  ];
  for (const text of texts) {
    // deb822: the URIs of a stanza whose suites include bookworm; one-line: `deb URI bookworm …`.
    for (const stanza of text.split(/\n\s*\n/)) {
      const uris = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      if (uris && /^Suites:.*\bbookworm\b(?!-)/m.test(stanza) && uris.endsWith('/debian'))
        return uris;
    }
    const line = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\s+bookworm\s/m.exec(text)?.[1];
    if (line) return line;
  }
  return fallback;
}
