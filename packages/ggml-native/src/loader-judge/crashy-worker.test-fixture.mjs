/**
 * A stand-in for worker.mjs in judge.test.ts: same protocol, but it dies on purpose on files whose name
 * says so (segv: SIGSEGV, abort: SIGABRT, exit: status 3, hang: never answers), so the judge's crash
 * recording and restart can be tested without a loader bug to trigger.
 */
import { createInterface } from 'node:readline';

process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  const { i, path } = JSON.parse(line);
  if (path.endsWith('segv')) process.kill(process.pid, 'SIGSEGV');
  else if (path.endsWith('abort')) {
    process.stderr.write('GGML_ABORT: stand-in abort\n');
    process.kill(process.pid, 'SIGABRT');
  } else if (path.endsWith('exit')) process.exit(3);
  else if (path.endsWith('hang')) for (;;);
  else process.stdout.write(`${JSON.stringify({ i, accepted: path.endsWith('ok'), log: ['stand-in'] })}\n`);
});
