#!/usr/bin/env node
// The `podkit` command. The only module of the package with side effects: it reads argv and
// sets the exit code (never process.exit, so stdout is flushed).
import './node-version.ts';
import { runCli } from './cli.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

process.exitCode = await runCli(process.argv.slice(2), {
  readStdin,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
});
