#!/usr/bin/env node
// Entry of the `dangan` command. The project runs its TypeScript sources directly through tsx (no
// build step between a checkout and a working command); packaged builds bundle instead.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);
