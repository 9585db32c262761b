// @ts-check
/**
 * The child side of `runChild` (src/child.ts): the input arrives as the first IPC message, and the
 * result goes back as a message that has left the process before it exits.
 */

/**
 * @param {string} what what the script is, for the error when it is started by hand
 * @returns {Promise<unknown>}
 */
export function childInput(what) {
  if (!process.send) return Promise.reject(new Error(`${what} is started by the benchmark, not by hand`));
  return new Promise((resolve) => process.once("message", resolve));
}

/** @param {unknown} result */
export function sendResult(result) {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error("no IPC channel to send the result on"));
    process.send(result, undefined, {}, (error) => (error ? reject(error) : resolve(undefined)));
  });
}
