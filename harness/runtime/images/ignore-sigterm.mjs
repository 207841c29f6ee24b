// kata/ignore-sigterm: a program that ignores SIGTERM, so only SIGKILL (after the grace period)
// ends it. For termination tests.
process.on('SIGTERM', () => console.log('received SIGTERM, ignoring it'));
console.log('running; SIGTERM will be ignored');
setInterval(() => {}, 60_000);
