export * from './api';
export * from './bridge';
export * from './envelope';
export * from './events';
export * from './models';
export * from './ui';
