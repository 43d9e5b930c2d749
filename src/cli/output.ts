/** Where the CLI writes: injectable so tests run commands in-process and read what they printed. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
};

/** Collects output in memory (tests). */
export function bufferOutput(): Output & { stdout: () => string; stderr: () => string } {
  const o: string[] = [];
  const e: string[] = [];
  return {
    out: (t) => void o.push(t.endsWith('\n') ? t : t + '\n'),
    err: (t) => void e.push(t.endsWith('\n') ? t : t + '\n'),
    stdout: () => o.join(''),
    stderr: () => e.join(''),
  };
}
