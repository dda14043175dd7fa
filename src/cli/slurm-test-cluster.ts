/**
 * For the Slurm test: a real one-node Slurm on this machine (Debian's `slurm-wlm` and `munge`,
 * installed with apt-get when missing). Everything of it lives in one temporary folder: its own
 * munge key and socket, slurm.conf with free ports, state, spool and logs. So it touches neither
 * a munged or Slurm the machine already runs nor /etc, and two of them (two test runs) can run side
 * by side. Its daemons are stopped by their pids; a folder left by a test process that died is
 * cleaned up (its daemons stopped) by the next start.
 *
 * @example
 *   const cluster = await SlurmTestCluster.start(log); // munged, slurmctld, slurmd; the node idle
 *   cluster.run('squeue');                            // a client command against it (SLURM_CONF set)
 *   await cluster.stop();
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'gradgap-slurm-cluster-';
/** Where apt-get puts the daemons, which a non-login PATH may lack. */
const PATH = `${process.env.PATH ?? ''}:/usr/sbin:/sbin:/usr/bin:/bin`;
const COMMANDS = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'sinfo', 'scontrol', 'scancel'];

type Log = (line: string) => void;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function missingCommands(): string[] {
  return COMMANDS.filter((c) => spawnSync('sh', ['-c', `command -v ${c}`], { env: { ...process.env, PATH } }).status !== 0);
}

/**
 * Why the Slurm test cannot run here, or null when it can: Slurm installed, or apt-get there to
 * install it (installSlurm does, in the test's own time).
 */
export function slurmUnavailable(): string | null {
  if (missingCommands().length === 0) return null;
  if (spawnSync('apt-get', ['--version'], { env: { ...process.env, PATH } }).error)
    return `Slurm is not installed (${missingCommands().join(', ')} missing) and there is no apt-get to install slurm-wlm and munge`;
  return null;
}

