// kata/sleep: does nothing, forever (or for SECONDS given as its first argument), like the pause
// container or `sleep infinity`. Exits 0 on SIGTERM.
const seconds = Number(process.argv[2] ?? Infinity);
process.on('SIGTERM', () => process.exit(0));
if (Number.isFinite(seconds)) setTimeout(() => process.exit(0), seconds * 1000);
else setInterval(() => {}, 60_000);
