import { createContext, useContext } from 'react';
import type { Reference, UserView } from '../../core/contracts';
import type { EngineClient } from '../api/client';

export interface AppState {
  readonly client: EngineClient;
  readonly user: UserView;
  readonly reference: Reference;
  readonly navigate: (path: string) => void;
}

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const app = useContext(AppContext);
  if (app === null) throw new Error('useApp outside the signed-in shell');
  return app;
}
