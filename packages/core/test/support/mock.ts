// The mock driver lives in @stemkit/testing, which depends on core; importing its source directly keeps the
// workspace graph acyclic (no devDependency back from core to testing).
export * from '../../../testing/src/index.ts';
