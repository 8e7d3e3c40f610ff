// What NetSuite's server-side SuiteScript 2.x runtime provides without an import: the AMD define() and the
// global log object (the N/log module). Types from @hitc/netsuite-types.
declare function define(deps: string[], factory: (...modules: any[]) => any): void;
declare const log: typeof import('N/log');
