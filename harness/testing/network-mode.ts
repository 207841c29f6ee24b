// Which network mode the tests run in (../network.ts), for the chapter tests that need an IP per
// pod or per node: a kubelet's echo pods on their own addresses, a proxy's ClusterIPs and node IP.
// In the single-address mode every pod is 127.0.0.1, so those tests cannot pass; they skip and
// say why, in one line, rather than fail: `test.skipIf(singleAddressMode)(...)` (or
// `describe.skipIf`), with `sayWhyOwnIpTestsSkip()` first in the describe block.
//
// The mode is KATA_NETWORK when set (loopback or single: `KATA_NETWORK=single npx kata test 06`
// shows what a Mac without loopback aliases sees), and otherwise what `kata up --network auto`
// would pick on this machine.
import { test } from 'vitest';
import { chooseNetworkMode, networkModeFromEnvironment, type NetworkMode } from '../network.ts';

/** The mode the tests run in. */
export const networkMode: NetworkMode =
  networkModeFromEnvironment() ?? (await chooseNetworkMode('auto'));

/** Whether the tests run in the single-address mode. */
export const singleAddressMode = networkMode === 'single';

/** The one line shown instead of the tests that need an IP of their own per pod. */
export const noOwnIps =
  'skipped: in the single-address network mode every pod is 127.0.0.1, and these tests need an IP per pod (add the loopback aliases: npx kata doctor)';

/** In the single-address mode, the one line that says why the tests needing own IPs skip. */
export function sayWhyOwnIpTestsSkip(): void {
  if (singleAddressMode) test.skip(noOwnIps, () => {});
}
