// The sandboxed preload: exposes the contract's one generic call and the event stream as
// `window.dangan`. It imports only types besides electron, so it bundles to a file that needs nothing
// but the sandbox's own `electron` module.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Bridge, EngineEvent } from '../core/contracts';

const IPC_CALL = 'dangan:call'; // = IPC.call in core/contracts/bridge.ts (no runtime import here)
const IPC_EVENT = 'dangan:event';

const bridge = {
  call: (channel, input, session) => ipcRenderer.invoke(IPC_CALL, channel, input, session),
  onEvent: (listener) => {
    const handler = (_e: IpcRendererEvent, event: EngineEvent) => {
      listener(event);
    };
    ipcRenderer.on(IPC_EVENT, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, handler);
    };
  },
} satisfies Bridge;

contextBridge.exposeInMainWorld('dangan', bridge);