/** Installs slurm-wlm and munge with apt-get when a command is missing; throws if that fails (a test failure, not a skip). */
export function installSlurm(log: Log): void {
  const missing = missingCommands();
  if (missing.length === 0) return log(`slurm: ${COMMANDS.join(', ')} installed`);
  log(`slurm: ${missing.join(', ')} missing: apt-get update && apt-get install -y slurm-wlm munge`);
  const env = { ...process.env, PATH, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'slurm-wlm', 'munge']]) {
    const r = spawnSync('apt-get', args, { env, encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0)
      throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().split('\n').slice(-5).join(' | ')}`);
  }
  const still = missingCommands();
  if (still.length) throw new Error(`after apt-get install slurm-wlm munge, still missing: ${still.join(', ')}`);
  log('slurm: installed slurm-wlm and munge');
}

/** A TCP port nobody listens on now (asked of the kernel), for slurmctld and slurmd. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops the daemons of folders whose test process has died (their pids checked against the folder in their command line), and removes the folders. */
function cleanLeftovers(log: Log): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = join(tmpdir(), name);
    let record: { owner: number; daemons: number[] };
    try {
      record = JSON.parse(readFileSync(join(dir, 'pids.json'), 'utf8'));
    } catch {
      continue; // not ours, or still starting
    }
    if (alive(record.owner)) continue; // another test run, still going
    for (const pid of record.daemons) {
      let cmdline: string;
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue; // gone
      }
      if (cmdline.includes(dir)) {
        process.kill(pid, 'SIGKILL');
        log(`slurm: stopped daemon ${pid} left by an earlier test run (${dir})`);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

export class SlurmTestCluster {
  private readonly daemons: { name: string; child: ChildProcess }[] = [];

  private constructor(
    readonly dir: string,
    readonly node: string,
    private readonly log: Log,
  ) {}

  /** The environment client commands (sbatch, squeue, and gradgap slurm --submit) need: this cluster's slurm.conf. */
  get env(): Record<string, string> {
    return { SLURM_CONF: join(this.dir, 'slurm.conf'), PATH };
  }

  /** Starts munged, slurmctld and slurmd, and waits (at most 2 minutes) until the node is idle. */
  static async start(log: Log): Promise<SlurmTestCluster> {
    cleanLeftovers(log);
    const dir = mkdtempSync(join(tmpdir(), PREFIX));
    // munged refuses a socket folder others cannot enter, and a key folder others can read.
    chmodSync(dir, 0o755);
    for (const sub of ['run', 'state', 'spool', 'log']) mkdirSync(join(dir, sub), { mode: 0o755 });
    mkdirSync(join(dir, 'munge'), { mode: 0o700 });
    // The key is this cluster's own (not /etc/munge/munge.key): 128 random bytes, readable by its owner only, as mungekey makes one.
    writeFileSync(join(dir, 'munge/munge.key'), randomBytes(128), { mode: 0o600 });
    const node = hostname().split('.')[0];
    const cluster = new SlurmTestCluster(dir, node, log);
    try {
      await cluster.boot();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  private async boot(): Promise<void> {
    const { dir, node } = this;
    const socket = join(dir, 'run/munge.socket');
    this.daemon('munged', [
      '--foreground',
      // Run despite a loose permission on a folder above the key or socket (a TMPDIR under a home folder): this key guards nothing else.
      '--force',
      `--socket=${socket}`,
      `--key-file=${join(dir, 'munge/munge.key')}`,
      `--pid-file=${join(dir, 'run/munged.pid')}`,
      `--seed-file=${join(dir, 'munge/munged.seed')}`,
      `--log-file=${join(dir, 'log/munged.log')}`,
    ]);
    await this.until('munged to open its socket', 30, () => existsSync(socket));
    const [ctldPort, dPort] = [await freePort(), await freePort()];
    const cpus = Number(spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()) || 1;
    const conf = [
      `# One-node Slurm for gradgap's test, all of it under ${dir}.`,
      'ClusterName=gradgap-test',
      `SlurmctldHost=${node}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${dPort}`,
      `SlurmUser=${userInfo().username}`,
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${socket}`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'run/slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'run/slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log/slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log/slurmd.log')}`,
      // No cgroups: they need systemd or a writable cgroup tree, which containers often lack.
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'SchedulerType=sched/backfill',
      'ReturnToService=2',
      'MpiDefault=none',
      'SwitchType=switch/none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      // Finished jobs stay in `scontrol show job` for 10 minutes (there is no accounting for sacct).
      'MinJobAge=600',
      // A loaded CI machine can keep slurmctld from answering within the default 10 s.
      'MessageTimeout=60',
      `NodeName=${node} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=1000 State=UNKNOWN`,
      `PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n');
    writeFileSync(join(dir, 'slurm.conf'), conf);
    this.daemon('slurmctld', ['-D', '-f', join(dir, 'slurm.conf')]);
    this.daemon('slurmd', ['-D', '-f', join(dir, 'slurm.conf'), '-N', node]);
    const version = spawnSync('slurmctld', ['-V'], { env: { ...process.env, PATH }, encoding: 'utf8' }).stdout.trim();
    this.log(`slurm: started munged, slurmctld (${version}, port ${ctldPort}) and slurmd (port ${dPort}) for node ${node} (${cpus} CPUs) in ${dir}`);
    let state = '';
    await this.until(`node ${node} to be idle (sinfo -h -o %T says "${state}")`, 120, () => {
      const r = this.run('sinfo', ['-h', '-o', '%T'], false);
      state = r.stdout.trim();
      return state === 'idle';
    });
    this.log(`slurm: node ${node} is idle; sinfo:\n${this.run('sinfo').stdout.trim()}`);
  }

  private daemon(name: string, args: string[]): void {
    const out = openSync(join(this.dir, `log/${name}.out`), 'a');
    const child = spawn(name, args, { env: { ...process.env, PATH }, stdio: ['ignore', out, out] });
    child.on('error', () => {}); // a failed start shows as an exit below
    this.daemons.push({ name, child });
    writeFileSync(join(this.dir, 'pids.json'), JSON.stringify({ owner: process.pid, daemons: this.daemons.map((d) => d.child.pid).filter(Boolean) }));
  }

  /** Polls `ok` each second for at most `seconds`; throws with the daemons' log tails if it never holds or a daemon exits. */
  async until(what: string, seconds: number, ok: () => boolean): Promise<void> {
    for (let t = 0; t < seconds; t++) {
      if (ok()) return;
      const dead = this.daemons.find((d) => d.child.exitCode !== null || d.child.signalCode !== null);
      if (dead) throw new Error(`${dead.name} exited (${dead.child.exitCode ?? dead.child.signalCode}) while waiting for ${what}; ${this.logTails()}`);
      await sleep(1000);
    }
    throw new Error(`gave up after ${seconds} s waiting for ${what}; ${this.logTails()}`);
  }

  /** The last lines of each daemon's logs, for a failure message. */
  logTails(): string {
    return readdirSync(join(this.dir, 'log'))
      .map((f) => {
        const lines = readFileSync(join(this.dir, 'log', f), 'utf8')
          .trim()
          .split('\n')
          .slice(-8);
        return `${f}: ${lines.join(' | ')}`;
      })
      .join('\n');
  }

  /** A client command against this cluster; throws on a non-zero exit unless `check` is false. */
  run(command: string, args: string[] = [], check = true): { status: number; stdout: string; stderr: string } {
    const r = spawnSync(command, args, { env: { ...process.env, ...this.env }, encoding: 'utf8' });
    const result = { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
    if (check && result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}): ${result.stderr.trim()}`);
    return result;
  }

  /** Each job's JobState by job id (an array's tasks each have their own), from `scontrol show job`. */
  jobStates(jobId: string): { jobId: string; arrayTaskId?: string; state: string }[] {
    const r = this.run('scontrol', ['show', 'job', jobId, '--oneliner']);
    return r.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => ({
        jobId: /\bJobId=(\S+)/.exec(line)?.[1] ?? '?',
        arrayTaskId: /\bArrayTaskId=(\S+)/.exec(line)?.[1],
        state: /\bJobState=(\S+)/.exec(line)?.[1] ?? '?',
      }));
  }

  /** Stops slurmd, slurmctld and munged by their pids (SIGTERM, then SIGKILL after 10 s), and removes the folder. */
  async stop(): Promise<void> {
    // Jobs still running (a test that failed half-way) go first, so no job step outlives its cluster.
    const slurmctld = this.daemons.find((d) => d.name === 'slurmctld')?.child;
    if (slurmctld && slurmctld.exitCode === null && slurmctld.signalCode === null) {
      this.run('scancel', ['--user', userInfo().username], false);
      await this.until('the jobs cancelled to end', 30, () => this.run('squeue', ['-h'], false).stdout.trim() === '').catch((e) => this.log(String(e)));
    }
    for (const { name, child } of [...this.daemons].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null || !child.pid) continue;
      child.kill('SIGTERM');
      for (let t = 0; t < 100 && child.exitCode === null && child.signalCode === null; t++) await sleep(100);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      this.log(`slurm: stopped ${name} (pid ${child.pid})`);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
