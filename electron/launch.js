// Development entry for the Electron binary (`dangan start` runs `electron electron/launch.js`):
// registers tsx so the TypeScript main process runs from source, as the CLI does. Packaged builds
// bundle main, preload and the engine process instead.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
