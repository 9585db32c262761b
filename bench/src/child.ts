import { fork } from "node:child_process";

export interface ChildOptions {
  /** Node flags of the child (e.g. the worker image's heap bound). */
  nodeFlags?: readonly string[];
  /** What the child's error says it was doing, e.g. "the end-to-end sync process". */
  what: string;
  signal?: AbortSignal;
}

/**
 * Runs a plain JavaScript script of the benchmark in a Node process of its own (no TypeScript
 * loader, whatever started this process): `input` is the first message it receives over IPC
 * (see {@link childInput}), and the last message it sends back is the result.
 */
export function runChild<Input, Result>(script: string, input: Input, options: ChildOptions): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = fork(script, [], {
      execArgv: ["--no-warnings", ...(options.nodeFlags ?? [])],
      ...(options.signal ? { signal: options.signal } : {}),
      stdio: ["ignore", "inherit", "pipe", "ipc"],
    });
    child.send(input as object);
    let stderr = "";
    let result: Result | null = null;
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("message", (message) => {
      result = message as Result;
    });
    child.on("error", reject);
    child.on("exit", (code, exitSignal) => {
      if (code === 0 && result) resolve(result);
      else reject(new Error(`${options.what} exited with ${code ?? exitSignal}${result ? "" : " before reporting"}:\n${stderr.slice(-4000)}`));
    });
  });
}
