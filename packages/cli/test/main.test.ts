import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { MIGRATE_EXIT_CODE } from '@stemkit/migrate';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.ts';
import { ExitCode } from '../src/exit-codes.ts';
import { makeFolder } from '../src/folders.ts';
import { main } from '../src/main.ts';

/** Runs the CLI in-process with captured output; no test here reaches a provider. */
async function run(argv: string[], environment: Record<string, string> = {}) {
  const text = { stdout: '', stderr: '' };
  // Captures synchronously, so nothing written just before main resolves is missed.
  const capture = (key: keyof typeof text) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        text[key] += chunk.toString('utf8');
        done();
      },
    });
  const streams = { stdout: capture('stdout'), stderr: capture('stderr') };
  const code = await main({ argv, ...streams, environment, signal: new AbortController().signal });
  return { code, ...text };
}

describe('stemkit in-process', () => {
  it('documents credentials, environment variables and exit codes in --help', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(ExitCode.success);
    for (const expected of [
      'separate',
      'providers',
      'SOURCERE_PASSWORD',
      'AUDIOSHAKE_API_KEY',
      '130  interrupted',
      '141  output closed early',
    ]) {
      expect(stdout).toContain(expected);
    }
  });

  it('lists demo-track in --help, the command that writes the track the README separates', async () => {
    const { stdout } = await run(['--help']);
    expect(stdout).toMatch(/^ {2}demo-track \[options\] \[file\]\s+write the synthesised demo track/m);
  });

  it('exits 0 on `stemkit help --help` and `stemkit help separate`: help that was asked for', async () => {
    const helpOfHelp = await run(['help', '--help']);
    expect(helpOfHelp.code).toBe(ExitCode.success);
    expect(helpOfHelp.stdout).toContain('Usage: stemkit [options] [command]');
    expect(helpOfHelp.stderr).toBe('');
    const separate = await run(['help', 'separate']);
    expect(separate.code).toBe(ExitCode.success);
    expect(separate.stdout).toContain('Usage: stemkit separate');
  });

  it('names STEMKIT_PROVIDER, not --provider, when the variable holds a bad value', async () => {
    const variable = await run(['list'], { STEMKIT_PROVIDER: 'bogus' });
    expect(variable.code).toBe(ExitCode.usage);
    expect(variable.stderr).toBe(
      'error: STEMKIT_PROVIDER must be one of emulator, sourcere, audioshake-legacy, audioshake (got "bogus")\n',
    );
    const flag = await run(['list', '--provider', 'bogus'], { STEMKIT_PROVIDER: 'sourcere' });
    expect(flag.stderr).toMatch(/^error: --provider must be one of/);
  });

  it('refuses an --out that is a file before sending anything, with a clear error rather than EEXIST', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'stemkit-cli-main-'));
    const file = join(folder, 'song.wav');
    await writeFile(file, 'not a folder');
    const environment = { STEMKIT_EMULATOR_DATA_DIR: join(folder, 'emulator') };
    const separate = await run(
      ['separate', 'demo/demo.wav', '--provider', 'emulator', '--out', file],
      environment,
    );
    expect(separate.code).toBe(ExitCode.usage);
    expect(separate.stderr).toBe(`error: --out "${file}" is a file, not a folder\n`);
    const token = 'sk1.eyJjb250cmFjdCI6MSwicHJvdmlkZXIiOiJzb3VyY2VyZSIsImlkIjoiYWJjIn0';
    const below = await run(['download', token, '--out', join(file, 'stems')], environment);
    expect(below.code).toBe(ExitCode.usage);
    expect(below.stderr).toBe(`error: --out "${join(file, 'stems')}" goes through a file, not a folder\n`);
  });

  it('makes --out a clear usage error, not a raw EEXIST, when a file is in the way of the folder', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'stemkit-cli-main-'));
    const file = join(folder, 'taken');
    await writeFile(file, '');
    await expect(makeFolder(file, '--out')).rejects.toThrow(`--out "${file}" is a file, not a folder`);
    await expect(makeFolder(join(file, 'x'), '--out')).rejects.toSatisfy(UsageError.isInstance);
  });

  it('uses one exit-code table in `migrate` and `gateway` too: missing credentials exit 3 everywhere', async () => {
    for (const [name, code] of Object.entries(MIGRATE_EXIT_CODE)) {
      expect(ExitCode[name as keyof typeof ExitCode], name).toBe(code);
    }
    const folder = await mkdtemp(join(tmpdir(), 'stemkit-cli-main-'));
    const ids = join(folder, 'ids.txt');
    await writeFile(ids, 'job-1\n');
    const migrate = await run(['migrate', 'export', '--ids', ids, '--out', join(folder, 'jobs.jsonl')]);
    expect(migrate.code).toBe(ExitCode.authentication);
    expect(migrate.stderr).toMatch(/^error: AUDIOSHAKE_TOKEN is not set/);
    const gateway = await run(['gateway', '--backend', 'audioshake'], {
      STEMKIT_GATEWAY_TOKEN: 'gateway-token',
    });
    expect(gateway.code).toBe(ExitCode.authentication);
    expect(gateway.stderr).toMatch(/^error: AUDIOSHAKE_API_KEY is not set/);
    const separate = await run(['separate', 'demo/demo.wav', '--provider', 'audioshake']);
    expect(separate.code).toBe(ExitCode.authentication);
  });

  it('prints the own usage of `stemkit migrate plan|apply|verify|convert --help`', async () => {
    for (const name of ['plan', 'apply', 'verify', 'convert']) {
      const help = await run(['migrate', name, '--help']);
      expect(help.code, name).toBe(ExitCode.success);
      expect(help.stdout).toMatch(new RegExp(`^Usage: stemkit migrate ${name} --`));
    }
  });

  it('answers an unknown `stemkit gateway` flag as commander answers the others', async () => {
    const result = await run(['gateway', '--backend', 'emulator', '--prot', '8080'], {
      STEMKIT_GATEWAY_TOKEN: 'gateway-token',
    });
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toBe(
      "error: unknown option '--prot'\n(Did you mean --port?)\n(add --help for usage)\n",
    );
  });

  it("documents each command's flags in its own --help", async () => {
    const { code, stdout } = await run(['separate', '--help']);
    expect(code).toBe(ExitCode.success);
    for (const flag of ['--stems', '--format', '--trial', '--out', '--json', '--password', 'Exit codes:']) {
      expect(stdout).toContain(flag);
    }
  });

  it('shows the help on stderr and exits 2 when no command is given', async () => {
    const { code, stdout, stderr } = await run([]);
    expect(code).toBe(ExitCode.usage);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage: stemkit [options] [command]');
  });

  it('exits 2 on an unknown command or flag, with a hint', async () => {
    const unknown = await run(['separat', 'song.wav']);
    expect(unknown.code).toBe(ExitCode.usage);
    expect(unknown.stderr).toMatch(/unknown command 'separat'/);
    const flag = await run(['separate', 'song.wav', '--stem', 'vocals']);
    expect(flag.code).toBe(ExitCode.usage);
    expect(flag.stderr).toMatch(/unknown option '--stem'/);
    expect(flag.stderr).toContain('(Did you mean --stems?)');
    expect(flag.stderr).toContain('(add --help for usage)');
  });

  it('exits 2 on a bad value before sending anything', async () => {
    const result = await run(['separate', 'song.wav', '--format', 'ogg']);
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toBe(
      'error: --format must be one or more of wav, mp3, flac, m4a, aiff, json, txt, srt (got "ogg")\n',
    );
    const missing = await run(['separate', 'no-such-file.wav']);
    expect(missing.code).toBe(ExitCode.usage);
    expect(missing.stderr).toBe('error: no such file: no-such-file.wav\n');
  });

  it('answers a usage error with one JSON document under --json', async () => {
    const result = await run(['status', 'not-a-handle', '--json']);
    expect(result.code).toBe(ExitCode.usage);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      exitCode: 2,
      error: { code: 'usage', message: expect.stringContaining('<handle> must be the sk1.… token') },
    });
    expect(result.stderr).toBe('');
  });

  it('exits 3 when a provider has part of its credentials', async () => {
    const result = await run(['status', 'sk1.eyJ9', '--provider', 'sourcere', '--username', 'me']);
    expect(result.code).toBe(ExitCode.usage);
    const partial = await run(['separate', 'package.json', '--provider', 'sourcere', '--username', 'me']);
    expect(partial.code).toBe(ExitCode.authentication);
    expect(partial.stderr).toContain('SOURCERE_PASSWORD');
  });

  it('looks for a handle of an unconfigured provider on the embedded emulator, and says when it is not there', async () => {
    const token = 'sk1.eyJjb250cmFjdCI6MSwicHJvdmlkZXIiOiJzb3VyY2VyZSIsImlkIjoiYWJjIn0';
    const dataDir = await mkdtemp(join(tmpdir(), 'stemkit-cli-main-'));
    const result = await run(['status', token], { STEMKIT_EMULATOR_DATA_DIR: join(dataDir, 'emulator') });
    expect(result.code).toBe(ExitCode.failure);
    expect(result.stderr).toContain('no provider configured: using the embedded emulator (Sourcere API)');
    expect(result.stderr).toContain('The embedded emulator does not know this job.');
  });

  it('exits 3 naming the variables when a named provider has no credentials, never running the emulator', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'stemkit-cli-main-'));
    const environment = { STEMKIT_EMULATOR_DATA_DIR: join(dataDir, 'emulator') };
    for (const [argv, variables] of [
      [
        ['separate', 'demo/demo.wav', '--provider', 'sourcere'],
        ['SOURCERE_USERNAME', 'SOURCERE_PASSWORD'],
      ],
      [['separate', 'demo/demo.wav', '--provider', 'audioshake'], ['AUDIOSHAKE_API_KEY']],
      [['list', '--provider', 'audioshake-legacy'], ['AUDIOSHAKE_TOKEN']],
    ] as const) {
      const result = await run([...argv], environment);
      expect(result.code, result.stderr).toBe(ExitCode.authentication);
      for (const variable of variables) expect(result.stderr).toContain(variable);
      expect(result.stderr).not.toContain('emulator (');
    }
    const fromEnvironment = await run(['usage'], { ...environment, STEMKIT_PROVIDER: 'audioshake' });
    expect(fromEnvironment.code).toBe(ExitCode.authentication);
    // A handle of one provider while another is configured: its credentials are missing, not the emulator's job.
    const token = 'sk1.eyJjb250cmFjdCI6MSwicHJvdmlkZXIiOiJzb3VyY2VyZSIsImlkIjoiYWJjIn0';
    const other = await run(['status', token], { ...environment, AUDIOSHAKE_API_KEY: 'key-1234' });
    expect(other.code).toBe(ExitCode.authentication);
    expect(other.stderr).toContain('SOURCERE_USERNAME');
  });

  it('refuses --api with a named provider', async () => {
    const result = await run(['list', '--provider', 'sourcere', '--api', 'audioshake']);
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toContain('--api picks the API of the emulator');
  });

  it('refuses what the provider cannot do before uploading: a transcript on Sourcere, text formats for stems', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'stemkit-cli-main-'));
    const environment = { STEMKIT_EMULATOR_DATA_DIR: join(dataDir, 'emulator') };
    const cases: Array<[string[], RegExp]> = [
      // Not a callback URL on Tasks: the driver ignores it with a warning (one webhook per account).
      [['--stems', 'alignment', '--transcript', 'package.json', '--format', 'json'], /alignment/],
      [['--stems', 'transcription', '--format', 'json'], /transcription/],
      [['--api', 'audioshake', '--stems', 'vocals', '--format', 'json'], /--format json is for text models/],
      [
        ['--api', 'audioshake', '--stems', 'vocals', '--transcript', 'package.json'],
        /add alignment to --stems/,
      ],
      [['--stems', 'vocals', '--language', 'en'], /language/],
      [['--stems', 'vocals', '--format', 'mp4'], /--format must be one or more of/],
    ];
    for (const [flags, message] of cases) {
      const result = await run(
        ['separate', 'demo/demo.wav', '--provider', 'emulator', ...flags],
        environment,
      );
      expect(result.code, `${flags.join(' ')}: ${result.stderr}`).toBe(ExitCode.usage);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toContain('upload:');
    }
  });

  it('refuses list and usage where the provider has none, naming the capability', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'stemkit-cli-main-'));
    const environment = { STEMKIT_EMULATOR_DATA_DIR: join(dataDir, 'emulator') };
    const list = await run(['list', '--provider', 'emulator'], environment);
    expect(list.code).toBe(ExitCode.usage);
    expect(list.stderr).toMatch(/sourcere driver does not support list/);
    const usage = await run(['usage', '--provider', 'emulator', '--api', 'sourcere'], environment);
    expect(usage.code).toBe(ExitCode.usage);
    expect(usage.stderr).toMatch(/sourcere driver does not support usage/);
  });

  it('names the stems there are when a stem is unknown', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'stemkit-cli-main-'));
    const result = await run(['separate', 'demo/demo.wav', '--stems', 'guitar', '--provider', 'emulator'], {
      STEMKIT_EMULATOR_DATA_DIR: join(dataDir, 'emulator'),
    });
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toContain('its stems are vocals, instrumental, drums, bass, other');
  });

  it('exits 2 when the provider cannot make a stem, before uploading anything', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'stemkit-cli-main-'));
    const result = await run(
      ['separate', 'demo/demo.wav', '--stems', 'vocals,guitar', '--provider', 'emulator'],
      {
        STEMKIT_EMULATOR_DATA_DIR: join(dataDir, 'emulator'),
      },
    );
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toMatch(/^error: .*guitar/m);
    expect(result.stderr).not.toContain('upload:');
  });

  it('mounts `stemkit migrate` and `stemkit gateway` from @stemkit/migrate, flags passed through', async () => {
    const help = await run(['migrate', '--help']);
    expect(help.code).toBe(ExitCode.success);
    expect(help.stdout).toContain('Usage: stemkit migrate <command>');
    const unknown = await run(['migrate', 'teleport', '--now']);
    expect(unknown.code).toBe(ExitCode.usage);
    expect(unknown.stderr).toContain("error: unknown command 'teleport'");
    const gateway = await run(['gateway', '--help']);
    expect(gateway.code).toBe(ExitCode.success);
    expect(gateway.stdout).toContain('Usage: stemkit gateway');
    expect((await run(['--help'])).stdout).toMatch(/migrate \[arguments\.\.\.\]\s+move stored AudioShake/);
  });

  it('refuses a mix without tracks', async () => {
    const token = 'sk1.eyJjb250cmFjdCI6MSwicHJvdmlkZXIiOiJzb3VyY2VyZSIsImlkIjoiYWJjIn0';
    const result = await run(['mix', token]);
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toContain('mix needs at least one --track');
  });

  it('lists every provider with where mix and zip run', async () => {
    const table = await run(['providers']);
    expect(table.code).toBe(ExitCode.success);
    expect(table.stdout.split('\n')[0]).toMatch(/^capability\s+sourcere\s+audioshake-legacy\s+audioshake$/);
    expect(table.stdout).toMatch(/^mix\s+provider\s+local fallback\s+local fallback$/m);
    const { providers } = JSON.parse((await run(['providers', '--json'])).stdout);
    expect(providers.map((each: { name: string; mix: boolean }) => [each.name, each.mix])).toEqual([
      ['sourcere', true],
      ['audioshake-legacy', false],
      ['audioshake', false],
    ]);
  });
});
