// Stand-in for k6's 'k6' module: group runs its function, sleep records the pause (a smoke run
// need not wait), check counts like k6's.
export const sleeps = [];

export function group(name, fn) {
  return fn();
}

export function sleep(seconds) {
  sleeps.push(seconds);
}

export function check(value, checks) {
  return Object.values(checks).every((f) => f(value));
}
