#!/usr/bin/env node
// The `podkit` command. The only module of the package with side effects: it reads argv and
// sets the exit code (never process.exit, so stdout is flushed). The Node.js version is checked
// before anything else loads, so an old Node.js gets one line, not a stack.
const MIN_NODE = [22, 12, 0] as const;

function supportedNode(version: string): boolean {
  const have = version.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < MIN_NODE.length; i++) if ((have[i] ?? 0) !== MIN_NODE[i]) return (have[i] ?? 0) > MIN_NODE[i]!;
  return true;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

if (supportedNode(process.versions.node)) {
  const { runCli } = await import('./cli.ts');
  process.exitCode = await runCli(process.argv.slice(2), {
    readStdin,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
  });
} else {
  process.stderr.write(`podkit: @podkit/doctor requires Node.js >= ${MIN_NODE.join('.')} (running v${process.versions.node}); upgrade Node.js (ERR_PODKIT_DOCTOR_NODE_VERSION)\n`);
  process.exitCode = 2;
}
