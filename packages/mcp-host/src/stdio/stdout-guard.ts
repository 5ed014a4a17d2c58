/**
 * In stdio mode stdout carries protocol frames only. A stray console.log from any
 * library would corrupt the stream, so console's stdout methods are pointed at stderr
 * while the server runs. Returns a function that restores them.
 */
export function guardStdoutConsole(): () => void {
  const original = { log: console.log, info: console.info, debug: console.debug };
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
  return () => {
    console.log = original.log;
    console.info = original.info;
    console.debug = original.debug;
  };
}
