// `kata load <url>`: steady HTTP load for the autoscaling chapter (14), and for anyone who wants
// to see what a Service does under it. Loads its module when it runs.
import type { Command } from '../args.ts';

export const loadCommands: Record<string, Command> = {
  load: async ({ name, flags }) => {
    const { parseLoadOptions, runLoad } = await import('./load.ts');
    const report = await runLoad(parseLoadOptions(name!, flags), (line) => console.log(line));
    return report.ok > 0 ? 0 : 1;
  },
};
